"""Writes for meetings and reports: entry, linking, the review workflow, attachments, history.

Rules enforced here (never in views or forms):
- staff (or admins) create and edit only for organisations their role covers;
- a report is editable while draft or returned; once submitted it is read-only to its author;
- a leader of an organisation *above* the report's organisation accepts it or returns it
  with a reason, and never one who wrote, changed or submitted it;
- every save, link change and workflow step checks the version the user started from
  (optimistic locking: nobody overwrites or approves what they have not seen) and records
  who changed what, with the full values before and after;
- a refused save writes nothing: input is validated whole before the first write, and a
  file sent with an edit is stored only once the edit is accepted;
- every text is NFC-normalised before it is stored.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Organization, RoleKind
from organizations.selectors import can_access
from organizations.text import clean_input, clean_text, search_key
from resolutions.models import Directive, Target
from resolutions.selectors import targets_for_unit

from .extract import Extracted, display_name, extract_text
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
    report = Report.objects.select_for_update(of=("self",)).select_related("organization", "meeting").get(pk=report_id)
    if not can_access(actor, report.organization, kinds=EDITOR_ROLES):
        raise PermissionDenied(_("You cannot edit reports of this organisation."))
    if report.version != expected_version:
        raise ConcurrentEditError(report)
    if report.status not in EDITABLE:
        raise ValidationError(_("A submitted or accepted report can no longer be edited."))
    extracted = extract_text(attachment.name, attachment.data) if attachment else None
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
    report.search_text = search_key(f"{report.title} {report.body}")
    report.full_clean()
    if not changes and attachment is None:
        return report
    stored = None
    try:
        updated = Report.objects.filter(pk=report.pk, version=expected_version).update(
            **{name: getattr(report, name) for name in fields}, search_text=report.search_text,
            version=F("version") + 1, updated_at=timezone.now())
        if not updated:  # pragma: no cover - guarded by select_for_update above; kept for SQLite
            raise ConcurrentEditError(Report.objects.get(pk=report.pk))
        report.refresh_from_db()
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


def _drop_stale_spans(report: Report) -> None:
    """Cited spans whose text no longer matches the edited body are removed (the link stays)."""
    stale = [s.pk for s in CitedSpan.objects.filter(link__report=report) if report.body[s.start:s.end] != s.text]
    CitedSpan.objects.filter(pk__in=stale).delete()


# --- Links ------------------------------------------------------------------------------------

@dataclass
class LinkInput:
    """What the user confirmed for one directive in the links step.

    Contributions are ``Decimal`` (the form reads them in the user's language) or a plain
    string with ASCII digits and a ``.`` decimal point (``"37.5"``) from other callers.
    """

    directive_id: int
    assessment: str = Assessment.IN_PROGRESS
    note: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)
    contributions: dict[int, str | Decimal | None] = field(default_factory=dict)


def link_field_key(directive_id: int, name: str = "") -> str:
    """The key an error about one field of one link is reported under (the form's field name)."""
    return f"link-{directive_id}-{name}" if name else f"link-{directive_id}"


_PLAIN_NUMBER = re.compile(r"-?[0-9]{1,40}(\.[0-9]{1,40})?")
_VALUE_FIELD = TargetContribution._meta.get_field("value")


def contribution_value(raw: str | Decimal) -> Decimal:
    """A contribution as stored: finite, not negative, at most 14 digits of which 2 decimals.

    Raises ValidationError with a message a user understands (never lets the database be
    the one to refuse: an IntegrityError would lose the whole page).
    """
    if isinstance(raw, Decimal):
        value = raw
    else:
        text = str(raw).strip()
        if not _PLAIN_NUMBER.fullmatch(text):
            raise ValidationError(_("“%(value)s” is not a number.") % {"value": text[:40]}, code="invalid")
        value = Decimal(text)
    if not value.is_finite():
        raise ValidationError(_("Type a number with the digits 0 to 9."), code="invalid")
    if value < 0:
        raise ValidationError(_("A contribution cannot be negative."), code="min_value")
    return _VALUE_FIELD.clean(value, None)


def _canonical(value: Decimal | None) -> str | None:
    """A stored number as history keeps it: "1000", "37.5" (no exponent, no trailing zeros)."""
    if value is None:
        return None
    return f"{value.normalize():f}"


@dataclass
class _PlannedLink:
    item: LinkInput
    directive: Directive
    note: str
    spans: list[tuple[int, int]]
    contributions: dict[int, Decimal]


def _plan_links(report: Report, links: list[LinkInput], dismissed: set[int]) -> tuple[list[_PlannedLink], dict]:
    """Validate every link before anything is written; collect every error, keyed by field.

    Returns the cleaned links and the directives involved; raises one ValidationError
    naming each bad field (``link-<directive>-<field>``), so the page can mark them all.
    """
    errors: dict[str, list[str]] = {}

    def fail(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    ids = [item.directive_id for item in links]
    if len(set(ids)) != len(ids):
        fail(NON_FIELD_ERRORS, _("A directive is linked twice."))
    directives = Directive.objects.in_bulk(set(ids) | dismissed)
    missing = (set(ids) | dismissed) - set(directives)
    if missing:
        fail(NON_FIELD_ERRORS, _("Unknown directive: %(ids)s") % {"ids": ", ".join(map(str, sorted(missing)))})
    targets: dict[int, dict[int, Target]] = {}
    for target in targets_for_unit(report.organization, directives):
        targets.setdefault(target.directive_id, {})[target.pk] = target
    plan = []
    for item in links:
        if item.directive_id not in directives:
            continue
        if item.assessment not in Assessment.values:
            fail(link_field_key(item.directive_id, "assessment"), _("Choose an assessment from the list."))
        spans = sorted(set(item.spans))
        if any(not (0 <= start < end <= len(report.body)) or end - start > 500 for start, end in spans):
            fail(link_field_key(item.directive_id), _("A citation position does not match the text of the report."))
        values: dict[int, Decimal] = {}
        for target_id, raw in item.contributions.items():
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            key = link_field_key(item.directive_id, f"target-{target_id}")
            if target_id not in targets.get(item.directive_id, {}):
                fail(key, _("This report cannot contribute to this target (it belongs to another directive or "
                            "another unit)."))
                continue
            try:
                values[target_id] = contribution_value(raw)
            except ValidationError as exc:
                for message in exc.messages:
                    fail(key, message)
        plan.append(_PlannedLink(item=item, directive=directives[item.directive_id],
                                 note=clean_text(item.note).strip(), spans=spans, contributions=values))
    if errors:
        raise ValidationError(errors)
    return plan, {"directives": directives, "targets": targets}


def _target_label(target: Target) -> str:
    return f"{target.name} ({target.unit})"


def _link_change(link: ImplementationLink | None, planned: _PlannedLink | None, targets: dict[int, Target]) -> dict:
    """What one save did to one directive's link, field by field, with the values before and after."""
    old_values = {c.target_id: c.value for c in link.contributions.all()} if link else {}
    new_values = planned.contributions if planned else {}
    entry: dict = {}
    old_assessment = link.assessment if link else None
    new_assessment = planned.item.assessment if planned else None
    if old_assessment != new_assessment:
        entry["assessment"] = [old_assessment, new_assessment]
    old_note, new_note = (link.note if link else ""), (planned.note if planned else "")
    if old_note != new_note:
        entry["note"] = [old_note, new_note]
    contributions = []
    for target_id in sorted(set(old_values) | set(new_values), key=lambda t: targets[t].name if t in targets else ""):
        old, new = old_values.get(target_id), new_values.get(target_id)
        if old != new:
            target = targets.get(target_id)
            contributions.append([_target_label(target) if target else str(target_id), _canonical(old), _canonical(new)])
    if contributions:
        entry["contributions"] = contributions
    return entry


@transaction.atomic
def report_set_links(*, actor, report_id: int, expected_version: int, links: list[LinkInput],
                     dismissed: Iterable[int] = ()) -> Report:
    """Replace the report's links with exactly ``links``, from the version the user saw.

    ``dismissed`` are suggestions the user unticked: they are remembered so that the links
    step shows them unticked from now on (a suggestion never decided on is shown ticked).
    Everything is validated first and every error reported at once; nothing is written
    unless all of it is valid. A save from a stale version is refused (ConcurrentEditError)
    because links are part of the report: the version goes up and one history event says
    what changed.
    """
    report = Report.objects.select_for_update().select_related("organization").get(pk=report_id)
    if not can_access(actor, report.organization, kinds=EDITOR_ROLES):
        raise PermissionDenied(_("You cannot edit reports of this organisation."))
    if report.version != expected_version:
        raise ConcurrentEditError(report)
    if report.status not in EDITABLE:
        raise ValidationError(_("A submitted or accepted report can no longer be edited."))
    dismissed = set(dismissed) - {item.directive_id for item in links}
    plan, known = _plan_links(report, links, dismissed)
    directives, targets = known["directives"], known["targets"]
    all_targets = {pk: t for by_id in targets.values() for pk, t in by_id.items()}

    existing = {link.directive_id: link for link in report.links.select_related("directive")
                .prefetch_related("contributions__target")}
    for link in existing.values():
        all_targets.update({c.target_id: c.target for c in link.contributions.all()})
    entries: list[dict] = []
    for planned in plan:
        link = existing.get(planned.directive.pk)
        entry = _link_change(link, planned, all_targets)
        if link is None or entry:
            entries.append({"directive": planned.directive.label, "directive_id": planned.directive.pk,
                            "change": "linked" if link is None else "changed", **entry})
    wanted = {planned.directive.pk for planned in plan}
    removed = [link for directive_id, link in existing.items() if directive_id not in wanted]
    for link in removed:
        entries.append({"directive": link.directive.label, "directive_id": link.directive_id, "change": "unlinked",
                        **_link_change(link, None, all_targets)})
    before = set(report.dismissed_directives.values_list("pk", flat=True))
    after = (before | dismissed) - wanted
    for directive_id in sorted(after - before - {link.directive_id for link in removed}):
        entries.append({"directive": directives[directive_id].label, "directive_id": directive_id,
                        "change": "dismissed"})

    for link in removed:
        link.delete()
    for planned in plan:
        _write_link(report, existing.get(planned.directive.pk), planned)
    if after != before:
        report.dismissed_directives.set(after)
    if not entries:
        return report
    updated = Report.objects.filter(pk=report.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now())
    if not updated:  # pragma: no cover - guarded by select_for_update above; kept for SQLite
        raise ConcurrentEditError(Report.objects.get(pk=report.pk))
    report.refresh_from_db()
    _event(report, actor, ReportAction.LINKS, {"links": entries})
    return report


def _write_link(report: Report, link: ImplementationLink | None, planned: _PlannedLink) -> ImplementationLink:
    """Write one validated link: its fields, its cited spans and its contributions."""
    if link is None:
        link = ImplementationLink(report=report, directive=planned.directive)
    link.assessment = planned.item.assessment
    link.note = planned.note
    link.full_clean(validate_unique=link.pk is None)
    link.save()
    link.spans.all().delete()
    for start, end in planned.spans:
        span = CitedSpan(link=link, start=start, end=end, text=report.body[start:end])
        span.full_clean()
        span.save()
    stored = {c.target_id: c for c in link.contributions.all()}
    link.contributions.exclude(target_id__in=list(planned.contributions)).delete()
    for target_id, value in planned.contributions.items():
        row = stored.get(target_id) or TargetContribution(link=link, target_id=target_id)
        if row.pk is not None and row.value == value:
            continue
        row.value = value
        row.full_clean(validate_unique=row.pk is None)
        row.save()
    return link


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
def report_submit(*, actor, report_id: int, expected_version: int) -> Report:
    """Submit the version the user saw (a report changed since is refused: they must read it again)."""
    report = Report.objects.select_for_update().select_related("organization").get(pk=report_id)
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
    report = Report.objects.select_for_update().select_related("organization").get(pk=report_id)
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
    report = Report.objects.select_for_update().select_related("organization").get(pk=report_id)
    _check_reviewer(actor, report, _("Only a leader of the organisation above can return this report."))
    if report.version != expected_version:
        raise ConcurrentEditError(report)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be returned."))
    if not reason:
        raise ValidationError({"reason": _("Say why the report is returned.")})
    return _transition(report, actor, ReportStatus.RETURNED, ReportAction.RETURNED, note=reason,
                       reviewed_at=timezone.now(), reviewed_by=actor, review_note=reason)


# --- Attachments ------------------------------------------------------------------------------

@transaction.atomic
def attachment_add(*, actor, report: Report, name: str, data: bytes) -> tuple[Attachment, str]:
    """Validate and store an uploaded file; return it with the text extracted from it.

    For a file sent with an edit, use ``report_update(attachment=…)``: it stores the file only
    if the edit is accepted.
    """
    if not can_edit_report(actor, report):
        raise PermissionDenied(_("Files can only be attached to a report you can edit."))
    upload = UploadInput(name=name, data=data)
    extracted = extract_text(upload.name, upload.data)
    stored = None
    try:
        stored = _store_attachment(report, actor, upload, extracted)
        _event(report, actor, ReportAction.ATTACHED, {"file": [None, stored.original_name]})
    except BaseException:
        _discard_file(stored)
        raise
    return stored, extracted.text
