"""Hostile input, generated: every form field and query parameter of the pages people type into.

Each test drives one page (or one form) through Hypothesis with values a hostile tester
would try — 100 KB texts, NUL and other control characters, decomposed (NFD) Vietnamese,
bidi and zero-width marks, HTML/JS, SQL-looking strings, impossible dates, negative and
enormous numbers, non-ASCII digits, bad period keys, unknown filter values — and checks what
a user would notice:

- never a server error (the test client re-raises any exception a view lets through);
- never the payload echoed as markup (``<script>alert(1)</script>`` never appears verbatim);
- a refused POST comes back with every other typed value in the form;
- a one-line name that is accepted is stored without control or invisible characters.

The data (a small tree, a directive with an assignment, reports and a month of summaries) is
built once per test; the examples of a test share it. The number of examples run is counted
and printed at the end of the session ("hypothesis examples run").
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from meetings import summaries as S
from meetings.models import Assessment, Meeting, Report, ReportStatus
from organizations.models import OrgKind, RoleKind
from organizations.text import clean_line
from resolutions import periods as P
from tests.factories import (
    AssignmentFactory,
    DirectiveFactory,
    LinkFactory,
    MeetingFactory,
    ReportFactory,
    TargetFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db

EXAMPLES = 60
HYPOTHESIS = settings(
    max_examples=EXAMPLES, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.large_base_example],
)

# --------------------------------------------------------------------------------------
# What a hostile tester types
# --------------------------------------------------------------------------------------
#: Markup that must never come back verbatim (it would run in the reader's browser).
XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "<svg/onload=alert(1)>",
       "'><iframe src=javascript:alert(1)>"]
SQL = ["' OR 1=1 --", "1; DROP TABLE meetings_report; --", "1' UNION SELECT NULL, NULL--", "%' AND '%'='",
       "\\'; SELECT pg_sleep(0); --"]
DATES = ["31/02/2019", "0000-00-00", "9999-12-31", "00/00/0000", "31/12/9999", "01/01/0001", "29/02/2019",
         "2019-02-31", "32/13/2019", "01/01/10000", "1/1/1", "-01/03/2019", "01/03/2019 00:00"]
NUMBERS = ["-1", "0", "abc", "1e5", "1.5", "²", "١٢", "９", " 1", "1_000", "0x10", "NaN", "inf", "-0",
           "99999999999999999999999", "9223372036854775808", "-9223372036854775809", "9" * 5000, "1" * 20]
PERIODS = ["0001-01", "9999-12", "0001-Q1", "9999-Q4", "0001-H1", "9999-H2", "0001-0005", "9991-9995",
           "0000", "0000-01", "9999", "0001", "2019-13", "2019-00", "2019-Q5", "2019-H3",
           "9996-10000", "1926-1930", "2019-Q0", "٢٠١٩-١١", " 2019 ", "2019-1", "2016-2021",
           "2019-11\n", "2019-Q4", "2019", "2016-2020", "1930-01", "2100-01"]
CONTROLS = ["\x00", "a\x00b", "\x0b", "Chi bộ\x0bA1a", "\x1b[31m", "\r\n", "\t", "\x7f", "\x85", "\u2028",
            "\ufffe", "\uffff"]
MARKS = ["\u202eabc\u202c", "\u2066x\u2069", "\u200b", "a\u200db", "\ufeffĐảng", "\u061c"]
NFD = ["Đa\u0309ng u\u0309y Kho\u0302\u0301i", "Chi\u0309 thi\u0323 05", "chi dao sau sat"]
FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "=1+1"]
HUGE = ["x" * 100_000, "Đảng ủy " * 12_500, "<script>alert(1)</script>" * 4_000]
FIXED = XSS + SQL + DATES + NUMBERS + PERIODS + CONTROLS + MARKS + NFD + FORMULAS + HUGE + [""]

hostile = st.one_of(
    st.sampled_from(FIXED),
    st.text(max_size=40),
    st.builds(lambda a, b, c: a + b + c, st.text(max_size=8), st.sampled_from(FIXED[:-1]), st.text(max_size=8)),
    st.integers(min_value=-(10 ** 30), max_value=10 ** 30).map(str),
)

# --------------------------------------------------------------------------------------
# Examples run, reported at the end of the session
# --------------------------------------------------------------------------------------
RUN: Counter[str] = Counter()


class _ExampleReport:
    """Prints the examples run per test and in all, after pytest's own summary."""

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not RUN:
            return
        terminalreporter.write_sep("-", f"hypothesis examples run: {sum(RUN.values())}")
        for name, n in sorted(RUN.items()):
            terminalreporter.write_line(f"  {name}: {n}")


@pytest.fixture(scope="module", autouse=True)
def _report_examples(request):
    manager = request.config.pluginmanager
    if not manager.has_plugin("hostile-input-examples"):
        manager.register(_ExampleReport(), "hostile-input-examples")
    yield


def count(name: str) -> None:
    RUN[name] += 1


# --------------------------------------------------------------------------------------
# The site: a small tree, a directive, reports and a month of figures; one user who is
# staff and leader at the root (so every page is open to them)
# --------------------------------------------------------------------------------------
@pytest.fixture
def site(tree, client):
    from django.core.cache import cache

    from resolutions.selectors import EARLIEST_YEAR_KEY

    cache.delete(EARLIEST_YEAR_KEY)
    directive = DirectiveFactory()
    TargetFactory(directive=directive, organization=tree["A"])
    AssignmentFactory(directive=directive, organization=tree["ROOT"], frequency="month", reporter_kind=OrgKind.CELL,
                      start=dt.date(2019, 1, 1))
    meeting = MeetingFactory(organization=tree["A1a"], date=dt.date(2019, 3, 10))
    for org in (tree["A1a"], tree["A1b"]):
        r = ReportFactory(organization=org, meeting=meeting if org == tree["A1a"] else None,
                          status=ReportStatus.SUBMITTED, submitted_at=dt.datetime(2019, 4, 2, tzinfo=dt.UTC))
        LinkFactory(report=r, directive=directive, assessment=Assessment.IN_PROGRESS)
    draft = ReportFactory(organization=tree["A1a"], title="Báo cáo nháp tháng 3/2019")
    S.compute_period(P.parse_period("2019-03"), fast=False)
    user = UserFactory(username="hostile-tester")
    grant(user, tree["ROOT"], RoleKind.STAFF)
    grant(user, tree["ROOT"], RoleKind.LEADER)
    client.force_login(user)
    return {"tree": tree, "client": client, "directive": directive, "meeting": meeting, "draft": draft, "user": user}


def check_page(response, values) -> str:
    """No server error (the client raises one), no markup echoed; the page's text for more checks."""
    assert response.status_code in (200, 302, 404, 409), response.status_code
    if "html" not in response.get("Content-Type", ""):
        return ""
    html = response.content.decode()
    for value in values:
        for snippet in XSS:
            if snippet in value:
                assert snippet not in html, f"{snippet!r} echoed unescaped"
    return html


def params_of(names: list[str]):
    """A query string: one to three of ``names`` with hostile values."""
    return st.dictionaries(st.sampled_from(names), hostile, min_size=1, max_size=3)


def with_examples(test, **cases: list):
    """Always run these cases too (the ones the hostile tester reported), whatever is drawn."""
    for name, values in cases.items():
        for value in values:
            test = example(**{name: value})(test)
    return test


def with_cases(test, cases: list[dict]):
    for case in cases:
        test = example(**case)(test)
    return test


#: What the hostile tester reported, per page: always among the examples.
REPORTED_PAGES = [{"page": "-1"}, {"page": "abc"}, {"page": "9" * 30}, {"page": "0"}]


# --------------------------------------------------------------------------------------
# GET pages
# --------------------------------------------------------------------------------------
REPORT_LIST = ["q", "organization", "status", "kind", "period_kind", "period_from", "period_to", "directive", "page"]


def test_report_list_filters(site):
    client = site["client"]

    @HYPOTHESIS
    @given(params=params_of(REPORT_LIST))
    def run(params):
        count("report list filters")
        response = client.get(reverse("report-list"), params)
        check_page(response, params.values())
        assert response.status_code == 200

    with_examples(run, params=[{"organization": "²"}, {"organization": "9" * 25}, {"organization": "-1"},
                               {"directive": "²"}, {"period_from": "31/02/2019", "period_to": "0000-00-00"},
                               {"q": "\x00"}, *REPORTED_PAGES])()


DASHBOARD = ["period_kind", "period", "kind", "issuer", "term", "level", "page", "cols", "export", "table"]


def test_dashboard_filters_on_every_dashboard_page(site):
    client, root, d = site["client"], site["tree"]["ROOT"], site["directive"]
    urls = [reverse("dashboard"), reverse("dashboard-org", args=[root.pk]),
            reverse("dashboard-directive", args=[root.pk, d.pk]), reverse("dashboard-matrix", args=[root.pk])]

    @HYPOTHESIS
    @given(params=params_of(DASHBOARD), url=st.sampled_from(urls))
    def run(params, url):
        count("dashboard filters")
        check_page(client.get(url, params), params.values())

    for url in urls:
        for params in [*REPORTED_PAGES, {"cols": "-1"}, {"cols": "abc"}, {"period_kind": "month", "period": "0001-01"},
                       {"period_kind": "month", "period": "9999-12"}]:
            run = example(params=params, url=url)(run)
    run()


@pytest.mark.parametrize("kind", P.KINDS)
def test_dashboard_period_keys_of_every_kind(site, kind):
    """Every kind × the period keys that used to answer 500 (years 0001 and 9999 among them)."""
    client, root = site["client"], site["tree"]["ROOT"]

    @settings(HYPOTHESIS, max_examples=EXAMPLES // 3)
    @given(period=st.one_of(st.sampled_from(PERIODS), hostile))
    def run(period):
        count("dashboard period keys")
        response = client.get(reverse("dashboard-org", args=[root.pk]), {"period_kind": kind, "period": period})
        check_page(response, [period])
        assert response.status_code == 200
        shown = response.context["period"]
        assert P.known_bounds().admits(shown)  # a refused period falls back into the bounds

    with_examples(run, period=PERIODS)()


def test_summary_pages_period_and_page(site):
    client, org = site["client"], site["tree"]["ROOT"]
    urls = [reverse("summary-overview", args=[org.pk]), reverse("summary-missing", args=[org.pk])]

    @HYPOTHESIS
    @given(params=st.fixed_dictionaries({"period": st.one_of(st.sampled_from(PERIODS), hostile)},
                                        optional={"page": hostile}),
           url=st.sampled_from(urls))
    def run(params, url):
        count("summary pages")
        response = client.get(url, params)
        html = check_page(response, params.values())
        assert response.status_code == 200
        if response.context["selection"].error:
            # A refused period is never replaced silently: the page says so.
            assert 'data-testid="period-error"' in html
        assert P.known_bounds().admits(response.context["period"])

    for url in urls:
        for params in [{"period": "9999-12"}, {"period": "0001-01"}, {"period": "9999"}, {"period": "2019-13"},
                       {"period": "2019-03", "page": "-1"}, {"period": "2019-03", "page": "abc"}]:
            run = example(params=params, url=url)(run)
    run()


def test_summary_document_request_with_a_hostile_period(site):
    client, org = site["client"], site["tree"]["ROOT"]

    @settings(HYPOTHESIS, max_examples=EXAMPLES // 3)
    @given(period=st.one_of(st.sampled_from(PERIODS[:18]), hostile))
    def run(period):
        count("summary document request")
        from unittest import mock

        with mock.patch("meetings.tasks.summary_document_build_task.delay"):
            response = client.post(reverse("summary-document-request", args=[org.pk]), {"period": period})
        assert response.status_code == 302

    with_examples(run, period=["9999-12", "0001-01", "abc"])()


@pytest.mark.parametrize("name,param", [("organization-list", "q"), ("directive-search", "q"),
                                        ("directive-list", "q"), ("report-create", "meeting"),
                                        ("meeting-create", "org")])
def test_search_and_prefill_parameters(site, name, param):
    client = site["client"]

    @settings(HYPOTHESIS, max_examples=EXAMPLES // 2)
    @given(value=hostile)
    def run(value):
        count(f"{name} ?{param}=")
        response = client.get(reverse(name), {param: value})
        check_page(response, [value])
        assert response.status_code == 200

    with_examples(run, value=["abc", "²", "-1", "9" * 25, "\x00", "1\x00", XSS[0]])()


DIRECTIVE_LIST = ["q", "kind", "issuer", "term", "status", "year", "page"]


def test_directive_list_filters(site):
    client = site["client"]

    @HYPOTHESIS
    @given(params=params_of(DIRECTIVE_LIST))
    def run(params):
        count("directive list filters")
        response = client.get(reverse("directive-list"), params)
        check_page(response, params.values())
        assert response.status_code == 200

    with_examples(run, params=[{"year": "9" * 25}, {"issuer": "²"}, {"q": "\x00"}, *REPORTED_PAGES])()


def test_ids_in_paths(site):
    """Enormous or unknown ids in a URL are a 404, never an error."""
    client = site["client"]
    names = ["report-detail", "meeting-detail", "directive-detail", "organization-detail", "dashboard-org",
             "dashboard-matrix", "summary-overview", "summary-missing", "summary-document", "report-edit",
             "report-links"]

    @HYPOTHESIS
    @given(name=st.sampled_from(names), pk=st.one_of(st.integers(min_value=0, max_value=10 ** 30),
                                                     st.just(2 ** 63), st.just(2 ** 31)))
    def run(name, pk):
        count("ids in paths")
        response = client.get(reverse(name, args=[pk]))
        check_page(response, [])
        assert response.status_code in (200, 302, 404)

    with_cases(run, [{"name": n, "pk": 2 ** 63} for n in names])()


# --------------------------------------------------------------------------------------
# POSTed forms
# --------------------------------------------------------------------------------------
def report_data(site) -> dict[str, str]:
    return {"organization": str(site["tree"]["A1a"].pk), "meeting": "", "kind": "periodic", "period_kind": "month",
            "period_start": "01/03/2019", "period_end": "31/03/2019", "title": "Báo cáo tháng 3/2019",
            "body": "Chi bộ thực hiện Chỉ thị 05-CT/TW."}


REPORT_FIELDS = ["organization", "meeting", "kind", "period_kind", "period_start", "period_end", "title", "body"]
REPORTED_FORM_CASES = [
    {"field": "period_end", "value": "31/12/9999"}, {"field": "period_start", "value": "01/01/0001"},
    {"field": "period_start", "value": "05/03/2019"}, {"field": "period_end", "value": "30/03/2019"},
    {"field": "title", "value": "Chi bộ\x0bA1a"}, {"field": "title", "value": FORMULAS[0]},
    {"field": "title", "value": XSS[0]}, {"field": "body", "value": XSS[1]}, {"field": "meeting", "value": "abc"},
    {"field": "organization", "value": "²"}, {"field": "title", "value": "\u200b\u202e"},
    {"field": "body", "value": HUGE[0]},
]
ONE_LINE = {"title", "place"}


def assert_kept(response, data: dict[str, str], hostile_field: str) -> None:
    """A refused form shows every other typed value again (bound to the form, and on the page)."""
    form = response.context["form"]
    assert form.errors, "refused without saying why"
    html = response.content.decode()
    for name, value in data.items():
        if name == hostile_field or name not in form.fields:
            continue
        assert str(form[name].value() if form[name].value() is not None else "") == value, name
        if name in ("title", "body", "place") and value:
            assert escape(value) in html, name


def test_report_create_form(site):
    client = site["client"]

    @HYPOTHESIS
    @given(field=st.sampled_from(REPORT_FIELDS), value=hostile)
    def run(field, value):
        count("report create form")
        data = {**report_data(site), field: value}
        before = Report.objects.count()
        response = client.post(reverse("report-create"), data)
        check_page(response, [value])
        if response.status_code == 302:
            report = Report.objects.latest("id")
            assert Report.objects.count() == before + 1
            assert report.title == clean_line(data["title"]) and "\x00" not in report.body
            assert P.known_bounds().contains(report.period_start) and P.known_bounds().contains(report.period_end)
        else:
            assert response.status_code == 200 and Report.objects.count() == before
            assert_kept(response, data, field)

    with_cases(run, REPORTED_FORM_CASES)()


def test_report_edit_form(site):
    client, draft = site["client"], site["draft"]

    @HYPOTHESIS
    @given(field=st.sampled_from(REPORT_FIELDS + ["version"]), value=hostile)
    def run(field, value):
        count("report edit form")
        current = Report.objects.get(pk=draft.pk)
        data = {**report_data(site), "version": str(current.version), field: value}
        response = client.post(reverse("report-edit", args=[draft.pk]), data)
        check_page(response, [value])
        saved = Report.objects.get(pk=draft.pk)
        if response.status_code == 302:
            assert saved.title == clean_line(data["title"])
            assert P.known_bounds().contains(saved.period_end)
        elif response.status_code == 200:
            assert saved.version == current.version
            assert_kept(response, data, field)
        # 409: the version typed was not the saved one; the page shows both versions.

    with_cases(run, [*REPORTED_FORM_CASES, {"field": "version", "value": "abc"}])()


MEETING_FIELDS = ["organization", "kind", "title", "date", "term", "sequence", "place", "attendance",
                  "expected_attendance"]
MEETING_CASES = [
    {"field": "date", "value": "31/12/9999"}, {"field": "date", "value": "31/02/2019"},
    {"field": "title", "value": "Chi bộ\x0bA1a"}, {"field": "place", "value": "\u202eabc\u202c"},
    {"field": "attendance", "value": "9" * 30}, {"field": "sequence", "value": "-1"},
    {"field": "title", "value": XSS[0]}, {"field": "place", "value": HUGE[1]},
]


def test_meeting_form(site):
    client = site["client"]
    base = {"organization": str(site["tree"]["A1a"].pk), "kind": "cell_regular", "title": "Sinh hoạt chi bộ tháng 3",
            "date": "10/03/2019", "term": "", "sequence": "", "place": "Hội trường", "attendance": "12",
            "expected_attendance": "15"}

    @HYPOTHESIS
    @given(field=st.sampled_from(MEETING_FIELDS), value=hostile)
    def run(field, value):
        count("meeting form")
        data = {**base, field: value}
        before = Meeting.objects.count()
        response = client.post(reverse("meeting-create"), data)
        check_page(response, [value])
        if response.status_code == 302:
            meeting = Meeting.objects.latest("id")
            assert meeting.title == clean_line(data["title"]) and meeting.place == clean_line(data["place"])
            assert P.known_bounds().contains(meeting.date)
        else:
            assert response.status_code == 200 and Meeting.objects.count() == before
            assert_kept(response, data, field)

    with_cases(run, MEETING_CASES)()
