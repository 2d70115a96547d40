"""The dashboards' figure widgets and table bodies, drawn by the Jinja2 templates in ``templates/jinja2/dashboard/``.

The markup lives in those templates; these tags only call them from the Django pages. Why
Jinja2 for them: a national dashboard page draws 25–100 rows of five widgets each (a matrix
hundreds of cells), and Django's engine, walking its nodes and resolving every variable
through the context, cost more for them than all the page's queries together; Jinja2
compiles a template to Python. Autoescaping is on in both engines.

The whole table bodies (``dashboard_body``, ``units_body``, ``matrix_body``) are also cached
as fragments. The key holds what the body depends on: the language, the script prefix, the
organisation, the period, the query string (filters), the page, today's date (a target's
pace depends on it), the ids and names of the rows shown, and the latest ``computed_at`` of
their summaries (``resolutions.dashboards.freshness``) — after a recompute the key changes,
so a stale table is never served.

Use: ``{% load dashboard_html %}`` then ``{{ row|status_badge }}``, ``{{ row|coverage_bar }}``,
``{{ row|status_bars }}``, ``{{ row.targets|target_list }}``, ``{{ row.spark|trend_spark }}``, a
chart's figures as a table: ``{{ table|data_table }}``, and the bodies as simple tags.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable

from django import template
from django.core.cache import cache
from django.template import engines
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from resolutions.dashboards import words
from resolutions.dashboards.freshness import computed_at
from resolutions.dashboards.links import url_format

register = template.Library()

#: How long a drawn table body is kept; a recompute changes its key long before.
FRAGMENT_TIMEOUT = 60 * 60
FRAGMENT_PREFIX = "dash-frag:"


def jinja_template(name: str):
    """A compiled template of the Jinja2 backend (compiled once per process, by Jinja2's cache)."""
    return engines["jinja2"].env.get_template(name)


def _ui():
    return jinja_template("dashboard/_widgets.html").module


@register.filter
def status_badge(row_or_status) -> SafeString:
    """Icon and word; colour only as a third cue. Takes a FigureRow or a Status."""
    return _ui().badge(getattr(row_or_status, "status", row_or_status), words())


@register.filter
def coverage_bar(row) -> SafeString:
    """Units reported / expected as a bar with its figures in words."""
    return _ui().coverage(row, words(), get_format("DECIMAL_SEPARATOR"))


@register.filter
def status_bars(row) -> SafeString:
    """The government's four-way classification: a stacked bar (decorative) and the counts in words."""
    return _ui().bars(row, words())


@register.filter
def target_list(targets) -> SafeString:
    """Each target: value vs goal, %, a bar, and whether the pace meets the deadline."""
    return _ui().targets(targets or [], words())


@register.filter
def trend_spark(spark) -> SafeString:
    """Coverage over recent periods as a tiny bar chart with a label, a title per bar and a word."""
    return _ui().spark(spark, words())


@register.filter
def data_table(table) -> SafeString:
    """A chart's figures as a table (``exports.Table``): the first column heads each row."""
    return _ui().data_table(table)


# --------------------------------------------------------------------------------------
# Whole table bodies, cached as fragments
# --------------------------------------------------------------------------------------
def fragment_key(name: str, *parts) -> str:
    """The cache key of a table body: a digest of everything its markup depends on."""
    data = repr((name, get_language(), get_script_prefix(), timezone.localdate(), parts))
    return FRAGMENT_PREFIX + name + ":" + hashlib.sha256(data.encode()).hexdigest()


def cached_fragment(key: str, draw: Callable[[], str]) -> SafeString:
    html = cache.get(key)
    if html is None:
        html = str(draw())
        cache.set(key, html, FRAGMENT_TIMEOUT)
    return mark_safe(html)


def _words_context() -> dict:
    return {"w": words(), "sep": get_format("DECIMAL_SEPARATOR")}


@register.simple_tag
def dashboard_body(board, organization, querystring: str) -> SafeString:
    """A dashboard's directives: symbol and title, status, late units, coverage, targets, trend."""
    rows = board.rows
    if not rows:
        return mark_safe("")
    period = board.selection.period
    starts = [p.start for p in board.trend_periods if p.kind == period.kind] + [period.start]
    fresh = computed_at([organization.pk], [r.directive.pk for r in rows], period.kind, min(starts), max(starts))
    key = fragment_key("dashboard", organization.pk, period.kind, period.start, querystring, board.page.number,
                       fresh, [(r.directive.pk, r.directive.label, r.directive.title) for r in rows])
    return cached_fragment(key, lambda: jinja_template("dashboard/dashboard_body.html").render({
        "rows": rows, "organization": organization, "querystring": querystring,
        "directive_url": url_format("dashboard-directive", 2), **_words_context()}))


@register.simple_tag
def units_body(drill, querystring: str) -> SafeString:
    """A directive's units: link down, status, late units, coverage and counts, reports, targets."""
    units = drill.units
    if not units:
        return mark_safe("")
    period = drill.selection.period
    fresh = computed_at([r.organization.pk for r in units], [drill.directive.pk], period.kind, period.start,
                        period.start)
    key = fragment_key("units", drill.organization.pk, drill.directive.pk, period.kind, period.start, querystring,
                       drill.page.number, fresh, [t.pk for t in drill.targets],
                       [(r.organization.pk, str(r.organization), r.organization.code, r.reports_url) for r in units])
    return cached_fragment(key, lambda: jinja_template("dashboard/units_body.html").render({
        "drill": drill, "querystring": querystring, "directive_url": url_format("dashboard-directive", 2),
        **_words_context()}))


@register.simple_tag
def matrix_body(matrix, querystring: str) -> SafeString:
    """Rows of units, a cell per directive: status icon, coverage and the status in words."""
    if not matrix.units:
        return mark_safe("")
    period = matrix.selection.period
    fresh = computed_at([unit.pk for unit, _cells in matrix.units], [d.pk for d in matrix.directives],
                        period.kind, period.start, period.start)
    key = fragment_key("matrix", matrix.organization.pk, period.kind, period.start, querystring,
                       matrix.page.number, matrix.columns.number, fresh,
                       [(d.pk, d.label) for d in matrix.directives],
                       [(unit.pk, str(unit)) for unit, _cells in matrix.units])
    return cached_fragment(key, lambda: jinja_template("dashboard/matrix_body.html").render({
        "matrix": matrix, "querystring": querystring, "org_url": url_format("dashboard-org", 1),
        "cell_url": url_format("dashboard-directive", 2), **_words_context()}))
