"""Writes for meetings and reports: entry, linking, the review workflow, attachments, history.

Rules enforced here (never in views or forms):
- staff (or admins) create and edit only for organisations their role covers;
- a report is editable while draft or returned; once submitted it is read-only to its author;
- a leader of an organisation *above* the report's organisation accepts it or returns it
  with a reason;
- every save checks the version the user started from (optimistic locking) and records
  who changed what;
- every text is NFC-normalised before it is stored.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Organization, RoleKind
from organizations.selectors import can_access
from organizations.text import clean_input, search_key
from resolutions.models import Directive, Target

from .extract import extract_text
from .models import (
    Assessment,
    Attachment,
    CitedSpan,
    ImplementationLink,
    Meeting,
    MeetingParticipant,
    Report,
    ReportAction,
    ReportEvent,
    ReportStatus,
    TargetContribution,
)

EDITOR_ROLES = (RoleKind.STAFF, RoleKind.ADMIN)
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
REPORT_FIELDS = ("title", "body", "kind", "period_kind", "period_start", "period_end", "meeting_id", "organization_id")


class ConcurrentEditError(Exception):
    """Someone saved the report after the user opened it; carries the stored version."""

    def __init__(self, current: Report):
        super().__init__(_("Someone else saved this report while you were editing it."))
        self.current = current


def _require(actor, org: Organization, kinds, message: str) -> None:
    if not can_access(actor, org, kinds=kinds):
        raise PermissionDenied(message)


def can_edit_report(user, report: Report) -> bool:
    return report.status in EDITABLE and can_access(user, report.organization, kinds=EDITOR_ROLES)


def can_review_report(user, report: Report) -> bool:
    """A leader whose role covers the parent of the report's organisation (the organisation above)."""
    if report.status != ReportStatus.SUBMITTED:
        return False
    parent = Organization.objects.get_parent(report.organization)
    return parent is not None and can_access(user, parent, kinds=[RoleKind.LEADER])


def _event(report: Report, actor, action: str, changes: dict | None = None, note: str = "") -> ReportEvent:
    return ReportEvent.objects.create(report=report, actor=actor if getattr(actor, "pk", None) else None,
                                      action=action, version=report.version, changes=changes or {}, note=note)


def _jsonable(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# --- Meetings ---------------------------------------------------------------------------------

@dataclass
class ParticipantInput:
    person_id: int
    role: str
    position_id: int | None = None
    position_label: str = ""


@transaction.atomic
def meeting_create(*, actor, organization: Organization, kind: str, title: str, date: dt.date,
                   term=None, sequence: int | None = None, place: str = "", attendance: int | None = None,
                   expected_attendance: int | None = None, date_year_inferred: bool = False,
                   participants: list[ParticipantInput] = ()) -> Meeting:
    _require(actor, organization, EDITOR_ROLES, _("You cannot record meetings for this organisation."))
    meeting = Meeting(organization=organization, kind=kind, title=clean_input(title).strip(), date=date, term=term,
                      sequence=sequence, place=clean_input(place).strip(), attendance=attendance,
                      expected_attendance=expected_attendance, date_year_inferred=date_year_inferred,
                      created_by=actor)
    meeting.full_clean()
    meeting.save()
    _set_participants(meeting, participants)
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, participants: list[ParticipantInput] | None = None, **fields) -> Meeting:
    _require(actor, meeting.organization, EDITOR_ROLES, _("You cannot edit meetings of this organisation."))
    for name, value in fields.items():
        setattr(meeting, name, clean_input(value).strip() if isinstance(value, str) else value)
    _require(actor, meeting.organization, EDITOR_ROLES, _("You cannot move a meeting outside your organisations."))
    meeting.full_clean()
    meeting.save()
    if participants is not None:
        meeting.participants.all().delete()
        _set_participants(meeting, participants)
    return meeting


def _set_participants(meeting: Meeting, participants) -> None:
    for p in participants:
        row = MeetingParticipant(meeting=meeting, person_id=p.person_id, role=p.role, position_id=p.position_id,
                                 position_label=clean_input(p.position_label).strip())
        row.full_clean()
        row.save()


# --- Reports ----------------------------------------------------------------------------------

@transaction.atomic
def report_create(*, actor, organization: Organization, kind: str, period_kind: str, period_start: dt.date,
                  period_end: dt.date, title: str, body: str, meeting: Meeting | None = None) -> Report:
    """Create a draft report for an organisation the actor's staff/admin role covers."""
    _require(actor, organization, EDITOR_ROLES, _("You cannot create reports for this organisation."))
    report = Report(organization=organization, meeting=meeting, kind=kind, period_kind=period_kind,
                    period_start=period_start, period_end=period_end, title=clean_input(title).strip(),
                    body=clean_input(body), author=actor, status=ReportStatus.DRAFT)
    report.search_text = search_key(f"{report.title} {report.body}")
    report.full_clean()
    report.save()
    _event(report, actor, ReportAction.CREATED)
    return report


@transaction.atomic
def report_update(*, actor, report_id: int, expected_version: int, **fields) -> Report:
    """Save edits made from ``expected_version``; refuse (ConcurrentEditError) if someone saved since.

    The version check and the increment happen in one UPDATE, so two saves racing on the
    same version cannot both win.
    """
    report = Report.objects.select_for_update().select_related("organization").get(pk=report_id)
    if not can_access(actor, report.organization, kinds=EDITOR_ROLES):
        raise PermissionDenied(_("You cannot edit reports of this organisation."))
    if report.version != expected_version:
        raise ConcurrentEditError(report)
    if report.status not in EDITABLE:
        raise ValidationError(_("A submitted or accepted report can no longer be edited."))
    changes = {}
    for name, value in fields.items():
        if name not in REPORT_FIELDS:
            raise ValueError(f"not an editable report field: {name}")
        if isinstance(value, str):
            value = clean_input(value)
            if name == "title":
                value = value.strip()
        old = getattr(report, name)
        if old != value:
            changes[name] = [_jsonable(old), _jsonable(value)]
            setattr(report, name, value)
    if "organization_id" in changes:
        _require(actor, report.organization, EDITOR_ROLES, _("You cannot move a report outside your organisations."))
    report.search_text = search_key(f"{report.title} {report.body}")
    report.full_clean()
    if not changes:
        return report
    updated = Report.objects.filter(pk=report.pk, version=expected_version).update(
        **{name: getattr(report, name) for name in fields}, search_text=report.search_text,
        version=F("version") + 1, updated_at=timezone.now())
    if not updated:  # pragma: no cover - guarded by select_for_update above; kept for SQLite
        raise ConcurrentEditError(Report.objects.get(pk=report.pk))
    report.refresh_from_db()
    if "body" in changes:
        changes["body"] = [f"{len(changes['body'][0])} chars", f"{len(changes['body'][1])} chars"]
        _drop_stale_spans(report)
    _event(report, actor, ReportAction.EDITED, changes)
    return report


def _drop_stale_spans(report: Report) -> None:
    """Cited spans whose text no longer matches the edited body are removed (the link stays)."""
    stale = [s.pk for s in CitedSpan.objects.filter(link__report=report) if report.body[s.start:s.end] != s.text]
    CitedSpan.objects.filter(pk__in=stale).delete()


@dataclass
class LinkInput:
    """What the user confirmed for one directive in the report form."""

    directive_id: int
    assessment: str = Assessment.IN_PROGRESS
    note: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)
    contributions: dict[int, str | Decimal] = field(default_factory=dict)


@transaction.atomic
def report_set_links(*, actor, report: Report, links: list[LinkInput]) -> list[ImplementationLink]:
    """Replace the report's links with exactly ``links`` (confirmed, removed or added by the user)."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not can_edit_report(actor, report):
        raise PermissionDenied(_("This report cannot be changed now."))
    wanted = {item.directive_id: item for item in links}
    if len(wanted) != len(links):
        raise ValidationError(_("A directive is linked twice."))
    directives = Directive.objects.in_bulk(list(wanted))
    missing = set(wanted) - set(directives)
    if missing:
        raise ValidationError(_("Unknown directive: %(ids)s") % {"ids": ", ".join(map(str, sorted(missing)))})
    existing = {link.directive_id: link for link in report.links.all()}
    removed = [d for d in existing if d not in wanted]
    for directive_id in removed:
        existing[directive_id].delete()
        _event(report, actor, ReportAction.UNLINKED, {"directive": str(directives.get(directive_id) or directive_id)})
    result = []
    for directive_id, item in wanted.items():
        link = existing.get(directive_id) or ImplementationLink(report=report, directive_id=directive_id)
        created = link.pk is None
        link.assessment = item.assessment
        link.note = clean_input(item.note).strip()
        link.full_clean(exclude=["report", "directive"] if not created else None)
        link.save()
        link.spans.all().delete()
        for start, end in sorted(set(item.spans)):
            span = CitedSpan(link=link, start=start, end=end, text=report.body[start:end])
            span.full_clean()
            span.save()
        _set_contributions(link, item.contributions)
        if created:
            _event(report, actor, ReportAction.LINKED, {"directive": str(directives[directive_id])})
        result.append(link)
    return result


def _set_contributions(link: ImplementationLink, contributions: dict) -> None:
    targets = {t.pk: t for t in Target.objects.filter(directive_id=link.directive_id)}
    link.contributions.exclude(target_id__in=[k for k, v in contributions.items() if v not in (None, "")]).delete()
    for target_id, raw in contributions.items():
        if raw in (None, ""):
            continue
        if target_id not in targets:
            raise ValidationError(_("This target belongs to another directive."))
        try:
            value = Decimal(str(raw).replace(",", "."))
        except InvalidOperation as exc:
            raise ValidationError(_("“%(value)s” is not a number.") % {"value": raw}) from exc
        row, _created = TargetContribution.objects.get_or_create(link=link, target_id=target_id, defaults={"value": value})
        row.value = value
        row.full_clean()
        row.save()


def _transition(report: Report, actor, status: str, action: str, note: str = "", **extra) -> Report:
    old = report.status
    report.status = status
    for name, value in extra.items():
        setattr(report, name, value)
    report.version = F("version") + 1
    report.save()
    report.refresh_from_db()
    _event(report, actor, action, {"status": [old, status]}, note=note)
    _enqueue_summary_refresh(report)
    return report


def _enqueue_summary_refresh(report: Report) -> None:
    """Ask the summary jobs to refresh the report's ancestors once this transaction commits."""
    try:
        from .summaries import enqueue_refresh
    except ImportError:  # the summaries module is optional until it lands
        return
    enqueue_refresh(report)


@transaction.atomic
def report_submit(*, actor, report_id: int, expected_version: int | None = None) -> Report:
    report = Report.objects.select_for_update().select_related("organization").get(pk=report_id)
    if not can_access(actor, report.organization, kinds=EDITOR_ROLES):
        raise PermissionDenied(_("You cannot submit reports of this organisation."))
    if expected_version is not None and report.version != expected_version:
        raise ConcurrentEditError(report)
    if report.status not in EDITABLE:
        raise ValidationError(_("Only a draft or returned report can be submitted."))
    if not report.body.strip():
        raise ValidationError(_("An empty report cannot be submitted."))
    return _transition(report, actor, ReportStatus.SUBMITTED, ReportAction.SUBMITTED, submitted_at=timezone.now())


@transaction.atomic
def report_accept(*, actor, report_id: int) -> Report:
    report = Report.objects.select_for_update().select_related("organization").get(pk=report_id)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be accepted."))
    if not can_review_report(actor, report):
        raise PermissionDenied(_("Only a leader of the organisation above can accept this report."))
    return _transition(report, actor, ReportStatus.ACCEPTED, ReportAction.ACCEPTED,
                       reviewed_at=timezone.now(), reviewed_by=actor, review_note="")


@transaction.atomic
def report_return(*, actor, report_id: int, reason: str) -> Report:
    reason = clean_input(reason).strip()
    report = Report.objects.select_for_update().select_related("organization").get(pk=report_id)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be returned."))
    if not can_review_report(actor, report):
        raise PermissionDenied(_("Only a leader of the organisation above can return this report."))
    if not reason:
        raise ValidationError({"reason": _("Say why the report is returned.")})
    return _transition(report, actor, ReportStatus.RETURNED, ReportAction.RETURNED, note=reason,
                       reviewed_at=timezone.now(), reviewed_by=actor, review_note=reason)


@transaction.atomic
def attachment_add(*, actor, report: Report, name: str, data: bytes) -> tuple[Attachment, str]:
    """Validate and store an uploaded file; return it with the text extracted from it."""
    if not can_edit_report(actor, report):
        raise PermissionDenied(_("Files can only be attached to a report you can edit."))
    extracted = extract_text(name, data)
    safe_name = name.replace("/", "_").replace("\\", "_")[-200:]
    attachment = Attachment(report=report, original_name=safe_name, content_type=extracted.content_type,
                            size=len(data), sha256=hashlib.sha256(data).hexdigest(), uploaded_by=actor)
    attachment.file.save(f"{attachment.sha256[:16]}{extracted.extension}", ContentFile(data), save=False)
    attachment.save()
    _event(report, actor, ReportAction.ATTACHED, {"file": safe_name})
    return attachment, extracted.text
