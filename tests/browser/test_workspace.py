"""Browser: a committee admin's tree workspace in Vietnamese — open a level in place, by mouse
and by keyboard; search without diacritics and land on the unit; create a unit (a bad date
first, kept as typed), move it with its confirmation and preview; every page passes axe-core's
WCAG 2 A/AA rules, the tree needs no sideways scrolling on a 390 px phone, and prints without
its controls."""
from __future__ import annotations

import re

import pytest

from organizations.models import Organization, Reorganisation
from tests.browser.conftest import axe_violations, login
from tests.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.vietnamese]

NO_SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def demo(transactional_db):
    load_demo()


def row(page, org: Organization):
    return page.locator(f"#unit-{org.pk} > .ws-row")


def test_admin_works_in_the_tree(page, live_server, demo, artifacts):
    psg, pbt = Organization.objects.get(code="HCM-PSG"), Organization.objects.get(code="HCM-Q1-PBT")
    login(page, live_server, "quantri.hcm")
    page.get_by_role("link", name="Quản lý đơn vị").click()
    page.wait_for_url("**/to-chuc/quan-ly/")
    tree = page.get_by_test_id("workspace-tree")
    assert row(page, psg).is_visible(), "the admin's committee is open one level"
    assert not tree.get_by_text("Chi bộ Khu phố 1 — Đảng bộ Phường Bến Nghé", exact=True).is_visible()
    assert not tree.get_by_text("Đảng bộ Quận 1", exact=True).is_visible(), "closed in 2025: hidden until asked"
    assert axe_violations(page) == []

    # Open a level in place (fetched), then fold it again from the keyboard.
    toggle = row(page, psg).locator(".ws-toggle")
    toggle.click()
    page.wait_for_selector(f"#ws-children-{psg.pk} >> text=Chi bộ Khu phố 1 — Đảng bộ Phường Bến Nghé")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.url.endswith("/to-chuc/quan-ly/"), "opened in place, no page load"
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator(f"#ws-children-{psg.pk}").is_visible()
    page.keyboard.press("Space")
    assert toggle.get_attribute("aria-expanded") == "true"
    page.screenshot(path=str(artifacts / "workspace.png"), full_page=False)

    # Search without diacritics, open a hit: the tree opens there and the unit has the focus.
    box = page.get_by_label("Tìm đơn vị theo tên hoặc mã")
    box.fill("phuong ben thanh")
    box.press("Enter")
    page.wait_for_url(re.compile(r".*\?q=phuong\+ben\+thanh.*"))
    hits = page.get_by_test_id("workspace-hits")
    assert "Tìm thấy 5 đơn vị." in hits.inner_text(), "the ward and its four cells, not their closed versions"
    hits.get_by_role("link", name="Đảng bộ Phường Bến Thành", exact=True).click()
    page.wait_for_url(re.compile(r".*\?open=\d+.*"))
    target = page.locator(".ws-target")
    assert "Đảng bộ Phường Bến Thành" in target.inner_text()
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)  # the script focuses the unit just after the load
    assert page.evaluate("document.activeElement.textContent.trim()") == "Đảng bộ Phường Bến Thành"
    assert axe_violations(page) == []

    # Create a unit below Phường Sài Gòn: a bad date comes back with everything typed.
    page.goto(f"{live_server.url}/to-chuc/quan-ly/")
    row(page, psg).locator("summary").click()
    row(page, psg).get_by_role("link", name="Thêm đơn vị trực thuộc").click()
    page.locator("#id_code").fill("HCM-PSG-CB09")
    page.locator("#id_name").fill("Chi bộ Khu phố 9")
    page.locator("#id_kind").select_option("cell")
    page.locator("#id_member_count").fill("24")
    page.locator("#id_valid_from").fill("31/02/2020")
    page.get_by_role("button", name="Thành lập đơn vị").click()
    assert page.locator("#id_name").input_value() == "Chi bộ Khu phố 9"
    assert page.get_by_role("alert").count() >= 1
    assert axe_violations(page) == []
    page.locator("#id_valid_from").fill("01/02/2020")
    page.get_by_role("button", name="Thành lập đơn vị").click()
    page.wait_for_url(re.compile(r".*/to-chuc/quan-ly/\?open=\d+.*"))
    new = Organization.objects.get(code="HCM-PSG-CB09")
    assert "Chi bộ Khu phố 9" in page.locator(".ws-target").inner_text()

    # Move it to the neighbouring ward: find it without diacritics, confirm, preview, apply.
    row(page, new).locator("summary").click()
    row(page, new).get_by_role("link", name="Điều chuyển").click()
    page.get_by_label("Đơn vị cấp trên mới: tên hoặc mã").fill("phuong ben thanh")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.locator(f"#parent-{pbt.pk}").check()
    page.get_by_role("button", name="Tiếp tục").click()
    confirmation = page.get_by_test_id("move-confirmation")
    assert "1 đơn vị (tính cả đơn vị này)" in confirmation.inner_text()
    page.locator("#id_reason").fill("Quyết định số 15-QĐ/TU")
    page.get_by_role("button", name="Xem trước thay đổi").click()
    assert page.locator("#preview-title").is_visible(), "the change in words, before anything is done"
    assert "Khu phố 9" in page.locator("#preview-title + ul").inner_text()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(NO_SIDEWAYS), "the confirmation fits a phone"
    page.locator("button[name=step][value=apply]").click()
    page.wait_for_url(re.compile(r".*/to-chuc/quan-ly/\?open=\d+.*"))
    moved = Organization.objects.filter(code="HCM-PSG-CB09").get()
    assert Organization.objects.get_parent(moved).pk == pbt.pk
    assert Reorganisation.objects.filter(kind="move").count() == 1
    assert "Chi bộ Khu phố 9" in page.locator(".ws-target").inner_text()

    # A phone: no sideways scrolling, the figures wrapped under the name with their labels.
    assert page.evaluate(NO_SIDEWAYS), "no sideways scrolling at 390 px"
    assert page.locator(".ws-target .ws-label").first.is_visible()
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts / "workspace-phone.png"), full_page=False)

    # Printed: the tree without its controls.
    page.emulate_media(media="print")
    assert not page.locator(".ws-actions").first.is_visible()
    assert not page.locator(".ws-search").is_visible()
