"""The dashboards' figure widgets — status badge, coverage bar, four-way bar, targets, trend — and table bodies.

Why Python and not template partials: a national dashboard page draws 25–100 rows of them,
and Django's template engine took ~0.7 ms a row (every variable lookup, filter and
``blocktranslate`` in five partials), more than all the page's queries together. Here each
widget joins f-strings whose every text part goes through ``escape`` (numbers and bar widths
are formatted here); the words are the same messages in the catalogs. Bar widths are classes
(``w-pct-0`` … ``w-pct-100`` in ``static/css/app.css``), never ``style`` attributes: the
Content-Security-Policy allows no inline style. The markup and its
accessibility (icons and words beside every colour, ``role="progressbar"`` with values and
text, an SVG with a label and a title per bar) are unchanged; ``static/css/dashboard.css``
styles it.

Whole table bodies (``dashboard_body``, ``units_body``, ``matrix_body``) draw their rows in one
tag, with the page's words looked up and escaped once (``_Words``).

Use: ``{% load dashboard_html %}`` then ``{{ row|status_badge }}``, ``{{ row|coverage_bar }}``,
``{{ row|status_bars }}``, ``{{ row.targets|target_list }}``, ``{{ row.spark|trend_spark }}``, a
chart's figures as a table: ``{{ table|data_table }}``, and the bodies as simple tags.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from html import escape as _html_escape

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language

from resolutions.dashboards import number, segments, words
from resolutions.dashboards.formatting import _number

register = template.Library()


def escape(text) -> str:
    """HTML-escaped text, as ``django.utils.html.escape`` (same characters, always escaped).

    Without Django's lazy-string wrapper and ``SafeString`` per call: a page of 100 units
    escapes ~3,000 texts, and those layers cost more than the escaping. The callers join the
    results into one string that they mark safe.
    """
    return _html_escape(str(text))


# The row widgets as plain strings, drawn with the page's words (``_Words``) once for a whole
# table body: looking the language up, escaping the same words and marking each widget safe
# in every row of 100 cost ~2 ms a page. The filters below wrap them for the templates.
_ESCAPED: dict[str, dict[str, str]] = {}


@dataclass(frozen=True, slots=True)
class _Words:
    w: dict[str, str]  # ``words()``
    e: dict[str, str]  # the same, HTML-escaped
    separator: str  # the language's decimal separator

    @classmethod
    def now(cls) -> _Words:
        w = words()
        language = get_language()
        e = _ESCAPED.get(language) if language else None
        if e is None:  # one dict per language, kept for the process as ``words()`` keeps its own
            e = {k: escape(v) for k, v in w.items()}
            if language:
                _ESCAPED[language] = e
        return cls(w, e, get_format("DECIMAL_SEPARATOR"))


def width_class(percent: str | float) -> str:
    """The ``w-pct-N`` class drawing a bar ``percent`` wide (0–100, whole percents).

    Whole percents are a fraction of a pixel on these bars; a non-zero share never rounds
    down to an invisible 0 (a unit that did report still shows a sliver).
    """
    value = min(max(float(percent), 0.0), 100.0)
    whole = int(value + 0.5)
    if whole == 0 and value > 0:
        whole = 1
    return f"w-pct-{whole}"


def _badge(status, ws: _Words) -> str:
    return (f'<span class="dash-status st-{status.key}"><span aria-hidden="true">{status.icon}</span> '
            f'{ws.e[f"status:{status.key}"]}</span>')


def _coverage(row, ws: _Words) -> str:
    w = ws.w
    if row.coverage is None:
        return f'<span class="text-muted">{ws.e["no_units"]}</span>'
    s = row.summary
    full = " full" if row.coverage >= 100 else ""
    valuetext = w["coverage_value"] % {"r": s.reported_units, "e": s.expected_units}
    text = w["coverage"] % {"r": s.reported_units, "e": s.expected_units, "p": _number(row.coverage, 1, ws.separator)}
    return (f'<div class="progress dash-bar{full}" role="progressbar" aria-label="{ws.e["units_reported"]}" '
            f'aria-valuemin="0" aria-valuemax="{int(s.expected_units)}" aria-valuenow="{int(s.reported_units)}" '
            f'aria-valuetext="{escape(valuetext)}"><div class="progress-bar '
            f'{width_class(row.coverage_width)}"></div></div>'
            f'<div class="small text-nowrap">{escape(text)}</div>')


def _bars(row, ws: _Words) -> str:
    e = ws.e
    parts = [(g.key, e[f"segment:{g.key}"], int(g.count), g.width) for g in segments(row.summary)]
    bar = "".join(f'<span class="seg seg-{key} {width_class(width)}" title="{label}: {count}"></span>'
                  for key, label, count, width in parts if count)
    counts = "".join(f'<li><span class="seg-dot seg-{key}" aria-hidden="true"></span>{label}: <strong>{count}</strong></li>'
                     for key, label, count, _width in parts)
    return (f'<div class="dash-stack mt-1" aria-hidden="true">{bar}</div>'
            f'<ul class="list-unstyled dash-counts mb-0 mt-1">{counts}</ul>')


@register.filter
def status_badge(row_or_status) -> SafeString:
    """Icon and word; colour only as a third cue. Takes a FigureRow or a Status."""
    return mark_safe(_badge(getattr(row_or_status, "status", row_or_status), _Words.now()))


@register.filter
def coverage_bar(row) -> SafeString:
    """Units reported / expected as a bar with its figures in words."""
    return mark_safe(_coverage(row, _Words.now()))


@register.filter
def status_bars(row) -> SafeString:
    """The government's four-way classification: a stacked bar (decorative) and the counts in words."""
    return mark_safe(_bars(row, _Words.now()))


@register.filter
def target_list(targets) -> SafeString:
    """Each target: value vs goal, %, a bar, and whether the pace meets the deadline."""
    if not targets:
        return mark_safe('<span class="text-muted">—</span>')
    w = words()
    deadline_word = w["deadline"]
    parts = []
    for t in targets:
        extra = format_html(" · {} {}", deadline_word, t.deadline_text) if t.deadline_text else ""
        if t.pace_needs_text:
            extra = format_html("{} · {}", extra, t.pace_needs_text)
        parts.append(format_html(
            '<div class="dash-target"><div>{}: {} <strong>{}</strong> / {} {} ({}%) · {} {}</div>'
            '<div class="progress dash-bar{}" role="progressbar" aria-label="{}" aria-valuemin="0" aria-valuemax="100" '
            'aria-valuenow="{}"><div class="progress-bar {}"></div></div>'
            '<div class="small"><span class="pace pace-{}"><span aria-hidden="true">{}</span> {}</span>{}</div></div>',
            t.target.name, w["cumulative"], t.value_text, t.goal_text, t.target.unit, t.percent_text,
            w["in_period"], t.period_value_text,
            " full" if t.percent >= 100 else "", t.target.name, t.bar_now, width_class(t.bar_width),
            t.pace, t.pace_icon, w[f"pace:{t.pace}"], extra))
    return mark_safe("".join(parts))


@register.filter
def trend_spark(spark) -> SafeString:
    """Coverage over recent periods as a tiny bar chart with a label, a title per bar and a word."""
    none = ' class="none"'
    bars = "".join(f'<rect x="{int(b.x)}" y="{b.y}" width="9" height="{b.height}"{none if b.empty else ""}>'
                   f"<title>{escape(b.title)}</title></rect>" for b in spark.bars)
    w = words()
    arrow, word = {"up": ("↗", w["rising"]), "down": ("↘", w["falling"])}.get(spark.direction, ("→", w["steady"]))
    return mark_safe(f'<span class="dash-trend"><svg class="dash-spark" width="{int(spark.width)}" height="24" role="img" '
                     f'aria-label="{escape(spark.label)}">{bars}</svg> <span aria-hidden="true">{arrow}</span> '
                     f"{escape(word)}</span>")


def _cell(value) -> str:
    """A figure as the page shows it: a dash for none, decimals in the language's separator.

    (Whole floats show without decimals — "100", where the template printed "100,0".)
    """
    if value is None:
        return "—"
    if isinstance(value, float | Decimal):
        return number(value, 1)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return escape(value)


@register.filter
def data_table(table) -> SafeString:
    """A chart's figures as a table (``exports.Table``): the first column heads each row."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in table.headers)
    body = "".join(
        f'<tr><th scope="row">{_cell(row[0])}</th>{"".join(f"<td>{_cell(v)}</td>" for v in row[1:])}</tr>'
        for row in table.rows if row)
    return mark_safe(f'<div class="table-responsive"><table class="table table-sm table-striped">'
                     f"<caption>{escape(table.title)}</caption><thead><tr>{head}</tr></thead>"
                     f"<tbody>{body}</tbody></table></div>")


# --------------------------------------------------------------------------------------
# Whole table bodies: the matrix (units × 20 directives) and a directive's units (100 a page)
# --------------------------------------------------------------------------------------
_SENTINELS = (987654321, 876543219)
_url_formats: dict[tuple[str, str], str] = {}


def url_format(name: str, arity: int) -> str:
    """``reverse(name, args=…)`` as an HTML-escaped format string for integer ids, computed once.

    A table links every cell; Django's ``reverse`` costs ~20 µs a call. Keyed by the script
    prefix and the active URLconf, as ``reverse`` itself depends on both.
    """
    key = (name, arity, get_script_prefix(), get_urlconf())
    if key not in _url_formats:
        url = reverse(name, args=list(_SENTINELS[:arity]))
        for sentinel in _SENTINELS[:arity]:
            url = url.replace(str(sentinel), "\0", 1)
        if url.count("\0") != arity:
            raise ValueError(f"{name} does not take {arity} integer arguments")
        _url_formats[key] = str(escape(url.replace("{", "{{").replace("}", "}}"))).replace("\0", "{}")
    return _url_formats[key]


@register.simple_tag
def dashboard_body(rows, organization, querystring: str) -> SafeString:
    """A dashboard's directives: symbol and title, status, late units, coverage, targets, trend."""
    directive_url = url_format("dashboard-directive", 2)
    qs = escape(querystring)
    ws = _Words.now()
    out = []
    for row in rows:
        d = row.directive
        out.append(
            f'<tr data-directive="{int(d.pk)}" data-reports="{int(row.summary.reports)}">'
            f'<th scope="row"><a href="{directive_url.format(organization.pk, d.pk)}{qs}" class="symbol">'
            f"{escape(d.label)}</a>"
            f'<div class="small fw-normal text-muted dash-title">{escape(Truncator(d.title).chars(80))}</div></th>'
            f"<td>{_badge(row.status, ws)}</td>"
            f'<td class="text-end" data-testid="late-units">{int(row.late_units)}</td>'
            f"<td>{_coverage(row, ws)}{_bars(row, ws)}</td>"
            f"<td>{target_list(row.targets)}</td>"
            f"<td>{trend_spark(row.spark)}</td></tr>")
    return mark_safe("".join(out))


@register.simple_tag
def matrix_body(matrix, querystring: str) -> SafeString:
    """Rows of units, a cell per directive: status icon, coverage and the status in words."""
    org_url, cell_url = url_format("dashboard-org", 1), url_format("dashboard-directive", 2)
    qs = escape(querystring)
    ws = _Words.now()
    w = ws.w
    not_assigned = ws.e["not_assigned"]
    empty = (f'<td class="cell empty"><span class="nolink">—<span class="visually-hidden"> {not_assigned}</span>'
             "</span></td>")
    out = []
    for unit, cells in matrix.units:
        name = escape(str(unit))
        parts = [f'<tr><th scope="row"><a href="{org_url.format(unit.pk)}{qs}">{name}</a></th>']
        for cell in cells:
            if cell.empty:
                parts.append(empty)
                continue
            row = cell.row
            st = row.status
            label = ws.e[f"status:{st.key}"]
            # Rounded half up, as ``floatformat:"0"`` did (coverage is never negative).
            shown = "—" if row.coverage is None else f"{int(row.coverage + 0.5)}%"
            title = escape(f"{row.directive.label} — {unit}: {w[f'status:{st.key}']}")
            parts.append(f'<td class="cell st-{st.key}"><a href="{cell_url.format(unit.pk, row.directive.pk)}{qs}" '
                         f'title="{title}"><span aria-hidden="true">{st.icon}</span> {shown}'
                         f'<span class="visually-hidden"> {label}</span></a></td>')
        parts.append("</tr>")
        out.append("".join(parts))
    return mark_safe("".join(out))


@register.simple_tag
def units_body(drill, querystring: str) -> SafeString:
    """A directive's units: link down, status, late units, coverage and counts, reports, targets."""
    directive_url = url_format("dashboard-directive", 2)
    qs = escape(querystring)
    ws = _Words.now()
    w = ws.w
    reports_word = escape(w["reports"])
    out = []
    for row in drill.units:
        org = row.organization
        name = escape(str(org))
        targets = ""
        if drill.targets:
            targets = "<td>" + "".join(
                f'<div class="small">{escape(t.target.name)}: <strong>{t.value_text}</strong> {escape(t.target.unit)}</div>'
                for t in row.targets) + "</td>"
        out.append(
            f'<tr data-unit="{escape(org.code)}" data-reports="{int(row.summary.reports)}">'
            f'<th scope="row"><a href="{directive_url.format(org.pk, drill.directive.pk)}{qs}">{name}</a>'
            f'<div class="small fw-normal text-muted">{escape(w.get(f"kind:{org.kind}", org.kind))}</div></th>'
            f"<td>{_badge(row.status, ws)}</td><td class=\"text-end\">{int(row.late_units)}</td>"
            f"<td>{_coverage(row, ws)}{_bars(row, ws)}</td><td class=\"text-end\">{int(row.summary.reports)}</td>"
            f'{targets}<td><a class="small text-nowrap" href="{escape(row.reports_url)}">{reports_word}'
            f'<span class="visually-hidden"> — {name}</span></a></td></tr>')
    return mark_safe("".join(out))
