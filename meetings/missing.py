"""Missing reports: for each assignment and period, the units that have not reported by the due date.

*Selector* ``missing_reports`` — leaders read it in the app (scoped to their subtree).
*Service* ``missing_digest_send`` — staff of late units get **one** e-mail digest listing all
their late items (never one e-mail per item); a digest is sent at most once a day per user,
so a retried task does not send it twice.

A unit "has reported" a frequency period when it has a submitted or accepted report linked
to the directive whose period ends inside that frequency period; it is *missing* when no such
report was submitted before the end of the due date (period end + ``due_days``). Items
carry the late submission, if any, so a list can show "reported late on …".
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
        return self.submitted_late_at is None


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
            reports = Report.objects.filter(status__in=COUNTED, links__directive_id=a.directive_id,
                                            period_end__gte=f.start, period_end__lte=f.end)
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
    """Staff users responsible for each late unit: staff of the unit itself or of the unit directly above."""
    paths = {i.unit.path for i in items} | {i.unit.path[: -Organization.steplen] for i in items if i.unit.depth > 1}
    roles = (Role.objects.filter(kind=RoleKind.STAFF, organization__path__in=paths, user__is_active=True)
             .values_list("user_id", "organization__path"))
    users_by_path: dict[str, set[int]] = defaultdict(set)
    for user_id, path in roles:
        users_by_path[path].add(user_id)
    out: dict[int, list[MissingItem]] = defaultdict(list)
    for item in items:
        for path in (item.unit.path, item.unit.path[: -Organization.steplen]):
            for user_id in users_by_path.get(path, ()):
                if item not in out[user_id]:
                    out[user_id].append(item)
    return out


def missing_digest_send(*, actor, today: dt.date | None = None, lookback_days: int = 31) -> int:
    """E-mail every staff user one digest of their units' overdue reports; returns e-mails sent."""
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
