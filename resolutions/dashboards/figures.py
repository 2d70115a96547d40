"""The read model of figures: every figure a user sees of an organisation × directive × period.

Why one module: the dashboard, the directive page, the matrix, the summary page, the
missing-reports list and the summary document used to compute their own figures with their
own words, and the same figure differed from screen to screen (issue 14). Each figure has
here one name and one definition (``GLOSSARY``, which the "Cách tính" page shows users);
every surface reads ``DirectiveFigures`` (or, on the dashboards' hot tables, the same
``ProgressSummary`` columns through ``classify``/``target_figure``, which implement these
definitions).

The unit classification (on time / late / missing / pending) is computed once, by the
summary job (``meetings.summaries`` and its PostgreSQL path ``meetings.summaries_bulk``),
and ``meetings.missing`` lists the reports behind it with the same rules. This module only
reads the precomputed ``ProgressSummary``/``TargetProgress`` rows, in a fixed number of
queries. A cross-directive total — the distinct reports of the period in a subtree — cannot
come from per-directive rows: it is ``meetings.selectors.distinct_reports`` (``resolutions``
never imports ``meetings``), and the glossary cites it.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization, OrgKind

from ..models import Assignment
from ..periods import Period
from .records import DIRECTIVE_INFO_FIELDS, FIGURE_FIELDS, DirectiveInfo, Figures, _summaries
from .status import Status, classify, coverage
from .targets import TargetFigure, target_figures, target_values_both, targets_for


@dataclass(frozen=True)
class GlossaryEntry:
    """One figure's name and definition, as the "Cách tính" page shows them."""

    key: str
    name: str | Promise
    definition: str | Promise


#: Every figure a user sees, in the order the glossary page lists them. The definitions are
#: the rules the code applies (the summary SQL, ``classify``, ``target_figure``): change one
#: and change the other.
GLOSSARY: tuple[GlossaryEntry, ...] = (
    GlossaryEntry("expected_units", _("Units expected to report"), _(
        "The units that must report on the directive in the period: every unit of the kind the "
        "assignment names (for example every party cell) in the assigned subtree, or the assigned "
        "organisation itself. A unit counts once however many reports are due from it in the period.")),
    GlossaryEntry("reporter_kind", _("Who reports"), _(
        "The kind of unit the assignment expects to report. Other units may send reports too; "
        "they are counted in the reports, not in the expected units.")),
    GlossaryEntry("units_on_time", _("On time"), _(
        "Expected units that sent every report due from them in the period by its due date "
        "(the end of the reporting period plus the days the assignment allows).")),
    GlossaryEntry("units_late", _("Late"), _(
        "Expected units that sent every report due in the period, at least one of them after its "
        "due date. A late report is late, never missing. A directive no unit had to report on is never late.")),
    GlossaryEntry("units_reported", _("Reported"), _(
        "Expected units that sent every report due in the period: on time plus late.")),
    GlossaryEntry("units_missing", _("Missing"), _(
        "Expected units from which at least one report due in the period never came, although "
        "its due date has passed. Only a report that never came is missing.")),
    GlossaryEntry("units_pending", _("Not yet due"), _(
        "Expected units that have not sent a report which is still within its due date, and "
        "have missed none.")),
    GlossaryEntry("coverage", _("Coverage"), _(
        "Units that reported (on time or late) as a share of the expected units.")),
    GlossaryEntry("reports", _("Reports on the directive"), _(
        "Reports submitted or accepted in the subtree whose reporting period ends in the period and "
        "that are linked to the directive. A report linked to several directives counts once for each.")),
    GlossaryEntry("distinct_reports", _("Reports in the period"), _(
        "Distinct reports submitted or accepted in the subtree whose reporting period ends in the "
        "period, whatever directives they are linked to: each report counts once. This is not the "
        "sum of the reports on each directive.")),
    GlossaryEntry("assessments", _("Assessments in the reports"), _(
        "What the reports say of the work on the directive (not started, in progress, behind "
        "schedule, completed). \"Behind schedule\" is the report's own assessment of the work, "
        "not a late report.")),
    GlossaryEntry("status", _("Status"), _(
        "One word for the row, the first that applies: Overdue when some unit is missing a report; "
        "Late when some expected unit reported after its due date; Not started when no report came "
        "and none is due; In progress while reports are not yet due or the reports say the work goes "
        "on; On time when every expected unit reported by its due date.")),
    GlossaryEntry("period_value", _("Target: in the period"), _(
        "What the reports of the period contributed to the target, added up as the target says "
        "(sum, highest or latest value).")),
    GlossaryEntry("cumulative_value", _("Target: to the end of the period"), _(
        "The target's value from the start of the term to the end of the period, added up the same way.")),
    GlossaryEntry("pace", _("Target: pace needed"), _(
        "The share of the goal that should have been reached by the end of the period if the work "
        "went evenly from the target's start to its deadline. The start is the one set on the target, "
        "else the start of its assignment, else the directive's issue date. A target is behind when "
        "its value to date is below this share.")),
)


def glossary() -> list[GlossaryEntry]:
    """The entries in the user's language (the page renders them)."""
    return [GlossaryEntry(e.key, str(e.name), str(e.definition)) for e in GLOSSARY]


@dataclass
class DirectiveFigures:
    """Every figure of one directive in one organisation's whole subtree for one period.

    The attributes' definitions are ``GLOSSARY``'s, by the same names.
    """

    organization: Organization
    directive: DirectiveInfo
    period: Period
    expected_units: int
    units_on_time: int
    units_late: int
    units_missing: int
    units_pending: int
    reports: int
    #: Links of the period's reports to the directive, by the reports' own assessment.
    assessments: dict[str, int]
    #: Units that sent a report on the directive, expected or not.
    reporting_units: int
    last_report_date: dt.date | None
    status: Status
    #: The kinds of unit expected to report (``OrgKind`` values), from the assignments.
    reporter_kinds: tuple[str, ...] = ()
    targets: list[TargetFigure] = field(default_factory=list)
    #: Reports changed after the period was closed (its figures are frozen).
    amended_after_close: int = 0

    @property
    def units_reported(self) -> int:
        """Expected units that sent every report due in the period: on time + late."""
        return self.units_on_time + self.units_late

    @property
    def coverage(self) -> float | None:
        """Units reported as a share of the expected units (percent), None when none is expected."""
        return coverage(self)

    @property
    def reported_units(self) -> int:  # the summary rows' name, for ``coverage``
        return self.units_reported

    @property
    def reporter_kind(self) -> str:
        """The kind of unit expected to report ("" when several kinds or none)."""
        return self.reporter_kinds[0] if len(self.reporter_kinds) == 1 else ""

    @property
    def reporter_label(self) -> str:
        """Who reports, in the user's language ("Chi bộ"; several kinds joined by commas)."""
        labels = dict(OrgKind.choices)
        return ", ".join(str(labels.get(k, k)) for k in self.reporter_kinds)

    @property
    def links_behind(self) -> int:
        """Links whose report assesses the work as behind schedule (an assessment, not lateness)."""
        return self.assessments.get("behind", 0)


def _reporter_kinds(org: Organization, directive_ids: Collection[int]) -> dict[int, tuple[str, ...]]:
    """directive → the kinds of unit its assignments covering ``org`` expect to report. One query."""
    step = Organization.steplen
    ancestors = [org.path[:i] for i in range(step, len(org.path) + 1, step)]
    rows = (Assignment.objects.filter(directive_id__in=list(directive_ids))
            .filter(Q(organization__path__in=ancestors) | Q(organization__path__startswith=org.path))
            .values_list("directive_id", "reporter_kind", "organization__kind"))
    out: dict[int, set[str]] = defaultdict(set)
    for directive_id, reporter_kind, assigned_kind in rows:
        out[directive_id].add(reporter_kind or assigned_kind)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def directive_figures(org: Organization, f: Figures, info: DirectiveInfo, period: Period,
                      reporter_kinds: tuple[str, ...] = (), targets: list[TargetFigure] | None = None) -> DirectiveFigures:
    """A summary row as ``DirectiveFigures`` (no query)."""
    return DirectiveFigures(
        organization=org, directive=info, period=period, expected_units=f.expected_units,
        units_on_time=f.units_on_time, units_late=f.units_late, units_missing=f.units_overdue,
        units_pending=f.units_pending, reports=f.reports,
        assessments={"not_started": f.links_not_started, "in_progress": f.links_in_progress,
                     "behind": f.links_behind, "done": f.links_done},
        reporting_units=f.reporting_units, last_report_date=f.last_report_date, status=classify(f),
        reporter_kinds=reporter_kinds, targets=targets or [])


def figures_for(organization: Organization, period: Period, directive_ids: Collection[int] | None = None,
                today: dt.date | None = None) -> list[DirectiveFigures]:
    """Every directive's figures in ``organization``'s subtree for ``period``, in register order.

    Four queries whatever the data: the summary rows with their directives, who reports
    (the assignments), the targets, and their values (the period's own and cumulative).
    """
    qs = _summaries(period).filter(organization=organization)
    if directive_ids is not None:
        qs = qs.filter(directive_id__in=list(directive_ids))
    qs = qs.order_by("directive__kind", "directive__number", "directive_id")
    n = len(FIGURE_FIELDS)
    rows = []
    for v in qs.values_list(*FIGURE_FIELDS, "amended_after_close", *DIRECTIVE_INFO_FIELDS):
        f = Figures(*v[:n])
        rows.append((f, v[n], DirectiveInfo(f.directive_id, *v[n + 1:])))
    if not rows:
        return []
    ids = [f.directive_id for f, _amended, _info in rows]
    kinds = _reporter_kinds(organization, ids)
    targets = targets_for(ids, organization)
    values = target_values_both([organization.pk], [t for ts in targets.values() for t in ts], period)
    out = []
    for f, amended, info in rows:
        figures = directive_figures(organization, f, info, period, kinds.get(f.directive_id, ()),
                                    target_figures(targets.get(f.directive_id, []), values, organization.pk, info,
                                                   period, today))
        figures.amended_after_close = amended
        out.append(figures)
    return out
