"""Targets on a dashboard: which apply, their value in the period and to date, and the pace.

``targets_for`` reads the targets of the directives shown with the start each one counts
from (one query), ``target_values`` their values — the period's own and accumulated to the
end of the period — from the monthly summaries (one query), and ``target_figure`` sets a
value against its goal and the time gone since the target's start (``TargetFigure``). The
definitions, as users read them, are in :mod:`resolutions.dashboards.figures`.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from organizations.models import Organization

from .. import periods as P
from ..models import Aggregation, Assignment, Directive, Target, TargetProgress
from ..periods import Period
from .formatting import number
from .sql import _among, _decimal, _rows, _table
from .status import PACE_LABELS, words


@dataclass
class TargetFigure:
    """Where a target stands as of the end of the period, and whether the pace is enough.

    ``value`` is cumulative (from the start of the term to the end of the period: "lũy kế
    đến hết kỳ"), ``period_value`` the period's own contributions ("trong kỳ"); ``start``
    is the day the pace counts from (``target_start``).
    """

    target: Target
    value: Decimal
    percent: float
    pace: str  # achieved | on_track | behind | missed | no_deadline
    pace_label: str
    expected_percent: float | None = None
    period_value: Decimal = Decimal(0)
    start: dt.date | None = None

    @property
    def cumulative_value(self) -> Decimal:
        return self.value

    @property
    def period_value_text(self) -> str:
        return number(self.period_value, 2)

    @property
    def start_text(self) -> str:
        return self.start.strftime("%d/%m/%Y") if self.start else ""

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
    """(organisation, target) → value accumulated over the term up to the period's end. One query."""
    return {k: cumulative for k, (cumulative, _own) in target_values_both(org_ids, targets, period).items()}


def _add(agg: str, current: Decimal | None, value: Decimal) -> Decimal:
    """One more month of a target, added up as the target says (months come oldest first)."""
    if current is None:
        return value
    if agg == Aggregation.SUM:
        return current + value
    if agg == Aggregation.MAX:
        return max(current, value)
    return value  # latest


def target_values_both(org_ids: Sequence[int], targets: Sequence[Target],
                       period: Period) -> dict[tuple[int, int], tuple[Decimal, Decimal]]:
    """(organisation, target) → (cumulative value, the period's own value). One query.

    Built on the monthly summaries so that any period (a past month as well as the year)
    gets the value as it stood then; each target adds up as it says: the sum of the
    months, the highest month, or the latest month reported. The cumulative value counts
    the months from the start of the term, the period's own only the months inside the
    period — read in the same query. The monthly values are few (≤ 60 per unit and
    target) and added up here: a "latest" per group in SQL would be one correlated
    subquery per row across every monthly partition.
    """
    start, end = cumulative_window(period)
    aggregation = {t.pk: t.aggregation for t in targets}
    if not org_ids or not aggregation:
        return {}
    orgs, org_params = _among("organization_id", org_ids)
    in_targets, target_params = _among("target_id", list(aggregation))
    sql = (f"SELECT organization_id, target_id, period_start, value FROM {_table(TargetProgress)}"
           f" WHERE period_kind = %s AND period_start >= %s AND period_start <= %s AND {orgs} AND {in_targets}"
           f" ORDER BY period_start")
    cumulative: dict[tuple[int, int], Decimal] = {}
    own: dict[tuple[int, int], Decimal] = {}
    for org_id, target_id, month_start, value in _rows(sql, [P.MONTH, start, end, *org_params, *target_params]):
        value = _decimal(value)
        key = (org_id, target_id)
        agg = aggregation[target_id]
        cumulative[key] = _add(agg, cumulative.get(key), value)
        if _as_date(month_start) >= period.start:
            own[key] = _add(agg, own.get(key), value)
    return {k: (v, own.get(k, Decimal(0))) for k, v in cumulative.items()}


def _as_date(value) -> dt.date:
    """A date column as read (SQLite gives text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


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
    qs = (Target.objects.filter(Q(organization__isnull=True) | Q(organization=org))
          .annotate(assignment_start=_assignment_start(org)).order_by("directive_id", "name"))
    if len(wanted) <= FEW_DIRECTIVES:
        qs = qs.filter(directive_id__in=wanted)
    out: dict[int, list[Target]] = defaultdict(list)
    for t in qs:
        if t.directive_id in wanted:
            out[t.directive_id].append(t)
    return out


def _assignment_start(org: Organization) -> Subquery:
    """The earliest start of the target's directive's assignments that cover ``org``: assigned to
    it or above it, or to a subtree inside it (a target's default start, see ``target_start``)."""
    step = Organization.steplen
    ancestors = [org.path[:i] for i in range(step, len(org.path) + 1, step)]
    covering = Assignment.objects.filter(directive=OuterRef("directive")).filter(
        Q(organization__path__in=ancestors) | Q(organization__path__startswith=org.path))
    return Subquery(covering.order_by("start").values("start")[:1])


def target_start(target: Target, directive: Directive | None = None) -> dt.date | None:
    """The day a target's pace counts from: its own start, else the earliest start of the
    assignments that cover the organisation (read by ``targets_for``), else the directive's
    issue date."""
    return (target.start or getattr(target, "assignment_start", None)
            or (directive.issue_date if directive is not None else None))


def target_figure(target: Target, value: Decimal, directive: Directive, period: Period,
                  today: dt.date | None = None, period_value: Decimal = Decimal(0)) -> TargetFigure:
    """Value vs goal and the pace: the share of the goal reached against the share of the time
    gone from the target's start (``target_start``) to its deadline."""
    today = today or timezone.localdate()
    goal = target.value or Decimal(1)
    percent = round(float(value) * 100 / float(goal), 1)
    as_of = min(period.end, today)
    start = target_start(target, directive) or cumulative_window(period)[0]

    def figure(pace: str, expected: float | None = None) -> TargetFigure:
        return TargetFigure(target, value, percent, pace, PACE_LABELS[pace], expected, period_value, start)

    if value >= goal:
        return figure("achieved")
    if not target.deadline:
        return figure("no_deadline")
    if as_of > target.deadline:
        return figure("missed")
    span = (target.deadline - start).days
    elapsed = (as_of - start).days
    expected = min(100.0, round(100 * max(0, elapsed) / span, 1)) if span > 0 else 100.0
    return figure("on_track" if percent >= expected else "behind", expected)


def target_figures(targets: Sequence[Target], values: dict[tuple[int, int], tuple[Decimal, Decimal]], org_id: int,
                   directive: Directive, period: Period, today: dt.date | None = None) -> list[TargetFigure]:
    """The figures of ``targets`` for one organisation, from ``target_values_both``."""
    zero = (Decimal(0), Decimal(0))
    out = []
    for t in targets:
        cumulative, own = values.get((org_id, t.pk), zero)
        out.append(target_figure(t, cumulative, directive, period, today, own))
    return out
