"""A summary row dressed for display (``FigureRow``): the same shape for a directive or a unit.

Every table of the dashboards draws these — a unit's directives, a directive's units, the
matrix's cells: the figures with their status and coverage, targets and trend, and the
order that puts what needs attention first.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import cached_property

from organizations.models import Organization

from ..models import Directive, ProgressSummary
from .records import DirectiveInfo, Figures, UnitInfo
from .status import Status, classify, coverage
from .targets import TargetFigure
from .trends import Spark, TrendPoint, trend_direction


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
        """Units that reported after a due date ("late" in ``figures.GLOSSARY``): a unit whose
        report never came is missing, not late (``missing_units``)."""
        return self.summary.units_late

    @property
    def missing_units(self) -> int:
        return self.summary.units_overdue

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


def _figure_row(s: ProgressSummary | Figures, org: Organization | UnitInfo,
                directive: Directive | DirectiveInfo | None = None) -> FigureRow:
    if directive is not None:
        return FigureRow(summary=s, directive=directive, organization=org, status=classify(s), coverage=coverage(s))
    return FigureRow(summary=s, directive=s.directive, organization=org, status=classify(s), coverage=coverage(s))
