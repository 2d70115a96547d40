"""Browser: staff record a meeting, paste a corpus article, confirm the suggested links, submit;
a leader of the organisation above accepts. Also keyboard use and axe-core on the pages."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from meetings.models import Report, ReportStatus
from organizations.models import Organization
from tests.browser.conftest import axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = (Path(__file__).resolve().parents[2] / "meetings" / "demo" / "corpus" / "000_bcb5323768c904ad.txt").read_text(encoding="utf-8")


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", "--force", stdout=io.StringIO())


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
