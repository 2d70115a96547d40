"""The matrix: the units below an organisation (children, or a level) × the directives of its dashboard.

Columns are the directives the unit's own summaries cover, a page of them at a time; rows
the units of the page, including those with nothing assigned — a national matrix would
otherwise be 60 × 200 cells. (``matrices``, not ``matrix``: the package exports the function
``matrix``, which a module of that name would be shadowed by.)
"""
from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from organizations.models import Organization

from .criteria import DirectiveFilters
from .pagination import _children_page
from .periods import PeriodSelection
from .records import DIRECTIVE_INFO_FIELDS, FIGURE_FIELDS, DirectiveInfo, Figures, _summaries
from .rows import FigureRow, _figure_row
from .units import compares_level, units_q

#: Directive columns per matrix page.
MATRIX_COLUMNS = 20
#: Units per matrix page: large committees have hundreds of children.
MATRIX_UNITS_PER_PAGE = 50


@dataclass
class MatrixCell:
    row: FigureRow | None

    @property
    def empty(self) -> bool:
        return self.row is None


@dataclass
class Matrix:
    organization: Organization
    selection: PeriodSelection
    directives: list[DirectiveInfo]
    page: Page
    units: list[tuple[Organization, list[MatrixCell]]]
    columns: Page


def matrix(org: Organization, selection: PeriodSelection, filters: DirectiveFilters,
           page_number: str | int | None = 1, column_page: str | int | None = 1) -> Matrix:
    """Units (children, or a level) × directives of the organisation's dashboard. At most five queries.

    Columns are the directives the unit's own summaries cover (so the matrix matches its
    dashboard), 20 at a time; rows are the units of the page (50), including those with
    nothing assigned — a national matrix would otherwise be 60 × 200 cells.
    """
    period = selection.period
    own = (_summaries(period).filter(organization=org).filter(filters.q())
           .order_by("directive__kind", "directive__symbol", "directive_id")
           .values_list("directive_id", *DIRECTIVE_INFO_FIELDS))
    columns = Paginator([DirectiveInfo(*v) for v in own], MATRIX_COLUMNS).get_page(column_page)
    directives = list(columns.object_list)
    units_qs = Organization.objects.filter(units_q(org, filters.level)).order_by("path")
    page = (Paginator(units_qs, MATRIX_UNITS_PER_PAGE).get_page(page_number) if compares_level(org, filters.level)
            else _children_page(units_qs, org, MATRIX_UNITS_PER_PAGE, page_number))
    unit_list = list(page.object_list)
    by_key: dict[tuple[int, int], Figures] = {}
    if unit_list and directives:
        cells = _summaries(period).filter(organization_id__in=[u.pk for u in unit_list],
                                          directive_id__in=[d.pk for d in directives])
        for values in cells.values_list(*FIGURE_FIELDS):
            f = Figures(*values)
            by_key[(f.organization_id, f.directive_id)] = f
    rows = []
    for u in unit_list:
        row_cells = []
        for d in directives:
            f = by_key.get((u.pk, d.pk))
            row_cells.append(MatrixCell(None if f is None else _figure_row(f, u, d)))
        rows.append((u, row_cells))
    return Matrix(org, selection, directives, page, rows, columns)
