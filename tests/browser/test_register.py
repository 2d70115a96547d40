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


def test_assign_a_central_document_end_it_and_set_a_target(page, live_server, report, artifacts):
    """The HCM admin assigns 05-CT/TW to the Khối, sets its target there and ends the assignment."""
    khoi = Organization.objects.get(code="HCM-KDCD")
    central = Directive.objects.get(symbol="05-CT/TW")
    login(page, live_server, "quantri.hcm")
    page.goto(f"{live_server.url}/van-ban/{central.pk}/")
    assert "read-only to you" in page.get_by_test_id("keeping").inner_text()
    page.get_by_role("link", name="Assign to your units").click()
    assert axe_violations(page) == []
    page.get_by_label("Organisation (and the units below it)").select_option(str(khoi.pk))
    page.get_by_label("Reporting units").select_option("grassroots")
    page.get_by_label("Reporting frequency").select_option("quarter")
    page.locator("#id_start").fill("01/01/2030")  # refused below: an assignment's interval is checked
    page.locator("#id_end").fill("31/12/2029")
    page.get_by_role("button", name="Assign").click()
    assert "An assignment cannot end before it starts." in page.locator("#error-summary").inner_text()
    assert page.locator("#id_start").input_value() == "01/01/2030"
    assert axe_violations(page) == []
    page.locator("#id_start").fill("01/01/2020")
    page.locator("#id_end").fill("")
    page.get_by_role("button", name="Assign").click()
    page.wait_for_url(f"**/van-ban/{central.pk}/")
    page.get_by_role("link", name="Set a target").click()
    assert axe_violations(page) == []
    page.get_by_label("Target").fill("Cán bộ được bồi dưỡng lý luận")
    page.get_by_label("Whose goal").select_option(str(khoi.pk))
    page.locator("#id_value").fill("120")
    page.get_by_label("Unit of measure").fill("cán bộ")
    page.get_by_role("button", name="Save target").click()
    page.wait_for_url(f"**/van-ban/{central.pk}/")
    assert "Cán bộ được bồi dưỡng lý luận" in page.get_by_test_id("keeping").inner_text()
    page.get_by_test_id("keeping").locator("li", has_text="01/01/2020").get_by_role("link").click()
    assert axe_violations(page) == []
    page.get_by_label("Last day of the assignment").fill("31/12/2021")
    page.get_by_role("button", name="End the assignment").click()
    page.wait_for_url(f"**/van-ban/{central.pk}/")
    assert "until 31/12/2021" in page.get_by_test_id("keeping").locator("li", has_text="01/01/2020").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(artifacts / "register-assigned-phone.png"), full_page=True)
