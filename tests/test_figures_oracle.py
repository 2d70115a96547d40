"""Cross-surface oracle: every figure a user sees equals a direct count from the reports.

On random trees with random reports (``tests/oracle_world.py``), for every organisation,
directive and period: the summaries the jobs compute, the dashboard, ``/tong-hop/``, the
DOCX, the XLSX and the CSV all show the figures counted directly from the reports and links.
"""
from __future__ import annotations

import pytest

from meetings import summaries as S
from organizations.actors import system_actor
from resolutions.models import ProgressSummary
from tests import oracle_world as O

pytestmark = pytest.mark.django_db


def _compute(w: O.World) -> None:
    """The summary job over every period the world touches, as the nightly run does."""
    S.summaries_compute(actor=system_actor(), start=min(p.start for p in w.periods),
                        end=max(p.end for p in w.periods))


@pytest.mark.parametrize("seed", [3, 11])
def test_summaries_equal_direct_counts(seed):
    w = O.build(seed)
    _compute(w)
    reports = O.filed(w)
    problems = []
    for period in w.periods:
        rows = {(r.organization_id, r.directive_id): r for r in ProgressSummary.objects.filter(
            period_kind=period.kind, period_start=period.start)}
        expected = O.truths(w, period, reports)
        for org in w.orgs:
            for d in w.directives:
                t = expected[(org.pk, d.pk)]
                r = rows.get((org.pk, d.pk))
                got = (r.expected_units, r.units_on_time, r.units_late, r.units_pending, r.units_overdue, r.reports) if r else (0,) * 6
                want = (t.expected, t.on_time, t.late, t.pending, t.missing, t.reports)
                if got != want:
                    problems.append((period.key, org.code, d.pk, got, want))
    assert not problems, problems[:20]
