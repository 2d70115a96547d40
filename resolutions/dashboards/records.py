"""The summary rows a page reads, as plain records rather than model instances.

A dashboard reads every directive of a unit (~200 at the centre), a directive page 100 units
a page: ``Figures`` (a row's figures), ``DirectiveInfo`` and ``UnitInfo`` (what is shown of its
directive or unit, read in the same query) stand in for ``ProgressSummary``, ``Directive`` and
``Organization`` with the same attribute names; the ``*_FIELDS`` are the ``values_list``
columns they are built from. ``_summaries`` is the summary rows of one period, where every
page starts.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from django.db.models import QuerySet

from ..models import SUMMARY_FIGURES, ProgressSummary, directive_label
from ..periods import Period


@dataclass(slots=True)
class Figures:
    """A summary row's figures without the model around them.

    The dashboard reads every directive of a unit (~200 at the centre) to put the worst
    first, and draws 25: plain tuples for all, so that sorting costs no model instances.
    Has the attributes of ``ProgressSummary`` that the display reads.
    """

    directive_id: int
    organization_id: int
    expected_units: int
    reported_units: int
    reporting_units: int
    reports: int
    links_not_started: int
    links_in_progress: int
    links_behind: int
    links_done: int
    units_on_time: int
    units_late: int
    units_pending: int
    units_overdue: int
    last_report_date: dt.date | None


FIGURE_FIELDS = ("directive_id", "organization_id", *SUMMARY_FIGURES, "last_report_date")
# ``Figures(*row)`` of a ``values_list(*FIGURE_FIELDS)`` relies on the two orders being one.
if tuple(f.name for f in fields(Figures)) != FIGURE_FIELDS:
    raise ImportError("Figures and FIGURE_FIELDS list the summary figures in different orders")


@dataclass(slots=True)
class DirectiveInfo:
    """What a dashboard row shows of its directive, read in the same query as the figures.

    Stands in for ``Directive`` (same attribute names) where a page lists every directive of a
    unit: no second query with 200 ids in it, no 200 model instances.
    """

    pk: int
    kind: str
    symbol: str
    title: str
    issue_date: dt.date | None
    issuer: str = ""

    @property
    def label(self) -> str:
        return directive_label(self.kind, self.symbol, self.title)


DIRECTIVE_INFO_FIELDS = ("directive__kind", "directive__symbol", "directive__title", "directive__issue_date")


@dataclass(slots=True)
class UnitInfo:
    """What a directive page shows of each unit below, read in the same query as its figures.

    Stands in for ``Organization`` (same attribute names) in a list of 100 units: tuples, not
    200 model instances (the summary and its organisation) a page.
    """

    pk: int
    code: str
    name: str
    short_name: str
    kind: str

    def __str__(self) -> str:
        return self.short_name or self.name


UNIT_INFO_FIELDS = ("organization__code", "organization__name", "organization__short_name", "organization__kind")


def _unit_figures(values: tuple) -> tuple[Figures, UnitInfo]:
    """A row of ``values_list(*FIGURE_FIELDS, *UNIT_INFO_FIELDS)``."""
    n = len(FIGURE_FIELDS)
    f = Figures(*values[:n])
    return f, UnitInfo(f.organization_id, *values[n:])


def _summaries(period: Period) -> QuerySet[ProgressSummary]:
    return ProgressSummary.objects.filter(period_kind=period.kind, period_start=period.start)
