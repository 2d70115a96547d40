"""Home, report list, report and meeting pages: what a user sees, and never beyond their scope."""
from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import (
    CitedSpan,
    MeetingParticipant,
    ParticipantRole,
    Report,
    ReportStatus,
    TargetContribution,
)
from organizations.models import Person
from tests.factories import (
    DirectiveFactory,
    LinkFactory,
    MeetingFactory,
    ReportFactory,
    TargetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_a(client, tree, make_user):
    user = make_user("staff.a", tree["A"])
    client.force_login(user)
    return user


@pytest.mark.parametrize("name, args", [
    ("home", []), ("report-list", []), ("report-detail", [1]), ("meeting-detail", [1]),
])
def test_anonymous_users_are_sent_to_login(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_explains_bad_credentials(client, db):
    UserFactory(username="canbo")
    page = client.get(reverse("login")).content.decode()
    assert 'for="id_username"' in page and 'for="id_password"' in page
    response = client.post(reverse("login"), {"username": "canbo", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    response = client.post(reverse("login"), {"username": "canbo", "password": "pw-Test-12345"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


# --- home ------------------------------------------------------------------------------------

def test_home_shows_the_users_organisation_and_latest_reports(client, tree, staff_a):
    ReportFactory(organization=tree["A1a"], title="Báo cáo của chi bộ A1a")
    ReportFactory(organization=tree["B1"], title="Báo cáo của B1")
    page = client.get(reverse("home")).content.decode()
    assert "Đảng ủy Khối A" in page
    assert "Đảng bộ cơ sở A1" in page and "Đảng bộ cơ sở A2" in page  # the units below
    assert "Party cell" in page  # counts by kind
    assert "Báo cáo của chi bộ A1a" in page
    assert "Báo cáo của B1" not in page
    assert "01/03/2019 – 31/03/2019" in page


def test_home_lists_at_most_ten_reports(client, tree, staff_a):
    for month in range(1, 13):
        ReportFactory(organization=tree["A1"], title=f"Báo cáo tháng {month:02d}",
                      period_start=dt.date(2019, month, 1), period_end=dt.date(2019, month, 28))
    page = client.get(reverse("home")).content.decode()
    assert "Báo cáo tháng 12" in page and "Báo cáo tháng 03" in page
    assert "Báo cáo tháng 02" not in page


def test_home_for_a_user_without_role_is_a_friendly_message(client, db):
    client.force_login(UserFactory(username="nobody"))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "not attached to any organisation" in response.content.decode()


def test_base_layout(client, tree, staff_a):
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in page
    assert 'href="#main"' in page  # skip link
    assert 'for="language-select"' in page
    assert reverse("logout") in page and "staff.a" in page
    assert "/quan-tri/" not in page  # not an is_staff user


# --- report list ------------------------------------------------------------------------------

def test_report_list_is_scoped(client, tree, staff_a):
    ReportFactory(organization=tree["A1a"], title="Báo cáo A1a")
    ReportFactory(organization=tree["B1"], title="Báo cáo B1")
    ReportFactory(organization=tree["ROOT"], title="Báo cáo Thành ủy")
    page = client.get(reverse("report-list")).content.decode()
    assert "Báo cáo A1a" in page
    assert "Báo cáo B1" not in page and "Báo cáo Thành ủy" not in page
    assert "1 report." in page


def test_report_list_filters(client, tree, staff_a):
    d = DirectiveFactory(number="5")
    linked = ReportFactory(organization=tree["A1a"], title="Sơ kết thực hiện Chỉ thị", status=ReportStatus.SUBMITTED)
    LinkFactory(report=linked, directive=d)
    ReportFactory(organization=tree["A2"], title="Báo cáo quý", period_kind="quarter",
                  period_start=dt.date(2019, 1, 1), period_end=dt.date(2019, 3, 31))
    ReportFactory(organization=tree["A1b"], title="Báo cáo năm 2018", period_kind="year",
                  period_start=dt.date(2018, 1, 1), period_end=dt.date(2018, 12, 31))
    url = reverse("report-list")

    def titles(params):
        page = client.get(url, params).content.decode()
        return {t for t in ("Sơ kết thực hiện Chỉ thị", "Báo cáo quý", "Báo cáo năm 2018") if t in page}

    assert titles({"q": "sơ kết"}) == {"Sơ kết thực hiện Chỉ thị"}
    assert titles({"organization": tree["A1"].pk}) == {"Sơ kết thực hiện Chỉ thị", "Báo cáo năm 2018"}
    assert titles({"status": "submitted"}) == {"Sơ kết thực hiện Chỉ thị"}
    assert titles({"period_kind": "quarter"}) == {"Báo cáo quý"}
    assert titles({"period_to": "31/12/2018"}) == {"Báo cáo năm 2018"}
    assert titles({"period_from": "01/03/2019"}) == {"Sơ kết thực hiện Chỉ thị", "Báo cáo quý"}
    assert titles({"directive": d.pk}) == {"Sơ kết thực hiện Chỉ thị"}
    assert titles({"kind": "periodic"}) == {"Sơ kết thực hiện Chỉ thị", "Báo cáo quý", "Báo cáo năm 2018"}


def test_report_search_uses_the_folded_text(client, tree, staff_a):
    report = ReportFactory(organization=tree["A1a"], title="Báo cáo tháng 3")
    report.search_text = "bao cao thang 3 chi bo thuc hien chi thi 05"
    report.save()
    page = client.get(reverse("report-list"), {"q": "chỉ thị 05"}).content.decode()
    assert "Báo cáo tháng 3" in page


def test_report_list_organisation_choices_stay_in_scope(client, tree, staff_a):
    page = client.get(reverse("report-list")).content.decode()
    assert "Chi bộ A1a" in page  # offered in the drop-down
    assert "Quận ủy B" not in page
    response = client.get(reverse("report-list"), {"organization": tree["B"].pk})
    assert "Select a valid choice" in response.content.decode()


def test_report_list_query_count_does_not_grow_with_rows(client, tree, staff_a, django_assert_max_num_queries):
    meeting = MeetingFactory(organization=tree["A1a"])
    for _ in range(3):
        ReportFactory(organization=tree["A1a"], meeting=meeting)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("report-list"))
    for i in range(20):
        ReportFactory(organization=tree["A1b"] if i % 2 else tree["A2"], meeting=meeting if i % 2 else None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("report-list")).content.decode()
    assert "23 reports." in page


def test_report_list_pagination_keeps_filters(client, tree, staff_a, settings):
    settings.PAGE_SIZE = 2
    for _ in range(5):
        ReportFactory(organization=tree["A1a"])
    page = client.get(reverse("report-list"), {"status": "draft"}).content.decode()
    assert "Page 1 of 3" in page
    assert "?status=draft&amp;page=2" in page


# --- report detail ------------------------------------------------------------------------------

def test_staff_sees_reports_below_but_not_in_another_branch(client, tree, staff_a):
    own = ReportFactory(organization=tree["A1a"], title="Báo cáo chi bộ A1a")
    other = ReportFactory(organization=tree["B1"], title="Báo cáo bí mật B1")
    response = client.get(reverse("report-detail", args=[own.pk]))
    assert response.status_code == 200
    assert "Báo cáo chi bộ A1a" in response.content.decode()
    response = client.get(reverse("report-detail", args=[other.pk]))
    assert response.status_code == 404
    assert "Báo cáo bí mật B1" not in response.content.decode()


def test_report_detail_shows_meeting_links_and_contributions(client, tree, staff_a):
    meeting = MeetingFactory(organization=tree["A1a"], kind="cell_regular", title="Sinh hoạt chi bộ tháng 3",
                             date=dt.date(2019, 3, 10), place="Hội trường A")
    chair = Person.objects.create(full_name="Nguyễn Văn Chủ")
    MeetingParticipant.objects.create(meeting=meeting, person=chair, role=ParticipantRole.CHAIR,
                                      position_label="Bí thư Chi bộ A1a")
    report = ReportFactory(organization=tree["A1a"], meeting=meeting, author=staff_a, title="Báo cáo tháng 3")
    directive = DirectiveFactory(number="5")
    link = LinkFactory(report=report, directive=directive, assessment="done", note="Đã tổ chức học tập chuyên đề.")
    target = TargetFactory(directive=directive, name="Đảng viên học tập", unit="đảng viên")
    TargetContribution.objects.create(link=link, target=target, value=12)
    page = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    for expected in ("Sinh hoạt chi bộ tháng 3", "Regular cell meeting", "10/03/2019", "Hội trường A",
                     "Nguyễn Văn Chủ", "Bí thư Chi bộ A1a", "Chair", "01/03/2019 – 31/03/2019", "Draft",
                     "staff.a", "Chỉ thị 05-CT/TW", "Completed", "Đã tổ chức học tập chuyên đề.",
                     "Đảng viên học tập: 12 đảng viên"):
        assert expected in page, expected
    assert reverse("meeting-detail", args=[meeting.pk]) in page
    assert reverse("report-edit", args=[report.pk]) in page  # staff may edit a draft


def test_cited_spans_are_highlighted_and_the_body_is_escaped(client, tree, staff_a):
    body = "<script>alert(1)</script> Thực hiện Chỉ thị 05-CT/TW & Kết luận 21."
    report = ReportFactory(organization=tree["A1a"], body=body)
    link = LinkFactory(report=report, directive=DirectiveFactory(number="5"))
    start = body.index("Chỉ thị 05-CT/TW")
    CitedSpan.objects.create(link=link, start=start, end=start + len("Chỉ thị 05-CT/TW"), text="Chỉ thị 05-CT/TW")
    page = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Thực hiện " in page
    assert '<mark title="Chỉ thị 05-CT/TW">Chỉ thị 05-CT/TW</mark> &amp; Kết luận 21.' in page


def test_overlapping_and_stale_spans(client, tree, staff_a):
    from meetings.selectors import cited_segments

    segments = cited_segments("abcdefgh", [(1, 4, "X"), (2, 5, "Y"), (6, 20, "Z")])
    assert [(s.text, s.directives) for s in segments] == [("a", ()), ("bcde", ("X", "Y")), ("fgh", ())]


def test_leader_above_sees_the_accept_button(client, tree, make_user):
    report = ReportFactory(organization=tree["A1a"], status=ReportStatus.SUBMITTED)
    client.force_login(make_user("leader.a1", tree["A1"], kind="leader"))
    page = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert reverse("report-accept", args=[report.pk]) in page
    assert ">Accept<" in page


# --- meeting detail -----------------------------------------------------------------------------

def test_meeting_detail_is_scoped(client, tree, staff_a):
    own = MeetingFactory(organization=tree["A1a"], title="Sinh hoạt chi bộ A1a", sequence=None, place="Phòng họp 2")
    other = MeetingFactory(organization=tree["B1"], title="Hội nghị B1")
    report = ReportFactory(organization=tree["A1a"], meeting=own, title="Báo cáo của hội nghị")
    response = client.get(reverse("meeting-detail", args=[own.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sinh hoạt chi bộ A1a" in page and "Phòng họp 2" in page and "10/03/2019" in page
    assert reverse("report-detail", args=[report.pk]) in page
    assert client.get(reverse("meeting-detail", args=[other.pk])).status_code == 404


def test_report_detail_query_count_does_not_grow_with_links(client, tree, staff_a, django_assert_max_num_queries):
    def report_with_links(n: int):
        body = " ".join(f"Chỉ thị {i:02d}-CT/TW." for i in range(1, n + 1))
        report = ReportFactory(organization=tree["A1a"], body=body)
        for i in range(1, n + 1):
            symbol = f"Chỉ thị {i:02d}-CT/TW"
            link = LinkFactory(report=report, directive=DirectiveFactory())
            start = body.index(symbol)
            CitedSpan.objects.create(link=link, start=start, end=start + len(symbol), text=symbol)
            TargetContribution.objects.create(link=link, target=TargetFactory(directive=link.directive), value=1)
        return report

    small, large = report_with_links(1), report_with_links(6)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("report-detail", args=[small.pk]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("report-detail", args=[large.pk])).content.decode()
    assert page.count("<mark") == 6


# ----------------------------------------------------------------------------------------
# Bounded, aligned periods and strict parameters (issue 13)
# ----------------------------------------------------------------------------------------
def _report_form(org, **extra) -> dict:
    return {"organization": org.pk, "kind": "periodic", "period_kind": "month", "period_start": "01/03/2019",
            "period_end": "31/03/2019", "title": "Báo cáo tháng 3/2019", "body": "Chi bộ thực hiện Chỉ thị 05-CT/TW.",
            **extra}


@pytest.mark.vietnamese
def test_a_report_for_december_9999_is_refused_next_to_its_dates_in_vietnamese(client, tree, staff_a):
    DirectiveFactory()  # the register starts with its term in 2016
    response = client.post(reverse("report-create"), _report_form(
        tree["A1"], period_start="01/12/9999", period_end="31/12/9999", title="Tiêu đề đã gõ"))
    assert response.status_code == 200 and not Report.objects.exists()
    form = response.context["form"]
    assert "Kỳ báo cáo phải nằm trong khoảng từ năm 2016 đến năm" in form.errors["period_start"][0]
    page = response.content.decode()
    assert 'value="Tiêu đề đã gõ"' in page and 'value="31/12/9999"' in page and "Chi bộ thực hiện Chỉ thị" in page


def test_a_monthly_report_must_cover_its_calendar_month(client, tree, staff_a):
    response = client.post(reverse("report-create"), _report_form(tree["A1"], period_end="30/03/2019"))
    assert response.status_code == 200
    assert response.context["form"].errors["period_end"] == [
        "A monthly report covers one calendar month, from its first to its last day. It should end on 31/03/2019."]
    response = client.post(reverse("report-create"), _report_form(tree["A1"], period_kind="quarter",
                                                                 period_start="01/02/2019", period_end="30/04/2019"))
    assert "It should start on 01/01/2019." in response.context["form"].errors["period_start"][0]
    assert client.post(reverse("report-create"), _report_form(tree["A1"])).status_code == 302


def test_names_lose_control_and_invisible_characters_on_input(client, tree, staff_a):
    response = client.post(reverse("report-create"), _report_form(tree["A1"], title="Báo cáo\x0btháng 3\u200b\u202e"))
    assert response.status_code == 302
    assert Report.objects.get().title == "Báo cáo tháng 3"
    response = client.post(reverse("report-create"), _report_form(tree["A1"], title="\u200b\x0b\u202e"))
    assert response.context["form"].errors["title"] == ["This field is required."]


@pytest.mark.parametrize("value", ["abc", "-1", "²", "9" * 30, "1.5"])
def test_a_meeting_id_that_is_not_one_opens_an_empty_report_form(client, tree, staff_a, value):
    response = client.get(reverse("report-create"), {"meeting": value})
    assert response.status_code == 200 and response.context["form"].initial == {}


def test_a_report_from_a_meeting_covers_the_meetings_month(client, tree, staff_a):
    meeting = MeetingFactory(organization=tree["A1"], date=dt.date(2019, 2, 14))
    initial = client.get(reverse("report-create"), {"meeting": meeting.pk}).context["form"].initial
    assert (initial["period_start"], initial["period_end"]) == (dt.date(2019, 2, 1), dt.date(2019, 2, 28))


@pytest.mark.parametrize("value", ["²", "abc", "-1", "9" * 25])
def test_report_list_ignores_an_organisation_that_is_no_id(client, tree, staff_a, value):
    ReportFactory(organization=tree["A1"])
    response = client.get(reverse("report-list"), {"organization": value})
    assert response.status_code == 200
    assert len(response.context["reports"]) == 1 and response.context["filter"].form.errors["organization"]
