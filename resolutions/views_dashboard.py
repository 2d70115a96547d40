"""Leaders' dashboards: the directives of a unit, one directive across its units, the matrix.

Thin views (DESIGN §3): bind the query string (one FilterSet), check the leader scope, call
one selector of ``resolutions.dashboards``, then render the page or — with
``?export=csv|xlsx&table=<name>`` — the same table as a download. Figures come only from
the precomputed summaries, so each page runs the same handful of queries on any tree.
"""
from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import dashboards as D
from . import exports
from .dashboard_filters import DashboardFilter
from .dashboards import Window
from .filters import query_int

#: Directives drawn in the dashboard's time chart (all of them are in its table).
CHART_SERIES = 8
#: Units drawn in the directive page's comparison chart (all of the page's are in the table).
CHART_UNITS = 30


def _state(request: HttpRequest, org) -> tuple[DashboardFilter, D.PeriodSelection, D.DirectiveFilters]:
    """The page's filters and period, validated once for every view.

    The form validates the period first (a bad one falls back to the default, and the form
    says why); the selector then resolves it, and its periods become the drop-down's choices.
    """
    filterset = DashboardFilter(request.GET or None)
    selection = D.select_period(org, filterset.period_kind_value(), filterset.period_key())
    filterset.offer_periods(selection.choices)
    return filterset, selection, filterset.directive_filters()


def _page(request: HttpRequest, name: str = "page") -> int:
    """A page number from the query string: anything but a plain positive number is page 1."""
    return query_int(request.GET.get(name), maximum=Window.MAX_PAGE) or 1


def _querystring(request: HttpRequest, **overrides) -> str:
    """The current filters for links to sibling pages (no page number, no export)."""
    q = request.GET.copy()
    for key in ("page", "cols", "export", "table"):
        q.pop(key, None)
    for key, value in overrides.items():
        if value is None:
            q.pop(key, None)
        else:
            q[key] = value
    encoded = q.urlencode()
    return f"?{encoded}" if encoded else ""


def _export(request: HttpRequest, tables: list[exports.Table], filename: str, org,
            selection: D.PeriodSelection) -> HttpResponse | None:
    fmt = request.GET.get("export")
    if not fmt:
        return None
    table = exports.pick(tables, request.GET.get("table") or tables[0].name)
    return exports.table_response(table, fmt, f"{filename}-{table.name}", exports.Heading.of(org, selection.period))


def _common(request: HttpRequest, org, filterset, selection) -> dict:
    return {
        "organization": org, "filter": filterset, "selection": selection, "period": selection.period,
        "crumbs": D.breadcrumbs(request.user, org), "querystring": _querystring(request),
        "summary_document_url": D.summary_document_url(org, selection.period),
    }


@require_GET
def dashboard_home(request: HttpRequest) -> HttpResponse:
    """The dashboard of the highest unit the user leads (403 for non-leaders)."""
    return _dashboard(request, D.leader_home(request.user))


@require_GET
def dashboard_org(request: HttpRequest, org_id: int) -> HttpResponse:
    return _dashboard(request, D.dashboard_organization_or_404(request.user, org_id))


def _dashboard(request: HttpRequest, org) -> HttpResponse:
    filterset, selection, filters = _state(request, org)
    exporting = bool(request.GET.get("export"))
    board = D.dashboard(org, selection, filters, _page(request), export_all=exporting,
                        with_trend=not exporting or request.GET.get("table") == "trend")
    tables = exports.dashboard_tables(board, for_page=not exporting)
    response = _export(request, tables, f"dashboard-{org.code}-{selection.period.key}", org, selection)
    if response:
        return response
    chart = {
        "labels": [D.period_label(p) for p in board.trend_periods],
        "series": [{"label": r.directive.label, "data": [p.coverage for p in r.trend]} for r in board.rows[:CHART_SERIES]],
        "yLabel": str(_("Coverage (%)")),
    }
    return render(request, "dashboard/dashboard.html", {
        **_common(request, org, filterset, selection), "board": board, "rows": board.rows, "tables": tables,
        "chart": chart, "chart_series": CHART_SERIES,
    })


@require_GET
def dashboard_directive(request: HttpRequest, org_id: int, directive_id: int) -> HttpResponse:
    """One directive in a subtree: the units below with their figures; click to descend."""
    org = D.dashboard_organization_or_404(request.user, org_id)
    directive = D.directive_or_404(directive_id)
    filterset, selection, filters = _state(request, org)
    drill = D.directive_drill(org, directive, selection, filters, _page(request))
    tables = exports.drill_tables(drill, for_page=not request.GET.get("export"))
    response = _export(request, tables, f"{directive.symbol or directive.pk}-{org.code}-{selection.period.key}", org, selection)
    if response:
        return response
    history_chart = {
        "labels": [p.label for p in drill.history],
        "series": [{"label": str(_("Coverage (%)")), "data": [p.coverage for p in drill.history]}],
        "yLabel": str(_("Coverage (%)")),
    }
    units_chart = {
        "labels": [str(r.organization) for r in drill.units[:CHART_UNITS]],
        "series": [{"label": str(_("Coverage (%)")), "data": [r.coverage for r in drill.units[:CHART_UNITS]]}],
        "yLabel": str(_("Coverage (%)")),
    }
    return render(request, "dashboard/directive.html", {
        **_common(request, org, filterset, selection), "drill": drill, "directive": directive, "tables": tables,
        "subtree_reports_url": drill.reports_url, "history_chart": history_chart, "units_chart": units_chart,
        "chart_units": CHART_UNITS,
    })


@require_GET
def dashboard_matrix(request: HttpRequest, org_id: int) -> HttpResponse:
    """Units below × directives: a heat map of coverage with the status of every cell."""
    org = D.dashboard_organization_or_404(request.user, org_id)
    filterset, selection, filters = _state(request, org)
    m = D.matrix(org, selection, filters, _page(request), _page(request, "cols"))
    tables = exports.matrix_tables(m)
    response = _export(request, tables, f"matrix-{org.code}-{selection.period.key}", org, selection)
    if response:
        return response
    return render(request, "dashboard/matrix.html", {
        **_common(request, org, filterset, selection), "matrix": m, "tables": tables,
    })


@require_GET
def plain_page(request: HttpRequest) -> HttpResponse:
    """Benchmark baseline: the site's layout with 100 rows from one query (operators only).

    The rows are units of the whole country, whoever asks, so only superusers (the
    operators who run the benchmark) may see it; for anyone else the page does not exist.
    """
    if not request.user.is_superuser:
        raise Http404
    return render(request, "dashboard/plain.html", {"rows": D.plain_rows(100)})
