"""`generate_dataset --scale small`: the level structure, deterministic by seed, summaries agree."""
from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from meetings.models import ImplementationLink, Report
from meetings.summaries import COUNTED, summaries_compute
from organizations.actors import system_actor
from organizations.models import Organization
from resolutions import periods as P
from resolutions.models import Assignment, ProgressSummary

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def fingerprint() -> tuple:
    orgs = list(Organization.objects.order_by("path").values_list("path", "code", "kind", "member_count"))
    reports = list(Report.objects.order_by("id").values_list("organization__code", "period_end", "status", "body",
                                                             "submitted_at"))
    links = list(ImplementationLink.objects.order_by("id").values_list("report__title", "directive__symbol", "assessment"))
    return orgs, reports, links


def generate(seed: int = 5) -> str:
    out = io.StringIO()
    call_command("generate_dataset", "--scale", "small", "--seed", str(seed), stdout=out)
    return out.getvalue()


def test_small_dataset_has_the_level_structure_and_prints_progress():
    text = generate()
    assert "organisations" in text and "reports" in text and "links" in text and "Generated" in text
    kinds = {k: Organization.objects.filter(kind=k).count() for k in ("central", "province", "district", "bloc",
                                                                      "grassroots", "grassroots_cell", "cell")}
    assert kinds["central"] == 1 and kinds["province"] == 2 and kinds["district"] + kinds["bloc"] == 6
    assert kinds["grassroots"] + kinds["grassroots_cell"] == 24 and kinds["cell"] > 0
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    assert Assignment.objects.count() == 12
    report = Report.objects.filter(links__isnull=False).first()
    directive = report.links.first().directive
    assert directive.symbol in report.body, "bodies cite the directives they are linked to"
    assert 2.0 <= ImplementationLink.objects.count() / Report.objects.count() <= 4.0
    with pytest.raises(CommandError, match="already"):
        generate()


def test_same_seed_gives_the_same_data():
    from meetings.models import TargetContribution
    from organizations.models import Organ, Term
    from resolutions.models import Directive, Target

    generate(seed=11)
    first = fingerprint()
    # Wipe the generated rows and generate again with the same seed.
    TargetContribution.objects.all().delete()
    ImplementationLink.objects.all().delete()
    Report.objects.all().delete()
    Assignment.objects.all().delete()
    Target.objects.all().delete()
    Directive.objects.all().delete()
    Term.objects.all().delete()
    Organ.objects.all().delete()
    Organization.objects.all().delete()
    generate(seed=11)
    assert fingerprint() == first


def test_summaries_on_the_small_dataset_match_direct_counts():
    generate(seed=2)
    year = P.parse_period("2019")
    summaries_compute(actor=system_actor(), start=year.start, end=year.end, kinds=["year"])
    root = Organization.objects.get(code="G-TW")
    for row in ProgressSummary.objects.filter(organization=root, period_kind="year"):
        links = ImplementationLink.objects.filter(directive=row.directive, report__status__in=COUNTED,
                                                  report__period_end__range=(year.start, year.end))
        assert row.reports == links.count()
        assert row.links_done == links.filter(assessment="done").count()
    assert ProgressSummary.objects.filter(organization=root, period_kind="year").count() == 12
