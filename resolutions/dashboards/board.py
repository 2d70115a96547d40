"""A unit's dashboard: one row per directive assigned in its subtree for the period, worst first.

Four queries whatever the data (see ``dashboard``). Every row is read, to put the worst
first, and then paginated here: a national committee follows ~200 directives.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from organizations.models import Organization

from ..periods import Period
from .criteria import DirectiveFilters
from .periods import PeriodSelection, recent_periods
from .records import DIRECTIVE_INFO_FIELDS, FIGURE_FIELDS, DirectiveInfo, Figures, _summaries
from .rows import FigureRow, _figure_row
from .targets import target_figures, target_values_both, targets_for
from .trends import trends

#: How many periods the trend column and the time chart show (the selected one included).
TREND_LENGTH = 6
#: Directive rows per dashboard page.
DIRECTIVES_PER_PAGE = 25


@dataclass
class Dashboard:
    organization: Organization
    selection: PeriodSelection
    all_rows: list[FigureRow]
    trend_periods: list[Period]
    page: Page

    @property
    def rows(self) -> list[FigureRow]:
        """The rows of the current page (exports take ``all_rows``)."""
        return list(self.page.object_list)

    @property
    def totals(self) -> dict[str, int]:
        keys = ("expected_units", "reported_units", "units_on_time", "units_late", "units_pending", "units_overdue")
        out = {k: sum(getattr(r.summary, k) for r in self.all_rows) for k in keys}
        out["attention"] = sum(1 for r in self.all_rows if r.status.rank <= 1)
        out["directives"] = len(self.all_rows)
        return out


def dashboard(org: Organization, selection: PeriodSelection, filters: DirectiveFilters,
              page_number: str | int | None = 1, today: dt.date | None = None, export_all: bool = False,
              with_trend: bool = True) -> Dashboard:
    """One row per directive assigned in the subtree for the period, what needs attention first.

    Four queries whatever the data: the summary figures with what is shown of their directives
    (tuples; issuers too for an export), the targets, their accumulated values, and the trend
    over recent periods (of the page's rows, or of all of them for an export) — not at all
    with ``with_trend=False`` (the download of a table without it: a national root's trend is
    1,400 more rows than its figures).
    """
    period = selection.period
    own = _summaries(period).filter(organization=org).filter(filters.q())
    issuer = ("directive__issuer__short_name", "directive__issuer__name") if export_all else ()
    rows = []
    n, m = len(FIGURE_FIELDS), len(FIGURE_FIELDS) + len(DIRECTIVE_INFO_FIELDS)
    for v in own.values_list(*FIGURE_FIELDS, *DIRECTIVE_INFO_FIELDS, *issuer):
        f = Figures(*v[:n])
        info = DirectiveInfo(f.directive_id, *v[n:m], issuer=(v[m] or v[m + 1] or "") if issuer else "")
        rows.append(_figure_row(f, org, info))
    ids = [r.directive.pk for r in rows]
    targets = targets_for(ids, org)
    values = target_values_both([org.pk], [t for ts in targets.values() for t in ts], period)
    for r in rows:
        r.targets = target_figures(targets.get(r.directive.pk, []), values, org.pk, r.directive, period, today)
    rows.sort(key=lambda r: r.sort_key)
    # A national committee follows ~200 directives: the page shows the worst first, in pages.
    page = Paginator(rows, DIRECTIVES_PER_PAGE).get_page(page_number)
    periods = recent_periods(period, TREND_LENGTH)
    trend = {} if not with_trend else trends([org.pk], ids if export_all else [r.directive.pk for r in page.object_list],
                                             periods)
    for r in rows:
        r.trend = trend.get((org.pk, r.directive.pk), [])
    return Dashboard(org, selection, rows, periods, page)
