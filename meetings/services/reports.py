"""Reports: creation and edits from the version the user saw, with the file they came from."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from organizations.models import Organization
from organizations.selectors import can_access
from organizations.text import clean_input, search_key
from resolutions.selectors import targets_for_unit

from ..extract import Extracted, display_name, extract_text
from ..models import (
    Attachment,
    CitedSpan,
    Meeting,
    Report,
    ReportAction,
    ReportStatus,
    TargetContribution,
)
from .common import (
    EDITABLE,
    EDITOR_ROLES,
    REPORT_FIELDS,
    ConcurrentEditError,
    _event,
    _jsonable,
    _require,
)

# --- Reports ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class UploadInput:
    """A file sent with the report form: its name as the user's computer gave it, and its bytes."""

    name: str
    data: bytes


def _store_attachment(report: Report, actor, upload: UploadInput, extracted: Extracted) -> Attachment:
    """Write the file and its row. The caller removes the file if its transaction then fails
    (a database rollback cannot take a file back off the disk)."""
    safe_name = display_name(upload.name)
    attachment = Attachment(report=report, original_name=safe_name, content_type=extracted.content_type,
                            size=len(upload.data), sha256=hashlib.sha256(upload.data).hexdigest(), uploaded_by=actor)
    attachment.file.save(f"{attachment.sha256[:16]}{extracted.extension}", ContentFile(upload.data), save=False)
    try:
        attachment.save()
    except BaseException:
        attachment.file.delete(save=False)
        raise
    return attachment


def _discard_file(attachment: Attachment | None) -> None:
    if attachment is not None and attachment.file:
        attachment.file.delete(save=False)


@transaction.atomic
def report_create(*, actor, organization: Organization, kind: str, period_kind: str, period_start: dt.date,
                  period_end: dt.date, title: str, body: str, meeting: Meeting | None = None,
                  attachment: UploadInput | None = None) -> Report:
    """Create a draft report for an organisation the actor's staff/admin role covers.

    With ``attachment`` the file is checked before anything is written, kept with the report,
    and its text becomes the body when none was typed.
    """
    _require(actor, organization, EDITOR_ROLES, _("You cannot create reports for this organisation."))
    extracted = extract_text(attachment.name, attachment.data) if attachment else None
    if extracted is not None and not (body or "").strip():
        body = extracted.text
    report = Report(organization=organization, meeting=meeting, kind=kind, period_kind=period_kind,
                    period_start=period_start, period_end=period_end, title=clean_input(title).strip(),
                    body=clean_input(body), author=actor, status=ReportStatus.DRAFT)
    report.search_text = search_key(f"{report.title} {report.body}")
    report.full_clean()
    report.save()
    _event(report, actor, ReportAction.CREATED)
    stored = None
    try:
        if attachment is not None:
            stored = _store_attachment(report, actor, attachment, extracted)
            _event(report, actor, ReportAction.ATTACHED, {"file": [None, stored.original_name]})
    except BaseException:
        _discard_file(stored)
        raise
    return report


def _field_change(report: Report, name: str, value) -> tuple[str, list] | None:
    """The history entry of one edited field, as the user reads it: names, not ids."""
    old = getattr(report, name)
    if old == value:
        return None
    if name == "organization_id":
        new_org = Organization.objects.get(pk=value)
        return "organization", [report.organization.name, new_org.name]
    if name == "meeting_id":
        old_meeting = str(report.meeting) if report.meeting_id else None
        new_meeting = str(Meeting.objects.get(pk=value)) if value else None
        return "meeting", [old_meeting, new_meeting]
    return name, [_jsonable(old), _jsonable(value)]


@transaction.atomic
def report_update(*, actor, report_id: int, expected_version: int, attachment: UploadInput | None = None,
                  **fields) -> Report:
    """Save edits made from ``expected_version``; refuse (ConcurrentEditError) if someone saved since.

    The version check and the increment happen in one UPDATE, so two saves racing on the
    same version cannot both win. A file sent with the edit is written in the same
    transaction and only once every check has passed: a refused edit leaves no attachment,
    no file and no history behind.
    """
    unlocked = Report.objects.select_related("organization").get(pk=report_id)
    if not can_access(actor, unlocked.organization, kinds=EDITOR_ROLES):
        raise PermissionDenied(_("You cannot edit reports of this organisation."))
    # A file is read (in a child process, up to its time limit) before the row is locked, so
    # a slow file never holds up the report's other editors.
    extracted = extract_text(attachment.name, attachment.data) if attachment else None
    report = Report.objects.select_for_update(of=("self",)).select_related("organization", "meeting").get(pk=report_id)
    if not can_access(actor, report.organization, kinds=EDITOR_ROLES):
        raise PermissionDenied(_("You cannot edit reports of this organisation."))
    if report.version != expected_version:
        raise ConcurrentEditError(report)
    if report.status not in EDITABLE:
        raise ValidationError(_("A submitted or accepted report can no longer be edited."))
    if extracted is not None and "body" in fields and not (fields["body"] or "").strip():
        fields["body"] = extracted.text
    changes: dict[str, list] = {}
    for name, value in fields.items():
        if name not in REPORT_FIELDS:
            raise ValueError(f"not an editable report field: {name}")
        if isinstance(value, str):
            value = clean_input(value)
            if name == "title":
                value = value.strip()
        change = _field_change(report, name, value)
        if change is not None:
            changes[change[0]] = change[1]
            setattr(report, name, value)
    if "organization" in changes:
        report.organization = Organization.objects.get(pk=report.organization_id)
        _require(actor, report.organization, EDITOR_ROLES, _("You cannot move a report outside your organisations."))
        _require_contributions_fit(report)
    report.search_text = search_key(f"{report.title} {report.body}")
    report.full_clean()
    if not changes and attachment is None:
        return report
    stored = None
    try:
        # The version is checked and raised in one UPDATE (on SQLite, where rows cannot be
        # locked, two saves racing on one version cannot both win); the fields then go through
        # save(), so the audit trail keeps each one's value before and after.
        updated = Report.objects.filter(pk=report.pk, version=expected_version).update(version=F("version") + 1)
        if not updated:  # pragma: no cover - guarded by select_for_update on PostgreSQL
            raise ConcurrentEditError(Report.objects.get(pk=report.pk))
        report.version = expected_version + 1
        report.save(update_fields=[*fields, "search_text", "updated_at"])
        if "body" in changes:
            _drop_stale_spans(report)
        if attachment is not None:
            stored = _store_attachment(report, actor, attachment, extracted)
            _event(report, actor, ReportAction.ATTACHED, {"file": [None, stored.original_name]})
        if changes:
            _event(report, actor, ReportAction.EDITED, changes)
    except BaseException:
        _discard_file(stored)
        raise
    return report


def _require_contributions_fit(report: Report) -> None:
    """A report moved to another unit may not keep contributions to goals that unit does not
    share (another unit's target would then show up in the new unit's figures and pages)."""
    contributions = TargetContribution.objects.filter(link__report=report)
    fitting = targets_for_unit(report.organization, contributions.values_list("link__directive_id", flat=True))
    if contributions.exclude(target__in=fitting).exists():
        raise ValidationError({"organization": _(
            "This report contributes to targets of its present unit that the chosen unit does not have: "
            "remove those contributions in the links step first, then move it.")})


def _drop_stale_spans(report: Report) -> None:
    """Cited spans whose text no longer matches the edited body are removed (the link stays)."""
    stale = [s.pk for s in CitedSpan.objects.filter(link__report=report) if report.body[s.start:s.end] != s.text]
    CitedSpan.objects.filter(pk__in=stale).delete()
