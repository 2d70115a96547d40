"""A directive in a subtree (the drill-down): the unit's own figures, its units compared, its history.

The units are the unit's children, or every unit of a level below it, worst first in SQL so
that pages keep the order (``_attention_order``); ``directive_drill`` says its queries.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import F, QuerySet
from django.urls import reverse

from organizations.models import Organization

from ..models import Directive, ProgressSummary, Target, attention_expressions
from .criteria import DirectiveFilters
from .links import report_list_url
from .pagination import Window, _children_page
from .periods import PeriodSelection, recent_periods
from .records import FIGURE_FIELDS, UNIT_INFO_FIELDS, _summaries, _unit_figures
from .rows import FigureRow, _figure_row
from .targets import target_figures, target_values_both, targets_for
from .trends import TrendPoint, history
from .units import compares_level, units_q

#: How many periods the directive page's history chart shows (the selected one included).
HISTORY_LENGTH = 12
#: Units per page: large committees have hundreds of children.
UNITS_PER_PAGE = 100


def _attention_order(qs: QuerySet[ProgressSummary], ties: str = "organization__path") -> QuerySet[ProgressSummary]:
    """Worst first in SQL (so pagination keeps the order): overdue, late, then lowest coverage.

    Ties go in tree order (``organization__path``) among a unit's children; a level's units
    tie by unit (``organization_id``): the order of ``summary_attention_idx``, so that a page
    is read off the index whatever the number of units.
    """
    silent, ratio = attention_expressions()
    return qs.annotate(_silent=silent, _ratio=ratio).order_by(
        "-units_overdue", "-units_late", "-links_behind", "_silent", F("_ratio").asc(nulls_last=True), ties)


@dataclass
class DirectiveDrill:
    organization: Organization
    directive: Directive
    selection: PeriodSelection
    own: FigureRow | None
    page: Page | Window
    units: list[FigureRow]
    history: list[TrendPoint]
    targets: list[Target]
    is_cell: bool
    reports_url: str  # the subtree's reports on the directive in the period


def directive_drill(org: Organization, directive: Directive, selection: PeriodSelection, filters: DirectiveFilters,
                    page_number: str | int | None = 1, today: dt.date | None = None) -> DirectiveDrill:
    """A directive in a subtree: the unit's own figures, its units compared, its history.

    Queries: the unit's history with its own row (the last period of it), the units page (the
    children: their ids, then their rows, counted first only when they fill more than a page;
    a level's units: one window), targets, accumulated target values for the unit and the
    page's units — fixed whatever the number of units.
    """
    period = selection.period
    own_s, history_points = history(org.pk, directive.pk, recent_periods(period, HISTORY_LENGTH))
    rows = _summaries(period).filter(directive=directive)
    if compares_level(org, filters.level):
        # Every unit of a level in the subtree: read worst first off the attention index, a
        # window at a time (at the centre that is every cell of the country: never counted).
        units_qs = _attention_order(rows.filter(unit_level=filters.level, organization__path__startswith=org.path),
                                    ties="organization_id")
        page: Page | Window = Window(units_qs.values_list(*FIGURE_FIELDS, *UNIT_INFO_FIELDS), UNITS_PER_PAGE, page_number)
    else:
        units_qs = _attention_order(rows.filter(units_q(org, None, "organization")))
        page = _children_page(units_qs.values_list(*FIGURE_FIELDS, *UNIT_INFO_FIELDS), org, UNITS_PER_PAGE, page_number)
    unit_summaries = [_unit_figures(v) for v in page.object_list]
    targets = targets_for([directive.pk], org)[directive.pk]
    org_ids = [org.pk] + [f.organization_id for f, _unit in unit_summaries]
    values = target_values_both(org_ids, targets, period)
    own = None
    if own_s is not None:
        own = _figure_row(own_s, org, directive)
        own.targets = target_figures(targets, values, org.pk, directive, period, today)
    units = []
    base = reverse("report-list")  # every unit's row links to its reports: reversed once
    for f, unit in unit_summaries:
        row = _figure_row(f, unit, directive)
        row.targets = target_figures(targets, values, f.organization_id, directive, period, today)
        row.reports_url = report_list_url(unit, directive, period, base)
        units.append(row)
    if own is not None:
        own.trend = history_points
    return DirectiveDrill(org, directive, selection, own, page, units, history_points, targets,
                          is_cell=org.numchild == 0, reports_url=report_list_url(org, directive, period, base))
