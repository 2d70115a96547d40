"""The period a dashboard page shows: its label, the choice of it, and the periods before it.

``resolutions.periods`` is the arithmetic (what a period is, which one follows); this is what a
page does with it: resolve the period asked for against the summaries that exist (one query),
fall back to the latest one with figures, and offer the periods that have some.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Organization

from .. import periods as P
from ..models import ProgressSummary
from ..periods import Period
from .sql import _date, _rows, _table

#: Periods offered in the period drop-down (most recent first).
PERIOD_CHOICES_LIMIT = 60


def period_label(period: Period) -> str:
    """A translatable label ("Quarter 4/2019"): ``Period.label_vi`` is Vietnamese only."""
    y = period.start.year
    if period.kind == P.MONTH:
        return _("Month %(month)s/%(year)s") % {"month": f"{period.start.month:02d}", "year": y}
    if period.kind == P.QUARTER:
        return _("Quarter %(quarter)s/%(year)s") % {"quarter": (period.start.month - 1) // 3 + 1, "year": y}
    if period.kind == P.HALF:
        return _("Half-year %(half)s/%(year)s") % {"half": (period.start.month - 1) // 6 + 1, "year": y}
    if period.kind == P.YEAR:
        return _("Year %(year)s") % {"year": y}
    return _("Term %(start)s–%(end)s") % {"start": y, "end": period.end.year}


@dataclass
class PeriodSelection:
    """The period a page shows, and why (asked for, current, or the latest with figures)."""

    period: Period
    kind: str
    requested: Period
    fell_back: bool = False
    error: str = ""
    available: list[Period] = field(default_factory=list)

    @property
    def label(self) -> str:
        return period_label(self.period)

    @property
    def requested_label(self) -> str:
        return period_label(self.requested)

    @property
    def choices(self) -> list[tuple[str, str]]:
        keys = [p.key for p in self.available]
        out = [(p.key, period_label(p)) for p in self.available]
        if self.period.key not in keys:
            out.insert(0, (self.period.key, period_label(self.period)))
        return out

    @property
    def has_data(self) -> bool:
        return any(p.start == self.period.start for p in self.available)


def select_period(org: Organization, kind: str, key: str = "", today: dt.date | None = None) -> PeriodSelection:
    """Resolve the period of a page in one query.

    With no key the current period of ``kind`` is meant; when the summaries have nothing
    for it yet (a month's reports come in after the month), the latest period of that kind
    that has figures is shown instead and the page says so.
    """
    today = today or timezone.localdate()
    if kind not in P.KINDS:
        kind = P.MONTH
    error = ""
    requested: Period | None = None
    if key:
        try:
            requested = P.parse_period(key)
        except ValueError:
            error = _("“%(key)s” is not a period; showing the current one.") % {"key": key[:40]}
        else:
            if requested.kind != kind:
                # The kind was changed in the form: the old key means nothing for the new kind.
                requested = None
            elif not P.year_bounds(None, today).admits(requested):
                # The form checks the register's own bounds (DashboardFilter.period_key); this
                # guard needs no query and keeps any caller off years whose neighbours or
                # term cannot be computed (9999, 0001).
                error = _("Periods run from %(first)s to %(last)s: showing the current one.") % {
                    "first": P.FIRST_YEAR, "last": today.year + 1}
                requested = None
    explicit = requested is not None
    if requested is None:
        requested = P.period_of(kind, today)
    # In SQL for a statement that can be prepared (``_rows``): its planning over the kind's
    # partitions was most of its time, on every page.
    starts = _rows(f"SELECT DISTINCT period_start, period_end FROM {_table(ProgressSummary)}"
                   f" WHERE organization_id = %s AND period_kind = %s ORDER BY period_start DESC LIMIT %s",
                   [org.pk, kind, PERIOD_CHOICES_LIMIT])
    available = [Period(_date(s), _date(e), kind) for s, e in starts]
    selection = PeriodSelection(period=requested, kind=kind, requested=requested, error=error, available=available)
    if not explicit and available and not selection.has_data:
        earlier = [p for p in available if p.start <= requested.start]
        selection.period = earlier[0] if earlier else available[0]
        selection.fell_back = True
    return selection


def recent_periods(period: Period, n: int) -> list[Period]:
    """``n`` periods of the same kind ending with ``period``, oldest first."""
    out = [period]
    while len(out) < n:
        out.append(out[-1].previous())
    return list(reversed(out))
