"""The review workflow: submit, accept, return — each from the version the user saw, never self-reviewed."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Organization, RoleKind
from organizations.selectors import can_access
from organizations.text import clean_text

from ..models import (
    Report,
    ReportAction,
    ReportStatus,
)
from .common import (
    EDITABLE,
    EDITOR_ROLES,
    ConcurrentEditError,
    _event,
)

# --- Workflow ---------------------------------------------------------------------------------

#: Actions by which someone wrote part of a report: whoever did one of them is one of its authors.
WRITING_ACTIONS = (ReportAction.CREATED, ReportAction.EDITED, ReportAction.LINKED, ReportAction.UNLINKED,
                   ReportAction.LINKS, ReportAction.ATTACHED, ReportAction.SUBMITTED)


def is_report_author(user, report: Report) -> bool:
    """Whether the user wrote, changed or submitted the report: such a user never reviews it."""
    if getattr(user, "pk", None) is None:
        return False
    if report.author_id == user.pk:
        return True
    return report.events.filter(actor_id=user.pk, action__in=WRITING_ACTIONS).exists()


def _leader_above(user, report: Report) -> bool:
    parent = Organization.objects.get_parent(report.organization)
    return parent is not None and can_access(user, parent, kinds=[RoleKind.LEADER])


def can_review_report(user, report: Report) -> bool:
    """A leader whose role covers the parent of the report's organisation (the organisation
    above), who did not write the report: nobody approves their own work."""
    if report.status != ReportStatus.SUBMITTED:
        return False
    return _leader_above(user, report) and not is_report_author(user, report)


def _check_reviewer(actor, report: Report, message: str) -> None:
    if not _leader_above(actor, report):
        raise PermissionDenied(message)
    if is_report_author(actor, report):
        raise PermissionDenied(_("You wrote or changed this report, so you cannot review it: "
                                 "another leader of the organisation above must."))


def _transition(report: Report, actor, status: str, action: str, note: str = "", **extra) -> Report:
    old = report.status
    report.status = status
    for name, value in extra.items():
        setattr(report, name, value)
    report.version += 1  # the row is locked (select_for_update): no concurrent increment to lose
    report.save(update_fields=["status", "version", "updated_at", *extra])
    _event(report, actor, action, {"status": [old, status]}, note=note)
    _enqueue_summary_refresh(report)
    return report


def _enqueue_summary_refresh(report: Report) -> None:
    """Ask the summary jobs to refresh the report's ancestors once this transaction commits."""
    from ..summaries import enqueue_refresh

    enqueue_refresh(report)


@transaction.atomic
def report_submit(*, actor, report_id: int, expected_version: int) -> Report:
    """Submit the version the user saw (a report changed since is refused: they must read it again)."""
    report = Report.objects.select_for_update(of=("self",)).select_related("organization").get(pk=report_id)
    if not can_access(actor, report.organization, kinds=EDITOR_ROLES):
        raise PermissionDenied(_("You cannot submit reports of this organisation."))
    if report.version != expected_version:
        raise ConcurrentEditError(report)
    if report.status not in EDITABLE:
        raise ValidationError(_("Only a draft or returned report can be submitted."))
    if not report.body.strip():
        raise ValidationError(_("An empty report cannot be submitted."))
    # What is submitted must satisfy today's rules (a period stored before they existed, a
    # year 9999, is refused here with the reason instead of reaching the summaries).
    report.full_clean()
    return _transition(report, actor, ReportStatus.SUBMITTED, ReportAction.SUBMITTED, submitted_at=timezone.now())


@transaction.atomic
def report_accept(*, actor, report_id: int, expected_version: int) -> Report:
    """Accept the version the leader read; never by one of the report's own authors."""
    report = Report.objects.select_for_update(of=("self",)).select_related("organization").get(pk=report_id)
    _check_reviewer(actor, report, _("Only a leader of the organisation above can accept this report."))
    if report.version != expected_version:
        raise ConcurrentEditError(report)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be accepted."))
    return _transition(report, actor, ReportStatus.ACCEPTED, ReportAction.ACCEPTED,
                       reviewed_at=timezone.now(), reviewed_by=actor, review_note="")


@transaction.atomic
def report_return(*, actor, report_id: int, expected_version: int, reason: str) -> Report:
    """Return the version the leader read, with a reason; never by one of the report's own authors."""
    reason = clean_text(reason).strip()
    report = Report.objects.select_for_update(of=("self",)).select_related("organization").get(pk=report_id)
    _check_reviewer(actor, report, _("Only a leader of the organisation above can return this report."))
    if report.version != expected_version:
        raise ConcurrentEditError(report)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be returned."))
    if not reason:
        raise ValidationError({"reason": _("Say why the report is returned.")})
    return _transition(report, actor, ReportStatus.RETURNED, ReportAction.RETURNED, note=reason,
                       reviewed_at=timezone.now(), reviewed_by=actor, review_note=reason)
