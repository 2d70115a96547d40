"""Reads of meetings and reports, always inside the user's scope.

Every selector here starts from ``scope_q(user, "organization")`` so that a report or a
meeting outside the user's subtree is simply not found (the views turn that into a 404,
never a page that reveals it exists). Joins are declared here so that list pages run the
same few queries whatever the number of rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, Prefetch, QuerySet, Value, When
from django.http import QueryDict
from django.shortcuts import get_object_or_404

from organizations.models import Organization, OrgKind
from organizations.selectors import (
    organization_children,
    primary_organization,
    scope_q,
    subtree_counts,
)
from organizations.workspace import with_endings

from .filters import ReportFilter
from .history import HistoryEntry, history
from .models import (
    CitedSpan,
    ImplementationLink,
    Meeting,
    MeetingParticipant,
    ParticipantRole,
    Report,
    ReportEvent,
    ReportStatus,
    TargetContribution,
)

HOME_REPORTS = 10
#: Columns a report list needs; the body can be long, so list pages never load it.
LIST_DEFER = ("body", "search_text", "review_note")


def scoped_reports(user) -> QuerySet[Report]:
    return Report.objects.filter(scope_q(user, "organization"))


def scoped_meetings(user) -> QuerySet[Meeting]:
    return Meeting.objects.filter(scope_q(user, "organization"))


# --- home -----------------------------------------------------------------------------------

@dataclass
class HomeSummary:
    organization: Organization | None
    children: list[Organization] = field(default_factory=list)
    kind_counts: list[tuple[str, int]] = field(default_factory=list)
    latest_reports: list[Report] = field(default_factory=list)


def home_summary(user) -> HomeSummary:
    """The user's own unit, the units directly below it, and the latest reports in scope."""
    org = primary_organization(user)
    if org is None:
        return HomeSummary(organization=None)
    counts = subtree_counts(org)
    latest = (scoped_reports(user).select_related("organization").defer(*LIST_DEFER)
              .order_by("-period_end", "-id")[:HOME_REPORTS])
    return HomeSummary(
        organization=org,
        children=with_endings(user, list(organization_children(org))),
        kind_counts=[(label, counts[value]) for value, label in OrgKind.choices if counts.get(value)],
        latest_reports=list(latest),
    )


# --- report list ----------------------------------------------------------------------------

def report_list(user, params: QueryDict | dict) -> ReportFilter:
    """Reports in scope filtered by ``params``; ``.qs`` is newest period first."""
    queryset = (scoped_reports(user).select_related("organization", "meeting").defer(*LIST_DEFER)
                .order_by("-period_end", "-id"))
    return ReportFilter(params or None, queryset=queryset, user=user)


# --- report detail --------------------------------------------------------------------------

@dataclass
class Segment:
    """A run of the report body: plain, or cited by one or more linked directives."""

    text: str
    directives: tuple[str, ...] = ()

    @property
    def cited(self) -> bool:
        return bool(self.directives)


def cited_segments(body: str, spans: list[tuple[int, int, str]]) -> list[Segment]:
    """Cut ``body`` at the cited spans (start, end, directive label).

    Overlapping spans (one phrase citing several documents, "Nghị quyết Hội nghị lần thứ 6,
    7, 8") merge into one highlighted run naming them all. Spans that fall outside the text
    (a body edited after linking) are dropped rather than highlighting the wrong words. The
    text is returned raw: the template escapes it.
    """
    valid = sorted((s, e, label) for s, e, label in spans if 0 <= s < e <= len(body))
    merged: list[list] = []
    for start, end, label in valid:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            if label not in merged[-1][2]:
                merged[-1][2].append(label)
        else:
            merged.append([start, end, [label]])
    out: list[Segment] = []
    pos = 0
    for start, end, labels in merged:
        if start > pos:
            out.append(Segment(body[pos:start]))
        out.append(Segment(body[start:end], tuple(labels)))
        pos = end
    if pos < len(body):
        out.append(Segment(body[pos:]))
    return out


@dataclass
class ReportDetail:
    report: Report
    participants: list[MeetingParticipant]
    links: list[ImplementationLink]
    segments: list[Segment]
    events: list[ReportEvent]
    attachments: list
    history: list[HistoryEntry]


def report_detail(user, pk: int) -> ReportDetail:
    """A report in scope with its meeting, links (spans, contributions), history and files.

    The history says what each event changed, field by field (``meetings.history``).
    """
    report = get_object_or_404(
        scoped_reports(user).select_related(
            "organization", "meeting__organization", "meeting__term__organization", "meeting__term__organ",
            "author", "reviewed_by",
        ),
        pk=pk,
    )
    links = list(
        report.links.select_related("directive__issuer").prefetch_related(
            Prefetch("spans", queryset=CitedSpan.objects.order_by("start")),
            Prefetch("contributions", queryset=TargetContribution.objects.select_related("target").order_by("target__name")),
        ).order_by("directive__kind", "directive__issue_date", "pk")
    )
    spans = [(span.start, span.end, link.directive.label) for link in links for span in link.spans.all()]
    participants = meeting_participants(report.meeting) if report.meeting_id else []
    events = list(report.events.select_related("actor").order_by("at", "id"))
    return ReportDetail(
        report=report,
        participants=participants,
        links=links,
        segments=cited_segments(report.body, spans),
        events=events,
        attachments=list(report.attachments.order_by("uploaded_at")),
        history=history(events),
    )


# --- meetings -------------------------------------------------------------------------------

#: Participants in the order minutes list them: the chair first, guests and attendees last.
ROLE_ORDER = Case(*(When(role=role, then=Value(i)) for i, role in enumerate(
    [ParticipantRole.CHAIR, ParticipantRole.PRESENTER, ParticipantRole.SPEAKER, ParticipantRole.GUEST,
     ParticipantRole.ATTENDEE])), default=Value(99))


def meeting_participants(meeting: Meeting) -> list[MeetingParticipant]:
    return list(meeting.participants.select_related("person", "position__organization")
                .order_by(ROLE_ORDER, "id"))


@dataclass
class MeetingDetail:
    meeting: Meeting
    participants: list[MeetingParticipant]
    reports: list[Report]


def meeting_detail(user, pk: int) -> MeetingDetail:
    meeting = get_object_or_404(
        scoped_meetings(user).select_related("organization", "term__organization", "term__organ", "created_by"),
        pk=pk,
    )
    reports = (scoped_reports(user).filter(meeting=meeting).select_related("organization")
               .defer(*LIST_DEFER).order_by("-period_end", "-id"))
    return MeetingDetail(meeting=meeting, participants=meeting_participants(meeting), reports=list(reports))


# --- figures across directives -------------------------------------------------------------

def distinct_reports(organization: Organization, period) -> int:
    """Reports in the period: distinct reports submitted or accepted in ``organization``'s
    subtree whose reporting period ends inside ``period``, whatever they are linked to.

    Each report counts once. The per-directive figure "reports on the directive"
    (``resolutions.dashboards.figures``) counts a report once for every directive it is
    linked to, so the sum over directives is not this number (the glossary "Cách tính"
    defines both). Not scoped to a user: the caller has checked ``organization``'s scope.
    """
    return Report.objects.filter(
        organization__path__startswith=organization.path, status__in=(ReportStatus.SUBMITTED, ReportStatus.ACCEPTED),
        period_end__gte=period.start, period_end__lte=period.end).count()
