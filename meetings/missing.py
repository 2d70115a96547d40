"""Missing reports: for each assignment and period, the units that have not reported by the due date.

*Selector* ``missing_reports`` — leaders read it in the app (scoped to their subtree).
*Service* ``missing_digest_send`` — the staff and leaders of each late unit, and the staff of
the nearest office above it, get **one** e-mail digest listing all their late items (never one e-mail per item); a digest is sent at most once a day per user,
so a retried task does not send it twice.

A report is *for* a frequency period when it is submitted or accepted, linked to the
directive, and its reporting period ends inside that frequency period (and inside the
summary period asked for: the rule of ``meetings.summaries``, whose unit counts these items
explain). Each item is one report due whose due date (period end + ``due_days``) has passed
without a report by then: **missing** (``overdue``) when none came at all, **late** when one
came after the due date — never both, and a late report is never called missing
(``resolutions.dashboards.figures.GLOSSARY`` defines both). ``MissingAndLate`` splits a list
into the two, with the counts the summary page shows.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db.models import Min, Q
from django.template.loader import render_to_string
from django.utils import timezone

from organizations.actors import require_job_actor
from organizations.models import Organization, Role, RoleKind
from resolutions import periods as P
from resolutions.models import Assignment, Directive
from resolutions.periods import Period

from .models import Report, ReportStatus

logger = logging.getLogger(__name__)

COUNTED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


@dataclass(frozen=True)
class MissingItem:
    assignment_id: int
    directive: Directive
    unit: Organization
    period: Period  # the frequency period the report is for
    due: dt.date
    submitted_late_at: dt.datetime | None = None

    @property
    def overdue(self) -> bool:
        """Missing: no report came (a late one is not missing)."""
        return self.submitted_late_at is None

    @property
    def late(self) -> bool:
        """Reported, after the due date."""
        return self.submitted_late_at is not None


@dataclass
class MissingAndLate:
    """Reports due in a period that never came (``missing``) and those that came late (``late``)."""

    missing: list[MissingItem]
    late: list[MissingItem]

    @classmethod
    def of(cls, items: list[MissingItem]) -> MissingAndLate:
        return cls([i for i in items if i.overdue], [i for i in items if i.late])

    @property
    def units_missing(self) -> int:
        """Units with at least one missing report (the summaries' "missing" units)."""
        return len({(i.directive.pk, i.unit.pk) for i in self.missing})

    @property
    def units_late(self) -> int:
        """Units with at least one late report."""
        return len({(i.directive.pk, i.unit.pk) for i in self.late})


def _cutoff(due: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1), dt.time.min))


def _assignments_for(organization: Organization | None):
    qs = Assignment.objects.select_related("organization", "directive").order_by("directive_id", "id")
    if organization is not None:
        # The assignment's subtree and the organisation's subtree intersect: one contains the other.
        ancestors = [organization.path[:i] for i in range(Organization.steplen, len(organization.path) + 1,
                                                          Organization.steplen)]
        qs = qs.filter(Q(organization__path__in=ancestors) | Q(organization__path__startswith=organization.path))
    return qs


def missing_and_late(*, organization: Organization, period: Period, as_of: dt.date | None = None) -> MissingAndLate:
    """The reports due in ``period`` in ``organization``'s subtree that never came, and those that came late."""
    return MissingAndLate.of(missing_reports(organization=organization, period=period, as_of=as_of))


def missing_reports(*, organization: Organization | None = None, period: Period | None = None,
                    as_of: dt.date | None = None, lookback_days: int = 31,
                    include_late: bool = True) -> list[MissingItem]:
    """Units in ``organization``'s subtree missing a report.

    With ``period``: every frequency period of every assignment ending inside it whose due
    date has passed by ``as_of``. Without: those whose due date fell in the last
    ``lookback_days`` days.
    """
    as_of = as_of or timezone.localdate()
    items: list[MissingItem] = []
    for a in _assignments_for(organization):
        if period is not None:
            candidates = P.periods_ending_within(a.frequency, period.start, period.end)
        else:
            window_start = as_of - dt.timedelta(days=lookback_days + a.due_days)
            candidates = P.periods_ending_within(a.frequency, window_start, as_of)
        for f in candidates:
            due = f.end + dt.timedelta(days=a.due_days)
            if f.end < a.start or (a.end and f.start > a.end) or due >= as_of:
                continue
            if period is None and due < as_of - dt.timedelta(days=lookback_days):
                continue
            units = Organization.objects.filter(
                Q(valid_to__isnull=True) | Q(valid_to__gte=f.start),
                Q(valid_from__isnull=True) | Q(valid_from__lte=f.end),
            )
            if a.reporter_kind:
                units = units.filter(kind=a.reporter_kind, path__startswith=a.organization.path)
            else:
                units = units.filter(pk=a.organization_id)
            if organization is not None:
                units = units.filter(path__startswith=organization.path)
            # Inside the summary period too (a quarterly assignment in a month's list): the
            # reports the summaries count.
            first = max(f.start, period.start) if period is not None else f.start
            reports = Report.objects.filter(status__in=COUNTED, links__directive_id=a.directive_id,
                                            period_end__gte=first, period_end__lte=f.end)
            on_time = reports.filter(submitted_at__lt=_cutoff(due)).values("organization_id")
            late = dict(reports.filter(organization__in=units).values("organization_id")
                        .annotate(first=Min("submitted_at")).values_list("organization_id", "first"))
            for unit in units.exclude(pk__in=on_time).order_by("path"):
                late_at = late.get(unit.pk)
                if late_at is not None and not include_late:
                    continue  # reported, only late
                items.append(MissingItem(a.id, a.directive, unit, f, due, late_at))
    items.sort(key=lambda i: (i.due, i.unit.path, i.directive.pk))
    return _dedupe(items)


def _dedupe(items: list[MissingItem]) -> list[MissingItem]:
    """Two assignments may expect the same unit for the same directive and period: list it once."""
    seen = set()
    out = []
    for item in items:
        key = (item.directive.pk, item.unit.pk, item.period.kind, item.period.start)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def digest_recipients(items: list[MissingItem]) -> dict[int, list[MissingItem]]:
    """Who must act on each late unit: its own staff and leaders, and for follow-up the staff
    of the nearest unit above it that has any (or, where none has, the nearest leaders above).

    Cells and many grassroots units have no accounts of their own; their reports are entered
    by the office of a committee one, two or three levels up. Sending only to the unit and its
    direct parent reached nobody for most late cells (58 of the demo's 66 items on 7 January
    2020), and never a leader.
    """
    step = Organization.steplen
    ancestry = {i.unit.path: [i.unit.path[:n] for n in range(len(i.unit.path) - step, 0, -step)] for i in items}
    paths = set(ancestry) | {p for chain in ancestry.values() for p in chain}
    roles = (Role.objects.filter(kind__in=[RoleKind.STAFF, RoleKind.LEADER], organization__path__in=paths,
                                 organization__valid_to__isnull=True, user__is_active=True)
             .values_list("user_id", "kind", "organization__path"))
    own: dict[str, set[int]] = defaultdict(set)
    staff: dict[str, set[int]] = defaultdict(set)
    leaders: dict[str, set[int]] = defaultdict(set)
    for user_id, kind, path in roles:
        own[path].add(user_id)
        (staff if kind == RoleKind.STAFF else leaders)[path].add(user_id)
    out: dict[int, list[MissingItem]] = defaultdict(list)
    for item in items:
        chain = ancestry[item.unit.path]
        # The nearest office above with staff follows it up; where none has any, the nearest
        # leaders above do (someone always hears of a late unit).
        follow_up = (next((staff[p] for p in chain if staff.get(p)), None)
                     or next((leaders[p] for p in chain if leaders.get(p)), set()))
        for user_id in own.get(item.unit.path, set()) | follow_up:
            if item not in out[user_id]:
                out[user_id].append(item)
    return out


def missing_digest_send(*, actor, today: dt.date | None = None, lookback_days: int = 31) -> int:
    """E-mail everyone who must act one digest of their units' overdue reports; returns e-mails sent."""
    require_job_actor(actor)
    from django.contrib.auth import get_user_model

    today = today or timezone.localdate()
    items = [i for i in missing_reports(as_of=today, lookback_days=lookback_days) if i.overdue]
    by_user = digest_recipients(items)
    users = get_user_model().objects.in_bulk(list(by_user))
    sent = 0
    for user_id, user_items in sorted(by_user.items()):
        user = users.get(user_id)
        if user is None or not user.email:
            continue
        if not cache.add(f"missing-digest:{today.isoformat()}:{user_id}", 1, timeout=2 * 24 * 3600):
            continue  # already sent today (e.g. the task was retried)
        context = {"user": user, "items": user_items, "today": today}
        subject = f"[Theo dõi Nghị quyết] {len(user_items)} báo cáo chưa gửi đúng hạn ({today:%d/%m/%Y})"
        body = render_to_string("summaries/missing_digest.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        sent += 1
    logger.info("missing-report digest: %s items, %s e-mails", len(items), sent)
    return sent
