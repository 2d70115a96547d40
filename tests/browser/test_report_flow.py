"""Browser: staff record a meeting, paste a corpus article, confirm the suggested links, submit;
a leader of the organisation above accepts. Also keyboard use and axe-core on the pages."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from meetings.models import Report, ReportStatus
from organizations.models import Organization
from tests.browser.conftest import axe_violations, login
from tests.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = (Path(__file__).resolve().parents[2] / "meetings" / "demo" / "corpus" / "000_bcb5323768c904ad.txt").read_text(encoding="utf-8")


@pytest.fixture
def demo(transactional_db):
    load_demo()


def test_staff_enter_link_submit_and_leader_accepts(page, live_server, demo, artifacts):
    login(page, live_server, "canbo.sotnmt")
    page.goto(f"{live_server.url}/bao-cao/hoi-nghi/moi/")
    stnmt = Organization.objects.get(code="HCM-KDCD-STNMT")
    page.get_by_label("Organisation").select_option(str(stnmt.pk))
    page.get_by_label("Kind of meeting").select_option("plenum")
    page.get_by_label("Title").fill("Hội nghị Ban Chấp hành Đảng bộ Sở quý III/2018")
    page.get_by_label("Date").fill("14/09/2018")
    page.get_by_role("button", name="Save the meeting").click()
    page.wait_for_url("**/bao-cao/moi/?meeting=*")

    page.get_by_label("Kind of report").select_option("periodic")
    page.get_by_label("Reporting period").select_option("quarter")
    page.get_by_label("Period start").fill("01/07/2018")
    page.get_by_label("Period end").fill("30/09/2018")
    page.get_by_label("Title").fill("Báo cáo kết quả công tác quý III/2018")
    page.get_by_label("Text of the report").fill(ARTICLE)
    page.get_by_role("button", name="Save draft and find directives").click()
    page.wait_for_url("**/lien-ket/")

    text = page.get_by_test_id("report-text")
    assert text.locator("mark.cite").count() >= 10, "the citations in the article are highlighted"
    rows = page.locator(".link-row")
    legends = " | ".join(rows.locator("legend").all_inner_texts())
    for expected in ("05-CT/TW", "21-KL/TW", "54/2017/QH14", "04-NQ/TW"):
        assert expected in legends
    page.screenshot(path=str(artifacts / "report-links.png"), full_page=True)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save links and submit the report").click()
    page.wait_for_url("**/bao-cao/*/")
    report = Report.objects.get(title="Báo cáo kết quả công tác quý III/2018")
    assert report.status == ReportStatus.SUBMITTED
    assert report.links.filter(directive__symbol="05-CT/TW").exists()
    assert report.links.count() >= 7

    page.context.clear_cookies()
    login(page, live_server, "lanhdao.khoi")
    page.goto(f"{live_server.url}/bao-cao/{report.pk}/")
    page.get_by_role("button", name="Accept").click()
    page.wait_for_load_state("networkidle")
    assert "Report accepted." in page.content()
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    events = list(report.events.values_list("action", flat=True))
    assert events[0] == "created" and events[-2:] == ["submitted", "accepted"]


def test_validation_error_keeps_everything_typed(page, live_server, demo):
    login(page, live_server, "canbo.khoi")
    page.goto(f"{live_server.url}/bao-cao/moi/")
    page.get_by_label("Title").fill("Báo cáo thử")
    page.get_by_label("Period start").fill("31/03/2019")
    page.get_by_label("Period end").fill("01/03/2019")
    page.get_by_label("Text of the report").fill("Chi bộ thực hiện Chỉ thị 05.")
    page.get_by_role("button", name="Save draft and find directives").click()
    assert "The period cannot end before it starts." in page.content()
    assert page.get_by_label("Title").input_value() == "Báo cáo thử"
    assert page.get_by_label("Text of the report").input_value() == "Chi bộ thực hiện Chỉ thị 05."


def test_a_bad_number_in_the_links_step_loses_nothing(page, live_server, demo, artifacts):
    """Type everything in the links step, make one number wrong, save: the page comes back with
    the field marked and every value, tick and added directive as the user left it."""
    from meetings import services

    author = get_user_model().objects.get(username="canbo.khoi")
    report = services.report_create(
        actor=author, organization=Organization.objects.get(code="HCM-KDCD-STNMT"), kind="periodic",
        period_kind="month", period_start=dt.date(2019, 11, 1), period_end=dt.date(2019, 11, 30),
        title="Báo cáo tháng 11/2019",
        body="Chi bộ tiếp tục thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị và Nghị quyết Trung ương 4 (khóa XII).")
    login(page, live_server, "canbo.khoi")
    page.goto(f"{live_server.url}/bao-cao/{report.pk}/lien-ket/")
    ct05 = page.locator(".link-row", has_text="05-CT/TW")
    tw4 = page.locator(".link-row", has_text="04-NQ/TW")
    ct05.get_by_label("Assessment").select_option("done")
    ct05.get_by_label("Narrative").fill("Đã tổ chức học tập chuyên đề cho 100% đảng viên.")
    contribution = ct05.get_by_label(re.compile("Contribution to"))
    contribution.fill("12,5,0")
    tw4.get_by_role("checkbox").uncheck()
    tw4.get_by_label("Narrative").fill("Không thuộc kỳ này.")
    page.get_by_label(re.compile("Add a directive")).fill("35-CT/TW")
    page.locator("#directive-search-results .js-add-link").first.click()
    added = page.locator(".link-row", has_text="Added by you")
    added.get_by_label("Narrative").fill("Bổ sung từ tìm kiếm.")
    added_id = added.get_attribute("data-directive")

    page.get_by_role("button", name="Save links", exact=True).focus()
    page.keyboard.press("Enter")  # by keyboard
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts / "report-links-error.png"), full_page=True)

    summary = page.locator("#error-summary")
    assert "Not saved: 1 value needs correcting." in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "error-summary", "the summary takes the focus"
    contribution = page.locator(".link-row", has_text="05-CT/TW").get_by_label(re.compile("Contribution to"))
    assert contribution.get_attribute("aria-invalid") == "true"
    assert contribution.input_value() == "12,5,0"
    error_id = contribution.get_attribute("aria-describedby")
    assert "1,234.5" in page.locator(f"#{error_id}").inner_text(), "the message next to the field says how"
    ct05 = page.locator(".link-row", has_text="05-CT/TW")
    tw4 = page.locator(".link-row", has_text="04-NQ/TW")
    added = page.locator(f'.link-row[data-directive="{added_id}"]')
    assert ct05.get_by_label("Assessment").input_value() == "done"
    assert ct05.get_by_label("Narrative").input_value() == "Đã tổ chức học tập chuyên đề cho 100% đảng viên."
    assert ct05.get_by_role("checkbox").is_checked() and not tw4.get_by_role("checkbox").is_checked()
    assert tw4.get_by_label("Narrative").input_value() == "Không thuộc kỳ này."
    assert added.get_by_role("checkbox").is_checked()
    assert added.get_by_label("Narrative").input_value() == "Bổ sung từ tìm kiếm."
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "report-links-error-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling on a phone"
    assert axe_violations(page) == []

    summary.get_by_role("link").first.click()  # the summary leads to the field
    assert page.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"
    page.keyboard.press("Control+A")
    page.keyboard.type("1,500")
    with page.expect_navigation():
        page.get_by_role("button", name="Save links", exact=True).click()
    page.screenshot(path=str(artifacts / "report-links-saved.png"), full_page=True)
    assert "Links saved: 2 directives." in page.content()
    report.refresh_from_db()
    link = report.links.get(directive__symbol="05-CT/TW")
    assert (link.assessment, link.contributions.get().value) == ("done", 1500)
    assert not page.locator(".link-row", has_text="04-NQ/TW").get_by_role("checkbox").is_checked(), \
        "still unticked after the save"

    # The report page tells what changed, field by field, the text as a word diff.
    services.report_update(actor=author, report_id=report.pk, expected_version=report.version,
                           body=report.body.replace("tiếp tục thực hiện", "đã hoàn thành việc thực hiện"))
    page.goto(f"{live_server.url}/bao-cao/{report.pk}/")
    history = page.get_by_test_id("history")
    assert history.locator("del", has_text="tiếp tục").count() == 1
    assert history.locator("ins", has_text="đã hoàn thành việc").count() == 1
    assert "Đã tổ chức học tập chuyên đề cho 100% đảng viên." in history.inner_text()
    page.screenshot(path=str(artifacts / "report-history-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
