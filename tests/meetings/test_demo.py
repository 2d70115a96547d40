"""`load_demo`: the corpus register and reports, a generated year, idempotent, refuses production."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from meetings.models import CitedSpan, ImplementationLink, Meeting, MeetingParticipant, Report
from organizations.models import Organization, Role
from resolutions.models import Directive
from tests.demo import load_demo

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

CORPUS = Path(__file__).resolve().parents[2] / "meetings" / "demo" / "corpus"


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Organization, Directive, Meeting, Report, ImplementationLink,
                                                     CitedSpan, MeetingParticipant, Role)}


@pytest.fixture
def demo(db):
    return load_demo()


def test_demo_prints_one_login_per_role(demo):
    for username in ("quantri.hcm", "lanhdao.khoi", "canbo.khoi", "lanhdao.hn"):
        assert username in demo
    assert "Demo@2019" in demo
    assert {r.kind for r in Role.objects.all()} == {"staff", "leader", "admin"}


def test_second_run_changes_nothing(demo):
    before = counts()
    checksum = sorted(Report.objects.values_list("title", "status", "period_start"))
    out = io.StringIO()
    call_command("load_demo", "--force", stdout=out)
    assert "nothing to change" in out.getvalue()
    assert counts() == before
    assert sorted(Report.objects.values_list("title", "status", "period_start")) == checksum


def test_refuses_production_without_force(db, settings):
    settings.DEBUG = False
    settings.EMBEDDED = False
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo", stdout=io.StringIO())
    assert Organization.objects.count() == 0


def test_corpus_reports_carry_the_article_and_its_directives(demo):
    truth = json.loads((CORPUS / "citations.json").read_text(encoding="utf-8"))
    for name in ("000_bcb5323768c904ad.txt", "001_f23101a21aae722f.txt", "002_fed9d28645db49f0.txt"):
        body = (CORPUS / name).read_text(encoding="utf-8")
        report = Report.objects.get(body=body)
        spans = set(CitedSpan.objects.filter(link__report=report).values_list("start", "end"))
        expected = {(e["start"], e["end"]) for e in truth["files"][name] if not e["generic"]}
        assert spans == expected, name
        for span in CitedSpan.objects.filter(link__report=report):
            assert body[span.start:span.end] == span.text


def test_corpus_meetings_have_people_in_positions(demo):
    meeting = Meeting.objects.get(organization__code="HCM-KDCD", sequence=14)
    assert meeting.date.isoformat() == "2018-09-14" and meeting.date_year_inferred
    labels = {p.person.full_name: p.position_label for p in meeting.participants.select_related("person")}
    assert "Phó Bí thư Thường trực Thành ủy" in labels["Tất Thành Cang"]
    # one person, a party and a state post at once
    assert "Bí thư Đảng ủy" in labels["Nguyễn Toàn Thắng"] and "Giám đốc Sở" in labels["Nguyễn Toàn Thắng"]


def test_register_symbols_issuers_and_dates(demo):
    kl = Directive.objects.filter(symbol="21-KL/TW").order_by("issue_date")
    assert [(d.issue_date.isoformat(), d.issuer.name) for d in kl] == [
        ("2017-10-24", "Bộ Chính trị"), ("2021-10-25", "Ban Chấp hành Trung ương Đảng")]
    nq54 = Directive.objects.get(symbol="54/2017/QH14")
    assert nq54.issuer.name.startswith("Quốc hội")
    assert Directive.objects.get(symbol="08-NQ/TU").implements.get() == nq54
    assert Directive.objects.get(symbol="1374-QĐ/TU").get_kind_display().startswith("Regulation")
    assert Directive.objects.filter(number="", kind="NQ").count() == 4  # four congress resolutions


def test_generated_subtree_has_a_year_of_monthly_reports(demo):
    cells = Organization.objects.filter(kind="cell", path__startswith=Organization.objects.get(code="HCM-KDCD").path)
    assert cells.count() >= 10
    months = set(Report.objects.filter(organization__in=cells, period_kind="month").values_list("period_start__month", flat=True))
    assert months == set(range(1, 13))
    assert Report.objects.filter(status="draft").exists() and Report.objects.filter(status="submitted").exists()
