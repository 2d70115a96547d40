"""Reads behind the leaders' dashboards: every figure comes from the precomputed summaries.

Why this module exists (DESIGN §5): at national scale a subtree holds tens of thousands of
units and millions of report–directive links, so a dashboard may never touch the links at
request time. It reads ``ProgressSummary``/``TargetProgress`` rows only — a row already
covers the organisation's whole subtree — and every function here runs a fixed number of
queries whatever the size of the tree or of the data: one query per kind of figure, never
one per unit or per directive. Lists that grow with the tree (units of a level, children of
a large committee) are paginated in SQL.

Scope: dashboards are for leaders. An organisation is visible when one of the user's
*leader* roles covers it (or the user is a superuser); anything else is a 404 so ids
never leak, and a signed-in user with no leader role gets a 403 on the dashboard home.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    F,
    Q,
    QuerySet,
)
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import get_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.models import ORG_LEVELS, Organization, OrgKind, RoleKind
from organizations.selectors import (
    ancestors,
    can_access,
    organization_in_scope_or_404,
    user_roles,
)

from . import periods as P
from .models import (
    SUMMARY_FIGURES,
    Aggregation,
    Directive,
    ProgressSummary,
    Target,
    TargetProgress,
    attention_expressions,
    directive_label,
)
from .periods import Period

LEADER = (RoleKind.LEADER,)
#: How many periods the trend column and the time charts show (the selected one included).
TREND_LENGTH = 6
HISTORY_LENGTH = 12
#: Periods offered in the period drop-down (most recent first).
PERIOD_CHOICES_LIMIT = 60
#: Units per page in the drill-down and the matrix: large committees have hundreds of children.
UNITS_PER_PAGE = 100
#: Directive rows per dashboard page, and directive columns per matrix page.
DIRECTIVES_PER_PAGE = 25
MATRIX_COLUMNS = 20
MATRIX_UNITS_PER_PAGE = 50

LEVEL_LABELS: dict[int, str] = {
    1: gettext_lazy("Provincial level"),
    2: gettext_lazy("Upper-grassroots level (districts, blocs, communes)"),
    3: gettext_lazy("Grassroots level"),
    4: gettext_lazy("Below grassroots (sections, cells)"),
}


def kinds_of_level(level: int) -> list[str]:
    """Organisation kinds at an administrative level (ORG_LEVELS inverted)."""
    return [str(kind) for kind, lvl in ORG_LEVELS.items() if lvl == level]


def number(value: float | Decimal | int | None, places: int = 1) -> str:
    """``floatformat:"-places"`` at a fraction of its cost (a dashboard shows thousands of figures).

    Whole numbers without decimals, others with ``places`` of them, in the language's decimal
    separator (12,5 in Vietnamese, 12.5 in English); no thousands separator, as the templates had.
    """
    return _number(value, places, get_format("DECIMAL_SEPARATOR"))


def _number(value, places: int, separator: str) -> str:
    if value is None:
        return ""
    if value == int(value):
        text = str(int(value))
    else:  # half up on the decimal value, as floatformat rounds (not the float's half to even)
        exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
        text = str(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    return text if separator == "." else text.replace(".", separator)


# --------------------------------------------------------------------------------------
# Scope
# --------------------------------------------------------------------------------------
def leader_home(user) -> Organization:
    """The organisation a leader's dashboard opens on: the highest one they lead.

    Signed-in users without a leader role get a 403 (they exist, they just may not read
    dashboards); superusers start at the root.
    """
    leading = [r.organization for r in user_roles(user) if r.kind == RoleKind.LEADER and r.organization.is_active]
    if not leading:
        root = Organization.objects.get_first_root_node() if getattr(user, "is_superuser", False) else None
        if root is None:
            raise PermissionDenied(_("The dashboards are for the leaders of a committee."))
        return root
    return min(leading, key=lambda o: (o.depth, o.path))


def dashboard_organization_or_404(user, org_id: int) -> Organization:
    """An organisation inside the user's leader scope; any other id is a 404."""
    return organization_in_scope_or_404(user, org_id, kinds=LEADER)


def breadcrumbs(user, org: Organization) -> list[Organization]:
    """Ancestors the leader may open (one query), so the trail never links out of scope."""
    return [a for a in ancestors(org) if can_access(user, a, kinds=LEADER)]


# --------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------
# Filters (the FilterSet in dashboard_filters builds these)
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DirectiveFilters:
    """Which directives a page covers and which units it compares."""

    kind: str = ""
    issuer_id: int | None = None
    term_id: int | None = None
    level: int | None = None

    def q(self, prefix: str = "directive__") -> Q:
        q = Q()
        if self.kind:
            q &= Q(**{f"{prefix}kind": self.kind})
        if self.issuer_id:
            q &= Q(**{f"{prefix}issuer_id": self.issuer_id})
        if self.term_id:
            q &= Q(**{f"{prefix}term_id": self.term_id})
        return q


# --------------------------------------------------------------------------------------
# Status classification
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Status:
    key: str
    label: str
    icon: str
    rank: int  # lower = needs attention sooner


#: Labels are lazy: a national dashboard classifies hundreds of rows and renders a page of them.
STATUSES: dict[str, Status] = {
    "overdue": Status("overdue", gettext_lazy("Overdue"), "✖", 0),
    "late": Status("late", gettext_lazy("Late"), "▲", 1),
    "not_started": Status("not_started", gettext_lazy("Not started"), "○", 2),
    "in_progress": Status("in_progress", gettext_lazy("In progress"), "◐", 3),
    "on_time": Status("on_time", gettext_lazy("On time"), "✔", 4),
}
SEGMENT_LABELS: dict[str, str] = {
    "on_time": gettext_lazy("Done on time"),
    "late": gettext_lazy("Done late"),
    "in_progress": gettext_lazy("Not done, within deadline"),
    "overdue": gettext_lazy("Overdue"),
    "not_started": gettext_lazy("No status"),
}
PACE_LABELS: dict[str, str] = {
    "achieved": gettext_lazy("Achieved"),
    "no_deadline": gettext_lazy("No deadline"),
    "missed": gettext_lazy("Deadline passed"),
    "on_track": gettext_lazy("On track"),
    "behind": gettext_lazy("Behind the pace"),
}


_WORDS: dict[str, dict[str, str]] = {}


def words() -> dict[str, str]:
    """Every word the dashboards repeat in each row and cell, translated once per language.

    A national page draws thousands of statuses, counts and bars; ``gettext`` costs a few
    microseconds a call (it looks the language up each time), which added up to milliseconds.
    """
    language = translation.get_language()  # None when translations are off: English msgids, not cached as "vi"
    found = _WORDS.get(language) if language else None
    if found is None:
        found = {f"status:{k}": str(st.label) for k, st in STATUSES.items()}
        found.update({f"segment:{k}": str(v) for k, v in SEGMENT_LABELS.items()})
        found.update({f"pace:{k}": str(v) for k, v in PACE_LABELS.items()})
        found.update({f"kind:{k}": str(v) for k, v in OrgKind.choices})
        found.update({
            "coverage": _("%(r)s / %(e)s units (%(p)s%%)"),
            "coverage_value": _("%(r)s of %(e)s units"),
            "pace_needs": _("pace needs %(p)s%%"),
            "no_figures": _("no figures"),
            "trend": _("Coverage over recent periods"),
            "units_reported": _("Units that reported"),
            "no_units": _("No units expected"),
            "deadline": _("deadline"),
            "rising": _("rising"), "falling": _("falling"), "steady": _("steady"),
            "not_assigned": _("not assigned"),
            "reports": _("Reports"),
        })
        if language:
            _WORDS[language] = found
    return found


def classify(s: ProgressSummary) -> Status:
    """One overall status for a summary row, worst first (what a leader must act on).

    Overdue units (not done, past the deadline) beat late ones (done after it); a row with
    no report at all is "not started"; units still within the deadline are "in progress".
    """
    st = STATUSES
    if s.units_overdue:
        return st["overdue"]
    if s.units_late or s.links_behind:
        return st["late"]
    if not s.reports and not s.reported_units:
        return st["not_started"]
    if s.units_pending or s.reported_units < s.expected_units or s.links_in_progress or s.links_not_started:
        return st["in_progress"]
    return st["on_time"]


@dataclass(frozen=True)
class Segment:
    """One part of the four-way bar; its words are ``words()[f"segment:{key}"]``."""

    key: str
    count: int
    percent: float

    @property
    def width(self) -> str:
        """CSS width (always a dot, whatever the language)."""
        return f"{self.percent:.1f}"


def segments(s: ProgressSummary | Figures) -> list[Segment]:
    """The government's four-way classification as bar segments (plus units with no status)."""
    parts = [("on_time", s.units_on_time), ("late", s.units_late), ("in_progress", s.units_pending),
             ("overdue", s.units_overdue)]
    classified = sum(n for _k, n in parts)
    total = max(s.expected_units, classified)
    if total > classified:
        parts.append(("not_started", total - classified))
    return [Segment(k, n, round(100 * n / total, 1) if total else 0.0) for k, n in parts]


def coverage(s: ProgressSummary | Figures) -> float | None:
    return coverage_of(s.reported_units, s.expected_units)


def coverage_of(reported: int, expected: int) -> float | None:
    return round(100 * reported / expected, 1) if expected else None


# --------------------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------------------
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


# The reads below run on every dashboard page with dozens to hundreds of ids in them. They
# are written in SQL because the ORM spent more time compiling one parameter per id and
# converting each row into a dict than the database spent planning and running the query.
def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _ids(ids) -> str:
    """A SQL list of integer ids: ``int()`` makes every element a number, so it cannot inject."""
    return ",".join(str(int(i)) for i in ids)


def _among(column: str, values: Sequence, integers: bool = True) -> tuple[str, list]:
    """``column`` is one of ``values``: SQL and its parameters.

    On PostgreSQL one array parameter, so that the statement's text is the same whatever the
    ids and it can be prepared (see ``_rows``); elsewhere an inline list of integers.
    """
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [[int(v) for v in values] if integers else list(values)]
    if integers:
        return f"{column} IN ({_ids(values)})", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _in_periods(periods: Sequence[Period]) -> tuple[str, list]:
    """The summary rows of ``periods`` (one kind, oldest first): SQL and its parameters.

    The range beside the list is what lets a prepared (generic) plan skip the other periods'
    partitions when it starts: PostgreSQL prunes on a range of parameters, not on an array
    parameter, and would otherwise read every partition of the kind.
    """
    starts = [p.start for p in periods]
    among, params = _among("period_start", starts, integers=False)
    return (f"period_kind = %s AND period_start >= %s AND period_start <= %s AND {among}",
            [periods[0].kind, min(starts), max(starts), *params])


def _rows(sql: str, params: list) -> list[tuple]:
    """The rows of a read written in SQL.

    On PostgreSQL through a server-binding cursor, which psycopg prepares once the same
    statement has run ``prepare_threshold`` times on the connection (settings: on unless
    ``DB_PREPARED_STATEMENTS=false``). PostgreSQL then stops planning it over every period
    partition on each page: ~1.2 ms of a ~2 ms query here. The ORM's own cursors bind on the
    client and are never prepared. Wrapped as Django wraps its cursors, so query logging,
    ``execute_wrapper`` and the tests' query counts see these reads too.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    from django.db.backends.postgresql.base import ServerBindingCursor

    # What ``connection.cursor()`` does before handing out a cursor, with a server-binding one.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw = ServerBindingCursor(connection.connection)
    with connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_DECIMAL_FIELD = TargetProgress._meta.get_field("value")


def _decimal(value) -> Decimal:
    """PostgreSQL hands back ``Decimal``; SQLite a number, which the model field converts as the ORM would."""
    return value if isinstance(value, Decimal) else _DECIMAL_FIELD.to_python(value)


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


# --------------------------------------------------------------------------------------
# Trend
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrendPoint:
    period: Period
    label: str
    reported: int | None
    expected: int | None
    coverage: float | None
    overdue: int | None
    late: int | None

    # Geometry of the row's sparkline (22 px tall): computed here, templates cannot do arithmetic.
    @property
    def spark_height(self) -> str:
        return f"{max(1.0, (self.coverage or 0) * 0.22):.1f}" if self.coverage is not None else "22"

    @property
    def spark_y(self) -> str:
        return f"{23 - float(self.spark_height):.1f}"


@dataclass(frozen=True)
class SparkBar:
    x: int
    y: str
    height: str
    empty: bool
    title: str


@dataclass(frozen=True)
class Spark:
    """A row's trend as a tiny bar chart: geometry and words computed once, drawn by the template."""

    width: int
    bars: list[SparkBar]
    label: str
    direction: str

    @classmethod
    def of(cls, points: list[TrendPoint], direction: str) -> Spark:
        w = words()
        separator, none = get_format("DECIMAL_SEPARATOR"), w["no_figures"]
        texts = [none if p.coverage is None else f"{_number(p.coverage, 1, separator)}%" for p in points]
        bars = [SparkBar(12 * i, "21" if p.coverage is None else p.spark_y, "2" if p.coverage is None else p.spark_height,
                         p.coverage is None, f"{p.label}: {text}") for i, (p, text) in enumerate(zip(points, texts, strict=True))]
        label = w["trend"] + ": " + "; ".join(f"{p.label} {t}" for p, t in zip(points, texts, strict=True))
        return cls(12 * len(points), bars, label, direction)


def trends(org_ids: Sequence[int], directive_ids: Sequence[int], periods: list[Period]) -> dict[tuple[int, int], list[TrendPoint]]:
    """(organisation, directive) → coverage over ``periods``. One query."""
    if not org_ids or not directive_ids:
        return {}
    in_periods, period_params = _in_periods(periods)
    orgs, org_params = _among("organization_id", org_ids)
    directives, directive_params = _among("directive_id", directive_ids)
    sql = (f"SELECT organization_id, directive_id, period_start, reported_units, expected_units, units_overdue,"
           f" units_late FROM {_table(ProgressSummary)} WHERE {in_periods} AND {orgs} AND {directives}")
    found = {(o, d, _date(start)): (reported, expected, overdue, late)
             for o, d, start, reported, expected, overdue, late
             in _rows(sql, [*period_params, *org_params, *directive_params])}
    labels = {p: period_label(p) for p in periods}
    return {(org_id, d_id): [_trend_point(p, labels[p], found.get((org_id, d_id, p.start))) for p in periods]
            for org_id in org_ids for d_id in directive_ids}


def _trend_point(period: Period, label: str, figures: tuple[int, int, int, int] | None) -> TrendPoint:
    """A trend point from (reported, expected, overdue, late), or an empty one without figures."""
    if figures is None:
        return TrendPoint(period, label, None, None, None, None, None)
    reported, expected, overdue, late = figures
    return TrendPoint(period, label, reported, expected, coverage_of(reported, expected), overdue, late)


def history(org_id: int, directive_id: int, periods: list[Period]) -> tuple[Figures | None, list[TrendPoint]]:
    """A unit's coverage of one directive over ``periods`` (oldest first), and the last period's figures.

    One query for the directive page: its history chart, and its own row (the last period is
    the one shown), which a second query read before.
    """
    in_periods, period_params = _in_periods(periods)
    sql = (f"SELECT period_start, {', '.join(FIGURE_FIELDS)} FROM {_table(ProgressSummary)}"
           f" WHERE {in_periods} AND organization_id = %s AND directive_id = %s")
    found: dict[dt.date, Figures] = {}
    for start, *values in _rows(sql, [*period_params, int(org_id), int(directive_id)]):
        last = values[-1]
        found[_date(start)] = Figures(*values[:-1], _date(last) if last is not None else None)
    points = []
    for p in periods:
        f = found.get(p.start)
        points.append(_trend_point(p, period_label(p), None if f is None else (
            f.reported_units, f.expected_units, f.units_overdue, f.units_late)))
    return found.get(periods[-1].start), points


def _date(value) -> dt.date:
    """A date column read in SQL: a ``date`` on PostgreSQL, ISO text on SQLite."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def trend_direction(points: list[TrendPoint]) -> str:
    values = [p.coverage for p in points if p.coverage is not None]
    if len(values) < 2 or values[-1] == values[-2]:
        return "flat"
    return "up" if values[-1] > values[-2] else "down"


# --------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------
@dataclass
class FigureRow:
    """One summary row dressed for display: the same shape for a directive or a unit."""

    summary: ProgressSummary | Figures
    directive: Directive | DirectiveInfo
    organization: Organization | UnitInfo
    status: Status
    coverage: float | None
    targets: list[TargetFigure] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    reports_url: str = ""

    @property
    def late_units(self) -> int:
        return self.summary.units_late + self.summary.units_overdue

    @property
    def trend_direction(self) -> str:
        return trend_direction(self.trend)

    @cached_property
    def spark(self) -> Spark:
        return Spark.of(self.trend, self.trend_direction)

    # Coverage as a CSS width (its words are drawn by ``dashboard_html.coverage_bar``).
    @property
    def coverage_width(self) -> str:
        return f"{self.coverage:.1f}" if self.coverage is not None else "0"

    @property
    def sort_key(self) -> tuple:
        s = self.summary
        behind_targets = sum(1 for t in self.targets if t.pace in ("behind", "missed"))
        return (self.status.rank, -s.units_overdue, -s.units_late, -behind_targets,
                self.coverage if self.coverage is not None else 101.0, self.directive.label)


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


def _figure_row(s: ProgressSummary | Figures, org: Organization | UnitInfo,
                directive: Directive | DirectiveInfo | None = None) -> FigureRow:
    if directive is not None:
        return FigureRow(summary=s, directive=directive, organization=org, status=classify(s), coverage=coverage(s))
    return FigureRow(summary=s, directive=s.directive, organization=org, status=classify(s), coverage=coverage(s))


def _summaries(period: Period) -> QuerySet[ProgressSummary]:
    return ProgressSummary.objects.filter(period_kind=period.kind, period_start=period.start)


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
    values = target_values([org.pk], [t for ts in targets.values() for t in ts], period)
    for r in rows:
        r.targets = [target_figure(t, values.get((org.pk, t.pk), Decimal(0)), r.directive, period, today)
                     for t in targets.get(r.directive.pk, [])]
    rows.sort(key=lambda r: r.sort_key)
    # A national committee follows ~200 directives: the page shows the worst first, in pages.
    page = Paginator(rows, DIRECTIVES_PER_PAGE).get_page(page_number)
    periods = recent_periods(period, TREND_LENGTH)
    trend = {} if not with_trend else trends([org.pk], ids if export_all else [r.directive.pk for r in page.object_list],
                                             periods)
    for r in rows:
        r.trend = trend.get((org.pk, r.directive.pk), [])
    return Dashboard(org, selection, rows, periods, page)


# --------------------------------------------------------------------------------------
# Units below an organisation (drill-down, matrix)
# --------------------------------------------------------------------------------------
def child_ids(org: Organization) -> list[int]:
    """Ids of the direct children, in path order, in one query that does not grow with the subtree.

    ``path LIKE 'prefix%' AND depth = d + 1`` reads the whole subtree (at the root: every
    unit of the country) just to keep a few dozen rows. This is a loose index scan on the
    unique path index instead: each step jumps to the first path after the previous
    child's subtree (``'~'`` sorts after every character of treebeard's alphabet), so the
    cost is one index probe per child.
    """
    if not org.numchild:
        return []
    table = connection.ops.quote_name(Organization._meta.db_table)
    sql = f"""
        WITH RECURSIVE kids(path) AS (
            SELECT (SELECT o.path FROM {table} o WHERE o.path > %s AND o.path < %s ORDER BY o.path LIMIT 1)
            UNION ALL
            SELECT (SELECT o.path FROM {table} o WHERE o.path > k.path || '~' AND o.path < %s ORDER BY o.path LIMIT 1)
            FROM kids k WHERE k.path IS NOT NULL
        )
        SELECT o.id FROM kids k JOIN {table} o ON o.path = k.path ORDER BY o.path"""
    upper = org.path + "~"
    return [row[0] for row in _rows(sql, [org.path, upper, upper])]


def compares_level(org: Organization, level: int | None) -> bool:
    """Whether a page compares every unit of a level below ``org`` (else its children)."""
    return level is not None and level > org.level


def units_q(org: Organization, level: int | None, prefix: str = "") -> Q:
    """The units a page compares: the children, or every unit of a level below ``org``.

    The level here is the organisations' current kind (the matrix lists organisations); the
    directive page's level list reads the level its summaries were computed with
    (``unit_level``), which differs only for a unit reclassified since — until the next
    computation, or for good in a closed period.
    """
    p = f"{prefix}__" if prefix else ""
    if compares_level(org, level):
        return Q(**{f"{p}path__startswith": org.path, f"{p}depth__gt": org.depth, f"{p}kind__in": kinds_of_level(level)})
    return Q(**{f"{p}id__in" if p else "pk__in": child_ids(org)})


def _attention_order(qs: QuerySet[ProgressSummary], ties: str = "organization__path") -> QuerySet[ProgressSummary]:
    """Worst first in SQL (so pagination keeps the order): overdue, late, then lowest coverage.

    Ties go in tree order (``organization__path``) among a unit's children; a level's units
    tie by unit (``organization_id``): the order of ``summary_attention_idx``, so that a page
    is read off the index whatever the number of units.
    """
    silent, ratio = attention_expressions()
    return qs.annotate(_silent=silent, _ratio=ratio).order_by(
        "-units_overdue", "-units_late", "-links_behind", "_silent", F("_ratio").asc(nulls_last=True), ties)


class _Unbounded:
    """The paginator of a :class:`Window`: the list is not counted."""

    num_pages = None
    count = None


class Window:
    """A page of a list too long to count on every request (every cell of the country).

    One extra row tells whether a next page exists; the pagination then offers previous and
    next without "of N". Quacks like ``django.core.paginator.Page`` for the templates. A page
    number that is not a number, or lies past the end, shows the first page (as Django's
    ``get_page`` shows a valid one); numbers are capped so the offset stays an integer.
    """

    MAX_PAGE = 100_000

    def __init__(self, qs: QuerySet, per_page: int, number: str | int | None) -> None:
        try:
            self.number = min(max(1, int(number or 1)), self.MAX_PAGE)
        except (TypeError, ValueError, OverflowError):
            self.number = 1
        rows = self._read(qs, per_page)
        if not rows and self.number > 1:
            self.number = 1
            rows = self._read(qs, per_page)
        self.object_list = rows[:per_page]
        self._has_next = len(rows) > per_page
        self.paginator = _Unbounded()

    def _read(self, qs: QuerySet, per_page: int) -> list:
        start = (self.number - 1) * per_page
        return list(qs[start:start + per_page + 1])

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def _children_page(qs: QuerySet, org: Organization, per_page: int, number: str | int | None) -> Page:
    """A page of rows of ``org``'s children (at most one row per child): not counted when one page holds them all.

    ``numchild`` bounds the rows, so a unit with no more children than a page reads them
    in one query; only a committee with more children pays Django's ``COUNT`` for the page
    numbers.
    """
    if org.numchild <= per_page:
        return Paginator(list(qs[:per_page]), per_page).get_page(number)
    return Paginator(qs, per_page).get_page(number)


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
    values = target_values(org_ids, targets, period)
    own = None
    if own_s is not None:
        own = _figure_row(own_s, org, directive)
        own.targets = [target_figure(t, values.get((org.pk, t.pk), Decimal(0)), directive, period, today) for t in targets]
    units = []
    base = reverse("report-list")  # every unit's row links to its reports: reversed once
    for f, unit in unit_summaries:
        row = _figure_row(f, unit, directive)
        row.targets = [target_figure(t, values.get((f.organization_id, t.pk), Decimal(0)), directive, period, today)
                       for t in targets]
        row.reports_url = report_list_url(unit, directive, period, base)
        units.append(row)
    if own is not None:
        own.trend = history_points
    return DirectiveDrill(org, directive, selection, own, page, units, history_points, targets,
                          is_cell=org.numchild == 0, reports_url=report_list_url(org, directive, period, base))


def directive_or_404(pk: int) -> Directive:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Directive.objects.select_related("issuer"), pk=pk)


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


# --------------------------------------------------------------------------------------
# Links out of the app (by URL name: resolutions never imports meetings)
# --------------------------------------------------------------------------------------
def report_list_url(org: Organization, directive: Directive, period: Period, base: str = "") -> str:
    """The report list filtered to one unit's reports on one directive in the period.

    ``base``: the list's path when a table links many units (reversed once, not per row).
    """
    # What ``urlencode`` would write: ids and ISO dates have nothing to quote (one call per row otherwise).
    query = (f"organization={int(org.pk)}&directive={int(directive.pk)}"
             f"&period_from={period.start.isoformat()}&period_to={period.end.isoformat()}")
    return f"{base or reverse('report-list')}?{query}"


def summary_document_url(org: Organization, period: Period) -> str | None:
    """Where the periodic summary document of the unit is requested; None if that page is absent."""
    for name in ("summary-document-list", "summary-overview"):
        try:
            return f"{reverse(name, args=[org.pk])}?{urlencode({'period': period.key})}"
        except NoReverseMatch:
            continue
    return None


def plain_rows(limit: int = 100) -> list[Organization]:
    """A baseline for the benchmark: one plain query, ``limit`` rows."""
    return list(Organization.objects.order_by("path")[:limit])
