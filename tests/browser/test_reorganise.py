"""Browser: an admin merges two units from the unit's page — named without diacritics,
previewed in words, applied — and the successor's page shows the lineage; the pages pass
axe-core's WCAG 2 A/AA rules and fit a 390 px phone."""
from __future__ import annotations

import pytest

from organizations.models import Organization, RoleKind
from tests.browser.conftest import axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.vietnamese]


def test_an_admin_merges_two_units_with_a_preview(page, live_server, tree, make_user, artifacts):
    make_user("quantri.a", tree["ROOT"], RoleKind.ADMIN)
    login(page, live_server, "quantri.a", "pw-Test-12345")
    page.goto(f"{live_server.url}/to-chuc/{tree['A2'].pk}/")
    page.get_by_role("link", name="Sáp nhập", exact=True).click()
    page.get_by_role("textbox", name="Đơn vị đã có").fill("dang bo co so a1")
    page.get_by_label("Có hiệu lực từ ngày").fill("2025-07-01")
    page.get_by_label("Lý do").fill("Quyết định số 12-QĐ/ĐUK")
    page.get_by_role("button", name="Xem trước thay đổi").click()
    preview = page.get_by_role("region", name="Những thay đổi sẽ thực hiện")
    assert "sáp nhập vào “Đảng bộ cơ sở A1”" in preview.inner_text()
    assert Organization.objects.get(pk=tree["A2"].pk).valid_to is None, "a preview changes nothing"
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts / "merge-preview.png"), full_page=True)
    page.get_by_role("button", name="Thực hiện thay đổi").click()
    page.wait_for_url(f"**/to-chuc/{tree['A1'].pk}/")
    lineage = page.get_by_role("region", name="Quá trình hình thành")
    assert "Đảng bộ cơ sở A2" in lineage.inner_text() and "01/07/2025" in lineage.inner_text()
    assert str(Organization.objects.get(pk=tree["A2"].pk).valid_to) == "2025-06-30"
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/to-chuc/{tree['A1'].pk}/chia-tach/")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling at 390 px"
