"""Targets on a dashboard: which apply, their value accumulated over the term, and the pace.

``targets_for`` reads the targets of the directives shown (one query), ``target_values``
their values as they stood at the end of the period, from the monthly summaries (one
query), and ``target_figure`` sets a value against its goal and the time gone
(``TargetFigure``).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from organizations.models import Organization

from .. import periods as P
from ..models import Aggregation, Directive, Target, TargetProgress
from ..periods import Period
from .formatting import number
from .sql import _among, _decimal, _rows, _table
from .status import PACE_LABELS, words


@dataclass
class TargetFigure:
    """Where a target stands as of the end of the period, and whether the pace is enough."""

    target: Target
    value: Decimal
    percent: float
    pace: str  # achieved | on_track | behind | missed | no_deadline
    pace_label: str
    expected_percent: float | None = None

    @property
    def bar_percent(self) -> float:
        return min(self.percent, 100.0)

    # Display strings, computed once here rather than by template filters in every row.
    @property
    def bar_width(self) -> str:
        return f"{self.bar_percent:.1f}"

    @property
    def bar_now(self) -> str:
        return f"{self.bar_percent:.0f}"

    @property
    def value_text(self) -> str:
        return number(self.value, 2)

    @property
    def goal_text(self) -> str:
        return number(self.target.value, 2)

    @property
    def percent_text(self) -> str:
        return number(self.percent)

    @property
    def deadline_text(self) -> str:
        return self.target.deadline.strftime("%d/%m/%Y") if self.target.deadline else ""

    @property
    def pace_icon(self) -> str:
        return {"achieved": "✔", "on_track": "✔", "no_deadline": "–"}.get(self.pace, "▲")

    @property
    def pace_needs_text(self) -> str:
        if self.expected_percent is None:
            return ""
        return words()["pace_needs"] % {"p": number(self.expected_percent)}


def cumulative_window(period: Period) -> tuple[dt.date, dt.date]:
    """Targets count from the start of the (calendar) term to the end of the period."""
    return P.period_of(P.TERM, period.end).start, period.end


def target_values(org_ids: Sequence[int], targets: Sequence[Target], period: Period) -> dict[tuple[int, int], Decimal]:
    """(organisation, target) → value accumulated over the term up to the period's end. One query.

    Built on the monthly summaries so that any period (a past month as well as the year)
    gets the value as it stood then; each target adds up as it says: the sum of the
    months, the highest month, or the latest month reported. The monthly values are few
    (≤ 60 per unit and target) and added up here: a "latest" per group in SQL would be one
    correlated subquery per row across every monthly partition.
    """
    start, end = cumulative_window(period)
    aggregation = {t.pk: t.aggregation for t in targets}
    if not org_ids or not aggregation:
        return {}
    orgs, org_params = _among("organization_id", org_ids)
    in_targets, target_params = _among("target_id", list(aggregation))
    sql = (f"SELECT organization_id, target_id, value FROM {_table(TargetProgress)}"
           f" WHERE period_kind = %s AND period_start >= %s AND period_start <= %s AND {orgs} AND {in_targets}"
           f" ORDER BY period_start")
    out: dict[tuple[int, int], Decimal] = {}
    for org_id, target_id, value in _rows(sql, [P.MONTH, start, end, *org_params, *target_params]):
        value = _decimal(value)
        key = (org_id, target_id)
        agg = aggregation[target_id]
        if agg == Aggregation.SUM:
            out[key] = out.get(key, Decimal(0)) + value
        elif agg == Aggregation.MAX:
            out[key] = max(out.get(key, value), value)
        else:  # latest: rows come oldest first
            out[key] = value
    return out


#: Up to this many directives, ``targets_for`` filters them in SQL.
FEW_DIRECTIVES = 20


def targets_for(directive_ids: Collection[int], org: Organization) -> dict[int, list[Target]]:
    """Targets of the directives that apply to ``org``: everyone's, or its own. One query.

    A few directives (a directive page: one) are filtered in SQL. For many (a dashboard:
    every directive of the unit) every target that applies to ``org`` is read and those of
    ``directive_ids`` kept here: the register holds a few targets per directive (67 for the
    national dataset's 200), while a list of 200 ids compiled by the ORM, or a subquery over
    the summary partitions, cost more than reading them all (2.0 and 1.6 ms against 0.9 ms).
    """
    wanted = set(directive_ids)
    qs = Target.objects.filter(Q(organization__isnull=True) | Q(organization=org)).order_by("directive_id", "name")
    if len(wanted) <= FEW_DIRECTIVES:
        qs = qs.filter(directive_id__in=wanted)
    out: dict[int, list[Target]] = defaultdict(list)
    for t in qs:
        if t.directive_id in wanted:
            out[t.directive_id].append(t)
    return out


def target_figure(target: Target, value: Decimal, directive: Directive, period: Period,
                  today: dt.date | None = None) -> TargetFigure:
    """Value vs goal and the pace: the share of the goal reached against the share of time gone."""
    today = today or timezone.localdate()
    goal = target.value or Decimal(1)
    percent = round(float(value) * 100 / float(goal), 1)
    as_of = min(period.end, today)
    if value >= goal:
        return TargetFigure(target, value, percent, "achieved", PACE_LABELS["achieved"])
    if not target.deadline:
        return TargetFigure(target, value, percent, "no_deadline", PACE_LABELS["no_deadline"])
    if as_of > target.deadline:
        return TargetFigure(target, value, percent, "missed", PACE_LABELS["missed"])
    start = cumulative_window(period)[0]
    if directive.issue_date and directive.issue_date > start:
        start = directive.issue_date
    span = (target.deadline - start).days
    elapsed = (as_of - start).days
    expected = round(100 * max(0, elapsed) / span, 1) if span > 0 else 100.0
    if percent >= expected:
        return TargetFigure(target, value, percent, "on_track", PACE_LABELS["on_track"], expected)
    return TargetFigure(target, value, percent, "behind", PACE_LABELS["behind"], expected)
