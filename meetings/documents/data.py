"""What the summary document says, gathered once: figures per directive, names, quotations, signer.

Every figure comes from one place: the per-directive figures are the shared read model's
(``resolutions.dashboards.figures.figures_for``, copied into ``DirectiveLine`` under the
same names) and the total of reports is ``meetings.selectors.distinct_reports``, so that
the DOCX, the XLSX, ``/tong-hop/`` and the dashboards print the same numbers. What the
read model does not hold is read here, scoped to the organisation's subtree and the period:

- the *names* of the units late and missing, from the missing-reports list
  (``meetings.missing``): "late" = every due report came, one after its due date; "missing"
  = a due report never came; a late unit is never listed as missing;
- the units that sent the period's reports (the read model counts the reports themselves);
- the reports' own words on a directive (the link's narrative, else the line of the report
  that cites it), quoted in the assessment;
- the issuing organ's symbol code ("TU", "ĐUK") and the person in post who signs.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from organizations.models import Organ, Organization, OrganKind, OrgKind, Position, PositionTitle
from resolutions.models import Directive, ProgressSummary
from resolutions.periods import Period

from ..missing import COUNTED, missing_and_late, missing_reports
from ..models import ImplementationLink, Report
from ..selectors import distinct_reports
from ..summaries import closed_period, compute_period
from .text import excerpt

#: How a Vietnamese text names the units of each kind that report ("16/17 chi bộ").
UNIT_WORDS: dict[str, str] = {
    OrgKind.CELL: "chi bộ",
    OrgKind.GRASSROOTS_CELL: "chi bộ",
    OrgKind.GRASSROOTS: "đảng bộ cơ sở",
    OrgKind.SECTION: "đảng bộ bộ phận",
    OrgKind.DISTRICT: "đảng bộ cấp huyện",
    OrgKind.BLOC: "đảng bộ khối",
    OrgKind.UPPER: "đảng bộ cấp trên cơ sở",
    OrgKind.COMMUNE: "đảng bộ xã, phường",
    OrgKind.PROVINCE: "đảng bộ tỉnh, thành phố",
}
UNITS = "đơn vị"

#: The issuer code of a committee by kind, when no organ of the unit carries one (DOMAIN §2.1).
KIND_SYMBOLS: dict[str, str] = {
    OrgKind.CENTRAL: "TW", OrgKind.PROVINCE: "TU", OrgKind.DISTRICT: "HU", OrgKind.BLOC: "ĐUK",
    OrgKind.UPPER: "ĐU", OrgKind.COMMUNE: "ĐU", OrgKind.GRASSROOTS: "ĐU", OrgKind.SECTION: "ĐU",
    OrgKind.GRASSROOTS_CELL: "CB", OrgKind.CELL: "CB",
}

#: Who signs for the Standing Committee, in order of precedence, and the title line printed.
SIGNERS: list[tuple[str, str]] = [
    (PositionTitle.SECRETARY, "BÍ THƯ"),
    (PositionTitle.STANDING_DEPUTY, "PHÓ BÍ THƯ THƯỜNG TRỰC"),
    (PositionTitle.DEPUTY, "PHÓ BÍ THƯ"),
]

QUOTES_PER_DIRECTIVE = 3


@dataclass
class TargetLine:
    """A target in the period: its own value in the period and the value to date against the pace."""

    name: str
    unit: str
    goal: Decimal
    period_value: Decimal | None
    cumulative: Decimal | None
    percent: float | None
    expected_percent: float | None  # the share of the goal the time gone calls for
    pace: str  # achieved | on_track | behind | missed | no_deadline
    deadline: dt.date | None = None
    aggregation: str = "sum"

    @property
    def behind(self) -> bool:
        return self.pace in ("behind", "missed")


@dataclass
class Quote:
    unit: str
    text: str


@dataclass
class DirectiveLine:
    """One directive's figures in the organisation's subtree for the period (names as in the read model)."""

    directive: Directive
    expected_units: int = 0
    units_reported: int = 0
    units_on_time: int = 0
    units_late: int = 0
    units_missing: int = 0
    units_pending: int = 0
    reports: int = 0
    reporting_units: int = 0
    links_done: int = 0
    links_in_progress: int = 0
    links_behind: int = 0
    links_not_started: int = 0
    unit_word: str = UNITS
    last_report_date: dt.date | None = None
    targets: list[TargetLine] = field(default_factory=list)
    late_names: list[str] = field(default_factory=list)
    missing_names: list[str] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)

    @property
    def quiet(self) -> bool:
        """Nothing to say: no unit had to report and none did."""
        return not self.expected_units and not self.reports


@dataclass
class Signer:
    title_line: str  # "BÍ THƯ"
    name: str  # "" when nobody is in post: the line is left for the signature


@dataclass
class DocumentData:
    organization: Organization
    parent: Organization | None
    period: Period
    lines: list[DirectiveLine]
    distinct_reports: int
    reporting_units: int
    issuer_code: str
    signer: Signer
    closed_at: dt.datetime | None
    amended_after_close: int
    generated: dt.date

    @property
    def active(self) -> list[DirectiveLine]:
        return [line for line in self.lines if not line.quiet]

    @property
    def quiet(self) -> list[DirectiveLine]:
        return [line for line in self.lines if line.quiet]


# --------------------------------------------------------------------------------------
# Figures: the read model
# --------------------------------------------------------------------------------------
def unit_word(kinds: tuple[str, ...] | list[str]) -> str:
    """The word for the units expected to report: one kind of unit → its word ("chi bộ"), else "đơn vị"."""
    words = {UNIT_WORDS.get(k, UNITS) for k in kinds}
    return words.pop() if len(words) == 1 else UNITS


def _line(f) -> DirectiveLine:
    """The read model's ``DirectiveFigures`` as the document's record: the same names, the same values."""
    assessed = f.assessments
    line = DirectiveLine(
        directive=f.directive, expected_units=f.expected_units, units_reported=f.units_reported,
        units_on_time=f.units_on_time, units_late=f.units_late, units_missing=f.units_missing,
        units_pending=f.units_pending, reports=f.reports, reporting_units=f.reporting_units,
        links_done=assessed.get("done", 0), links_in_progress=assessed.get("in_progress", 0),
        links_behind=assessed.get("behind", 0), links_not_started=assessed.get("not_started", 0),
        unit_word=unit_word(f.reporter_kinds), last_report_date=f.last_report_date,
    )
    for t in f.targets:
        target = t.target
        line.targets.append(TargetLine(target.name, target.unit, target.value, t.period_value, t.cumulative_value,
                                       t.percent, t.expected_percent, t.pace, target.deadline, target.aggregation))
    return line


def _figures(organization: Organization, period: Period) -> list[DirectiveLine]:
    from resolutions.dashboards.figures import figures_for

    return [_line(f) for f in figures_for(organization, period)]


# --------------------------------------------------------------------------------------
# What the rows cannot hold
# --------------------------------------------------------------------------------------
def _counted_reports(organization: Organization, period: Period):
    return Report.objects.filter(organization__path__startswith=organization.path, status__in=COUNTED,
                                 period_end__gte=period.start, period_end__lte=period.end)


def reports_total(organization: Organization, period: Period) -> tuple[int, int]:
    """(reports, units that sent them): the read model's distinct reports of the period
    (``meetings.selectors.distinct_reports``: each report once, however many directives it
    covers — N4), and the units those same reports come from."""
    units = _counted_reports(organization, period).values("organization_id").distinct().count()
    return distinct_reports(organization, period), units


def _late_and_missing(organization: Organization, period: Period) -> dict[int, tuple[list[str], list[str]]]:
    """Per directive, the names of the units late and of those missing (each unit once, in tree order).

    From ``meetings.missing.missing_and_late``, whose rules the read model's counts follow: a
    unit is missing when one of its due reports never came, late when all came and one after
    its due date. A unit is never both.
    """
    split = missing_and_late(organization=organization, period=period)
    # A unit that reported one month late and whose next report is not yet due is "not yet
    # due", not late: the reports due later than today are those with no report as of a far
    # future day, less the missing ones.
    later = {(i.directive.pk, i.unit.pk) for i in missing_reports(organization=organization, period=period,
                                                                   as_of=dt.date(9999, 1, 1)) if i.overdue}
    units: dict[int, dict[int, tuple[str, str]]] = defaultdict(dict)
    missing: dict[int, set[int]] = defaultdict(set)
    for item in split.missing:
        units[item.directive.pk][item.unit.pk] = (item.unit.path, item.unit.name)
    for item in split.late:
        if (item.directive.pk, item.unit.pk) not in later:
            units[item.directive.pk][item.unit.pk] = (item.unit.path, item.unit.name)
    for item in split.missing:
        missing[item.directive.pk].add(item.unit.pk)
    out = {}
    for directive_id, named in units.items():
        ordered = sorted((path, name, pk in missing[directive_id]) for pk, (path, name) in named.items())
        out[directive_id] = ([n for _p, n, m in ordered if not m], [n for _p, n, m in ordered if m])
    return out


def _quotes(organization: Organization, period: Period, directive_ids: list[int]) -> dict[int, list[Quote]]:
    """A few of the reports' own words on each directive, shortest first.

    The link's narrative when the reporter wrote one; otherwise the line of the report that
    cites the directive (the reports give one point a line). One quotation per unit.
    """
    links = (ImplementationLink.objects
             .filter(directive_id__in=directive_ids, report__in=_counted_reports(organization, period))
             .select_related("report__organization").prefetch_related("spans")
             .order_by("directive_id", "report__organization__path", "report_id"))
    found: dict[int, dict[str, Quote]] = defaultdict(dict)  # directive → unit → its shortest words
    for link in links:
        if link.note.strip():
            text = excerpt(link.note)
        else:
            spans = list(link.spans.all())
            if not spans:
                continue
            text = excerpt(link.report.body, (spans[0].start, spans[0].end))
        unit = link.report.organization.name
        kept = found[link.directive_id].get(unit)
        if text and (kept is None or len(text) < len(kept.text)):
            found[link.directive_id][unit] = Quote(unit, text)
    return {d: sorted(q.values(), key=lambda q: (len(q.text), q.unit))[:QUOTES_PER_DIRECTIVE] for d, q in found.items()}


def issuer_code(organization: Organization) -> str:
    """The issuer code printed after "-BC/": the symbol code of the unit's Standing Committee or
    Executive Committee (e.g. TU for a Thành ủy), else the usual code of its kind of committee.
    Never the unit's internal code."""
    organs = {o.kind: o.symbol_code for o in Organ.objects.filter(organization=organization).exclude(symbol_code="")}
    for kind in (OrganKind.STANDING_COMMITTEE, OrganKind.CENTRAL_COMMITTEE):
        if organs.get(kind):
            return organs[kind]
    if organization.kind == OrgKind.DISTRICT and (organization.short_name or organization.name).lower().startswith("quận"):
        return "QU"
    return KIND_SYMBOLS.get(organization.kind, "")


def signer(organization: Organization, day: dt.date) -> Signer:
    """The secretary in post on ``day`` signs; failing one, a deputy; nobody → the title and a blank name."""
    posts = [p for p in Position.objects.filter(organization=organization, title__in=[t for t, _l in SIGNERS])
             .select_related("person") if p.held_on(day)]
    for title, line in SIGNERS:
        for post in posts:
            if post.title == title:
                return Signer(line, post.person.full_name)
    return Signer(SIGNERS[0][1], "")


def collect(*, organization: Organization, period: Period, recompute: bool = True) -> DocumentData:
    """Everything the document prints, read once. Open periods are recomputed first (fresh figures)."""
    closed = closed_period(period)
    if recompute and closed is None:
        compute_period(period, org=organization)
    lines = _figures(organization, period)
    ids = [line.directive.pk for line in lines]
    names = _late_and_missing(organization, period)
    quotes = _quotes(organization, period, ids)
    for line in lines:
        late, missing = names.get(line.directive.pk, ([], []))
        # Names only where the figures count such units: the document never contradicts its own figures.
        line.late_names = late if line.units_late else []
        line.missing_names = missing if line.units_missing else []
        line.quotes = quotes.get(line.directive.pk, [])
    reports, units = reports_total(organization, period)
    generated = timezone.localdate()
    amended = ProgressSummary.objects.filter(organization=organization, period_kind=period.kind,
                                             period_start=period.start).values_list("amended_after_close", flat=True)
    return DocumentData(
        organization=organization, parent=Organization.objects.get_parent(organization), period=period,
        lines=lines, distinct_reports=reports, reporting_units=units, issuer_code=issuer_code(organization),
        signer=signer(organization, generated), closed_at=closed.closed_at if closed else None,
        amended_after_close=max(amended, default=0), generated=generated,
    )
