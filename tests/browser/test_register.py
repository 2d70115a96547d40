"""Browser: a staff member meets an unknown citation on a report's links page and asks for it to
be registered; the city's admin finds the request, registers the document from the prefilled
form (by keyboard, on a phone-sized screen too), and the report's links page then resolves it.
axe-core on every page of the flow."""
from __future__ import annotations

import pytest

from organizations.models import Organ, Organization
from resolutions.models import Directive, RegistrationRequest, RequestStatus
from tests.browser.conftest import axe_violations, login
from tests.demo import load_demo
from tests.factories import ReportFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = ("Đảng bộ Sở đã quán triệt Kế hoạch số 245-KH/TU ngày 05/3/2019 của Ban Thường vụ Thành ủy về công tác "
        "dân vận và tiếp tục thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị.")


@pytest.fixture
def report(transactional_db):
    load_demo()
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.get(username="canbo.sotnmt")
    return ReportFactory(organization=Organization.objects.get(code="HCM-KDCD-STNMT"), author=staff, body=BODY,
                         title="Báo cáo tháng 3/2019 của Đảng ủy Sở")


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


def test_request_then_register_then_the_report_resolves_it(page, live_server, report, artifacts):
    login(page, live_server, "canbo.sotnmt")
    page.goto(f"{live_server.url}/bao-cao/{report.pk}/lien-ket/")
    ask = page.get_by_role("button", name="ask for it to be registered")
    assert "245-KH/TU" in ask.text_content()  # its name says which citation (for screen readers)
    ask.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "registration requested on" in page.get_by_test_id("request-state").inner_text()
    assert axe_violations(page) == []
    assert RegistrationRequest.objects.get(report_id=report.pk).status == RequestStatus.OPEN

    page.context.clear_cookies()
    login(page, live_server, "quantri.hcm")
    page.goto(f"{live_server.url}/van-ban/")
    page.get_by_role("link", name="Keeping the register: register documents, requests").click()
    assert axe_violations(page) == []
    page.get_by_test_id("requests-link").click()
    assert axe_violations(page) == []
    page.get_by_test_id("requests").locator("a", has_text="245-KH/TU").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/van-ban/de-nghi/*/")
    assert "245-KH/TU" in page.get_by_test_id("citing-text").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Register this document").click()
    assert page.get_by_label("Number").input_value() == "245"
    assert page.get_by_test_id("request-source").is_visible()

    page.set_viewport_size({"width": 390, "height": 844})
    assert no_horizontal_scroll(page)
    assert page.get_by_label("Issuer").input_value() == str(Organ.objects.get(key="hcm-btv").pk)
    page.get_by_role("button", name="Register").click()  # the title is still missing
    assert page.locator("#error-summary").is_visible()
    assert page.get_by_label("Number").input_value() == "245"  # nothing typed is lost
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts / "register-errors-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_label("Symbol (số và ký hiệu)").fill("245-KH/TU")
    page.get_by_label("Issue date").fill("05/03/2019")
    page.get_by_label("Title (trích yếu)").fill("Về tăng cường công tác dân vận năm 2019")
    page.get_by_label("Title (trích yếu)").press("Tab")
    page.keyboard.press("Tab")  # the note
    page.get_by_role("button", name="Register").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/van-ban/*/")
    directive = Directive.objects.get(symbol="245-KH/TU")
    assert page.url.endswith(f"/van-ban/{directive.pk}/")
    assert axe_violations(page) == []
    assert RegistrationRequest.objects.get(report_id=report.pk).status == RequestStatus.REGISTERED

    page.context.clear_cookies()
    login(page, live_server, "canbo.sotnmt")
    page.goto(f"{live_server.url}/bao-cao/{report.pk}/lien-ket/")
    legends = " | ".join(page.locator(".link-row legend").all_inner_texts())
    assert "245-KH/TU" in legends
    assert "Registered" in page.get_by_test_id("registration-requests").inner_text()
    page.screenshot(path=str(artifacts / "register-resolved.png"), full_page=True)
