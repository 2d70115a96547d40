"""A summary row's status and four-way classification, its coverage, and the words every row repeats.

``classify`` gives a row one overall status, worst first (what a leader must act on);
``segments`` is the government's four-way classification as the parts of a bar;
``coverage`` the share of expected units that reported. ``words`` translates the labels of
all of them once per language: a national page draws thousands.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.models import OrgKind

from ..models import ProgressSummary
from .records import Figures


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
    # The glossary's names (``figures.GLOSSARY``): one name a figure everywhere.
    "on_time": gettext_lazy("On time"),
    "late": gettext_lazy("Late"),
    "in_progress": gettext_lazy("Not yet due"),
    "overdue": gettext_lazy("Missing"),
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
            "cumulative": _("to the end of the period"),
            "in_period": _("in the period"),
        })
        if language:
            _WORDS[language] = found
    return found


def classify(s: ProgressSummary | Figures) -> Status:
    """One overall status for a summary row, worst first (what a leader must act on).

    The definitions (``resolutions.dashboards.figures.GLOSSARY``): "overdue" when some
    expected unit's report never came by its due date; "late" only when some unit was
    expected and reported after its due date — a report's own assessment "behind schedule"
    (``links_behind``) is what the report says of the work, not lateness, and a directive
    no unit had to report on is never late; "not started" when nothing came and nothing was
    due; "in progress" while expected units are still within their due date or the links
    say work goes on; "on time" when every expected unit reported by its due date.
    """
    st = STATUSES
    if s.units_overdue:
        return st["overdue"]
    if s.expected_units and s.units_late:
        return st["late"]
    if not s.reports and not s.reported_units:
        return st["not_started"]
    if not s.expected_units:
        # Reports came though none was due: nothing to be on time or late for.
        return st["in_progress"]
    if (s.units_pending or s.reported_units < s.expected_units or s.links_in_progress or s.links_not_started
            or s.links_behind):
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
