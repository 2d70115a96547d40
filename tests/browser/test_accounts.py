"""Browser: the HCM admin creates an account, grants it a leader role, and the new user is
sent to change the temporary password; the pages pass axe-core on a laptop and a phone."""
from __future__ import annotations

import pytest

from organizations.models import Organization, Role
from tests.browser.conftest import axe_violations, login
from tests.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.vietnamese]


@pytest.fixture
def demo(transactional_db):
    load_demo()


def check_axe(page, name: str, shot=None) -> None:
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert axe_violations(page) == [], f"{name} at {width}px"
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways at {width}px"
        if shot and width == 390:
            page.screenshot(path=str(shot), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_hcm_admin_creates_an_account_and_grants_a_leader_role(page, live_server, demo, artifacts):
    bloc = Organization.objects.get(code="HCM-KDCD")
    stnmt = Organization.objects.get(code="HCM-KDCD-STNMT")
    login(page, live_server, "quantri.hcm")
    page.get_by_role("link", name="Tài khoản", exact=True).first.click()
    page.wait_for_url("**/tai-khoan/quan-ly/")
    assert page.locator("table").get_by_text("lanhdao.hn").count() == 0, "Hà Nội's accounts are not listed"
    check_axe(page, "account list", artifacts / "page-accounts-390.png")

    page.get_by_role("link", name="Tạo tài khoản").click()
    page.fill("#id_username", "an.nv")
    page.fill("#id_full_name", "Nguyễn Văn An")
    page.fill("#id_email", "an.nv@example.vn")
    page.fill("#id_unit_q", "khoi dan chinh dang")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the picker's search: the form comes back, nothing typed lost
    assert page.input_value("#id_username") == "an.nv"
    options = page.locator("#id_organization option").all_inner_texts()
    assert any("HCM-KDCD)" in o for o in options) and not any("HN-" in o for o in options)
    page.select_option("#id_organization", str(bloc.pk))
    page.select_option("#id_kind", "staff")
    check_axe(page, "create form", artifacts / "page-account-create-390.png")
    page.get_by_role("button", name="Tạo tài khoản").click()
    page.wait_for_load_state("networkidle")
    password = page.get_by_test_id("temporary-password").inner_text().strip()
    assert len(password) == 14
    check_axe(page, "temporary password")

    page.get_by_role("link", name="Về trang tài khoản").click()
    page.fill("#id_unit_q", "so tai nguyen")
    page.get_by_role("button", name="Tìm đơn vị").click()
    page.wait_for_load_state("networkidle")
    page.select_option("#id_organization", str(stnmt.pk))
    page.select_option("#id_kind", "leader")
    page.get_by_role("button", name="Cấp vai trò").click()
    page.wait_for_load_state("networkidle")
    assert "Đã cấp vai trò: Lãnh đạo" in page.locator(".messages").inner_text()
    assert set(Role.objects.filter(user__username="an.nv").values_list("organization__code", "kind")) == {
        ("HCM-KDCD", "staff"), ("HCM-KDCD-STNMT", "leader")}
    check_axe(page, "account page")
    page.screenshot(path=str(artifacts / "page-account.png"), full_page=True)

    # The revoke button leads to a confirmation page, reachable by keyboard.
    page.get_by_role("link", name="Thu hồi").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/thu-hoi/")
    assert page.get_by_role("button", name="Thu hồi vai trò").is_visible()
    check_axe(page, "revoke confirmation")

    page.context.clear_cookies()
    login(page, live_server, "an.nv", password)
    assert "/tai-khoan/doi-mat-khau/" in page.url
    assert "mật khẩu tạm thời" in page.locator(".messages").inner_text()
