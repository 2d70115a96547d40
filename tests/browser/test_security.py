"""Browser: every main page of the demo works under the Content-Security-Policy (no violation
reported by Chromium), and the account pages — password change, lock-out, 404 — pass axe-core
at 390 and 1366 px and work by keyboard."""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from meetings.models import Report
from organizations.models import Organization
from resolutions.models import Directive, SummaryDocument
from tests.browser.conftest import axe_violations, csp_violations, login
from tests.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.vietnamese]

WIDTHS = ((1366, 900), (390, 844))


@pytest.fixture
def demo(transactional_db):
    load_demo()
    call_command("compute_summaries", "--period", "2019", stdout=io.StringIO())


def _open(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 500, url
    policy = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy, url
    page.wait_for_load_state("networkidle")


def _try_login(page, live_server, username: str, password: str) -> None:
    """The login form, sent and its answer loaded (whatever it is: the form again, a lock-out)."""
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) button[type=submit]").click()


def _logout(page, live_server) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/dang-nhap/")


def test_every_main_page_obeys_the_content_security_policy(page, live_server, demo):
    base = live_server.url
    _open(page, f"{base}/dang-nhap/")

    # Staff: report pages, entry, the links step with its htmx search.
    login(page, live_server, "canbo.khoi")
    report = Report.objects.filter(organization__code="HCM-KDCD").order_by("pk").first()
    for path in ("/", "/bao-cao/", f"/bao-cao/{report.pk}/", "/bao-cao/moi/", "/bao-cao/hoi-nghi/moi/",
                 "/van-ban/", "/to-chuc/", "/tai-khoan/doi-mat-khau/", "/khong-co-trang-nay/"):
        _open(page, base + path)
    # A draft through the form (the policy's form-action allows the site itself), then its links step.
    org = Organization.objects.get(code="HCM-KDCD")
    _open(page, f"{base}/bao-cao/moi/")
    page.select_option("select[name=organization]", str(org.pk))
    page.select_option("select[name=kind]", "periodic")
    page.select_option("select[name=period_kind]", "month")
    page.fill("input[name=period_start]", "01/11/2019")
    page.fill("input[name=period_end]", "30/11/2019")
    page.fill("input[name=title]", "Báo cáo kết quả công tác tháng 11/2019")
    page.fill("textarea[name=body]", "Đảng ủy Khối tiếp tục thực hiện Chỉ thị 05-CT/TW của Bộ Chính trị.")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/lien-ket/")
    page.wait_for_load_state("networkidle")
    page.locator("input[hx-get]").fill("nghi quyet 54")
    page.wait_for_timeout(500)  # the search waits 250 ms after typing
    page.wait_for_load_state("networkidle")
    assert page.locator("#directive-search-results .js-add-link").count() > 0, "htmx swapped the results in"
    rows = page.locator(".link-row").count()
    page.locator("#directive-search-results .js-add-link").first.click()
    # links.js fetches the row drawn by the server (?row=<id>), then inserts it.
    expect(page.locator(".link-row")).to_have_count(rows + 1)
    _open(page, f"{base}/van-ban/{Directive.objects.order_by('pk').first().pk}/")
    _open(page, f"{base}/to-chuc/{org.pk}/")

    # Leader: dashboard and its charts, a directive drill-down, the matrix, the summary pages.
    _logout(page, live_server)
    login(page, live_server, "lanhdao.hcm")
    hcm = Organization.objects.get(code="HCM")
    for width in (1200, 1280, 1366):  # a leader's bar is the fullest: the user menu stays on screen
        page.set_viewport_size({"width": width, "height": 900})
        _open(page, f"{base}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        box = page.locator(".user-menu summary").bounding_box()
        assert box is not None and box["x"] + box["width"] <= width and box["width"] >= 64, width
    page.set_viewport_size({"width": 1280, "height": 900})
    _open(page, f"{base}/dashboard/")
    page.wait_for_function("() => window.Chart !== undefined && document.querySelectorAll('canvas').length > 0")
    assert page.locator(".dash-bar .progress-bar[class*='w-pct-']").count() > 0, "coverage bars keep their widths"
    bar = page.locator(".dash-bar .progress-bar").first.bounding_box()
    assert bar is not None and bar["width"] > 0
    directive_link = page.locator("[data-testid=dashboard-table] tr[data-directive] th a").first
    directive_link.click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("own-figures").is_visible()
    _open(page, f"{base}/dashboard/{hcm.pk}/ma-tran/")
    _open(page, f"{base}/tong-hop/to-chuc/{hcm.pk}/")
    _open(page, f"{base}/tong-hop/to-chuc/{hcm.pk}/chua-bao-cao/")
    doc = SummaryDocument.objects.create(organization=hcm, period_kind="month", period_start="2019-12-01",
                                         period_end="2019-12-31", progress=40)
    _open(page, f"{base}/tong-hop/tai-lieu/{doc.pk}/")
    with page.expect_response(lambda r: f"/tong-hop/tai-lieu/{doc.pk}/" in r.url and r.request.headers.get("hx-request")):
        pass  # the status polls itself through htmx every second
    assert page.locator("#document-status .progress-bar.w-pct-40").count() == 1

    # Operator: the Django admin.
    _logout(page, live_server)
    login(page, live_server, "vanhanh")
    for path in ("/quan-tri/", "/quan-tri/organizations/organization/", "/quan-tri/auth/user/",
                 f"/quan-tri/auth/user/{report.author_id}/change/",
                 f"/quan-tri/auth/user/{report.author_id}/password/"):
        _open(page, base + path)

    assert csp_violations(page) == []

    # The watch is real: an inline style added now is refused and reported.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_timeout(300)
    assert any(v.get("directive", "").startswith("style-src") or "style" in v.get("console", "")
               for v in csp_violations(page))
    page._rt_csp.clear()


def test_account_pages_are_accessible_and_work_by_keyboard(page, live_server, demo, settings, artifacts):
    settings.AXES_ENABLED = True
    base = live_server.url
    login(page, live_server, "canbo.khoi")

    # The header's user menu leads to the password change, by keyboard, on a laptop and a phone.
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(base + "/")
        if width < 1200:  # the navigation is folded behind its button
            page.locator(".navbar-toggler").focus()
            page.keyboard.press("Enter")
            page.locator("#main-nav.show").wait_for()
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.matches('.user-menu summary')"):
                break
        else:
            pytest.fail(f"the user menu is not reachable by Tab at {width}px")
        assert "Tài khoản của bạn" in page.evaluate("document.activeElement.textContent")
        page.keyboard.press("Enter")  # opens the menu
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "Đổi mật khẩu"
        assert page.locator(".user-menu-panel").is_visible()
        assert axe_violations(page) == [], f"open user menu at {width}px"
        page.screenshot(path=str(artifacts / f"user-menu-{width}.png"))
        page.keyboard.press("Enter")
        page.wait_for_url("**/tai-khoan/doi-mat-khau/")
        assert axe_violations(page) == [], f"password form at {width}px"

    # A weak password is refused with Vietnamese reasons tied to the field.
    page.locator("#id_old_password").fill("Demo@2019")
    page.locator("#id_new_password1").fill("12345678")
    page.locator("#id_new_password2").fill("12345678")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Mật khẩu này hoàn toàn là số" in page.content()
    assert page.locator("#id_new_password2").get_attribute("aria-invalid") == "true"
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        assert axe_violations(page) == [], f"password form with errors at {width}px"
        page.screenshot(path=str(artifacts / f"password-change-errors-{width}.png"), full_page=True)

    # Typed and sent by keyboard only.
    page.locator("#id_old_password").focus()
    page.keyboard.type("Demo@2019")
    page.keyboard.press("Tab")
    page.keyboard.type("Van-Phong-Khoi-2026")
    for _ in range(5):  # past the help text's links, if any, to the confirmation
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_new_password2":
            break
    page.keyboard.type("Van-Phong-Khoi-2026")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tai-khoan/doi-mat-khau/xong/")
    assert page.get_by_test_id("password-changed").is_visible()
    assert axe_violations(page) == []

    # 404 in the site's layout.
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        response = page.goto(base + "/khong-co-trang-nay/")
        assert response.status == 404 and "Không tìm thấy trang" in page.content()
        assert axe_violations(page) == [], f"404 at {width}px"
        page.screenshot(path=str(artifacts / f"not-found-{width}.png"), full_page=True)

    # Five wrong passwords lock the login; the page says so in Vietnamese.
    _logout(page, live_server)
    for _ in range(5):
        _try_login(page, live_server, "canbo.khoi", "sai-mat-khau")
    page.get_by_test_id("locked-out").wait_for()
    assert "Vui lòng thử lại sau 15 phút" in page.get_by_test_id("locked-out").inner_text()
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        assert axe_violations(page) == [], f"lock-out page at {width}px"
        page.screenshot(path=str(artifacts / f"locked-out-{width}.png"), full_page=True)
    _try_login(page, live_server, "canbo.khoi", "Van-Phong-Khoi-2026")
    page.get_by_test_id("locked-out").wait_for()  # the right password does not open a locked login
    assert page.context.cookies() == [] or all(c["name"] != "sessionid" for c in page.context.cookies())
