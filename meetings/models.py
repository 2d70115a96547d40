"""Meetings, reports, and the report ↔ directive implementation links.

The link is the heart of the product: it says which directive a report implements, how
far (assessment), where in the text the directive is cited, and what it contributes to
the directive's targets.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization, Person, Position, Term
from resolutions.models import Directive, Target
from resolutions.periods import known_bounds, report_period_errors


class MeetingKind(models.TextChoices):
    PLENUM = "plenum", _("Executive Committee plenum")
    STANDING = "standing", _("Standing Committee meeting")
    STANDING_OFFICE = "standing_office", _("Standing Office meeting")
    BRIEFING = "briefing", _("Briefing (giao ban)")
    REVIEW = "review", _("Interim / final review (sơ kết / tổng kết)")
    CONGRESS = "congress", _("Congress (đại hội)")
    STUDY = "study", _("Study and dissemination")
    CELL_REGULAR = "cell_regular", _("Regular cell meeting")
    CELL_THEMATIC = "cell_thematic", _("Thematic cell meeting")
    OTHER = "other", _("Other")


class Meeting(models.Model):
    """A meeting (hội nghị / cuộc họp) of an organisation."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("organisation"))
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    term = models.ForeignKey(Term, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings", verbose_name=_("term"))
    sequence = models.PositiveSmallIntegerField(_("sequence number in the term"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"))
    date_year_inferred = models.BooleanField(
        _("year inferred"), default=False, help_text=_("The source gave no year (“Ngày 14/9”); it was inferred."),
    )
    place = models.CharField(_("place"), max_length=255, blank=True)
    attendance = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    expected_attendance = models.PositiveIntegerField(_("expected attendance"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "term", "kind", "sequence"], condition=Q(sequence__isnull=False),
                name="meeting_sequence_unique",
                violation_error_message=_("This organisation already has a meeting of this kind with this number in this term."),
            ),
            models.CheckConstraint(
                condition=Q(attendance__isnull=True) | Q(expected_attendance__isnull=True) | Q(attendance__lte=models.F("expected_attendance")),
                name="meeting_attendance_le_expected",
                violation_error_message=_("Attendance cannot exceed the expected attendance."),
            ),
        ]
        indexes = [models.Index(fields=["organization", "date"], name="meeting_org_date_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})"

    def clean(self) -> None:
        if self.sequence is not None and self.term_id is None:
            raise ValidationError({"term": _("A numbered meeting needs its term.")})
        if self.term_id and self.organization_id and self.term.organization_id not in (None, self.organization_id):
            raise ValidationError({"term": _("The term belongs to another organisation.")})
        error = meeting_date_error(self.date)
        if error:
            raise ValidationError({"date": error})
        if self.organization_id and isinstance(self.date, dt.date):
            error = self.organization.existence_error(self.date, self.date)
            if error:
                raise ValidationError({"organization": error})


def meeting_date_error(day) -> str | None:
    """Why a meeting date is refused, if it is: it lies outside the years the register and the
    tree know (a meeting dated 9999 would carry its year into the report entered from it)."""
    bounds = known_bounds()
    if day and not bounds.contains(day):
        return _("The date must lie between %(first)s and %(last)s.") % {
            "first": bounds.first_year, "last": bounds.last_year}
    return None


class ParticipantRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    PRESENTER = "presenter", _("Presented the report")
    SPEAKER = "speaker", _("Speaker")
    GUEST = "guest", _("Attending guest")
    ATTENDEE = "attendee", _("Attendee")


class MeetingParticipant(models.Model):
    """A person at a meeting, with the position they held on that day (kept as written)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants", verbose_name=_("meeting"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations", verbose_name=_("person"))
    position = models.ForeignKey(Position, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("position"))
    position_label = models.CharField(_("position at the time"), max_length=300, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=ParticipantRole.choices)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["meeting", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person", "role"], name="participant_unique"),
            models.UniqueConstraint(fields=["meeting"], condition=Q(role="chair"), name="meeting_one_chair",
                                    violation_error_message=_("A meeting has one chair.")),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.position_id and self.person_id and self.position.person_id != self.person_id:
            raise ValidationError({"position": _("This position is held by someone else.")})
        if self.position_id and self.meeting_id and not self.position.held_on(self.meeting.date):
            raise ValidationError({"position": _("The person did not hold this position on the meeting date.")})


class ReportKind(models.TextChoices):
    POLITICAL = "political", _("Political report")
    PERIODIC = "periodic", _("Periodic results report")
    MIDTERM = "midterm", _("Mid-term review")
    REVIEW = "review", _("Interim / final review")
    ACTION_PLAN = "action_plan", _("Action programme / implementation plan")
    MINUTES = "minutes", _("Minutes")
    SURVEY = "survey", _("Survey report")
    OTHER = "other", _("Other")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    HALF = "half", _("Half-year")
    YEAR = "year", _("Year")
    TERM = "term", _("Term")
    CUSTOM = "custom", _("Other period")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class Report(models.Model):
    """A report (báo cáo) of an organisation, adopted at a meeting or periodic on its own."""

    meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports", verbose_name=_("meeting"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="reports", verbose_name=_("organisation"))
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    title = models.CharField(_("title"), max_length=400)
    body = models.TextField(_("text"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports", verbose_name=_("author"))
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1, help_text=_("Incremented on every save: optimistic locking."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("reviewed by"))
    review_note = models.TextField(_("reason for return"), blank=True)
    search_text = models.TextField(editable=False, default="")
    # The finder suggests every directive the text cites; a suggestion the user unticked is kept
    # here so that it stays unticked on every later visit (an absent row means "never decided").
    dismissed_directives = models.ManyToManyField(
        Directive, blank=True, related_name="+", verbose_name=_("dismissed suggestions"),
        help_text=_("Directives cited in the text that the user chose not to link."),
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_start__lte=models.F("period_end")), name="report_period_ordered",
                                   violation_error_message=_("The period cannot end before it starts.")),
            models.CheckConstraint(condition=~Q(status="returned") | ~Q(review_note=""), name="report_returned_has_reason",
                                   violation_error_message=_("A returned report needs a reason.")),
        ]
        indexes = [
            models.Index(fields=["organization", "period_end"], name="report_org_period_idx"),
            # Covering on PostgreSQL: the summaries read a period's counted reports from the index
            # alone (the reports' text makes their table the biggest of the database).
            models.Index(fields=["period_end", "status"], include=["id", "organization_id", "submitted_at"],
                         name="report_period_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.meeting_id and self.organization_id and self.meeting.organization_id != self.organization_id:
            errors["meeting"] = _("The meeting belongs to another organisation.")
        # The period rule lives in resolutions.periods (bounds, calendar alignment): every
        # service saving a report calls full_clean(), so no path stores a period that would
        # stop the summaries.
        start, end = (d if isinstance(d, dt.date) else None for d in (self.period_start, self.period_end))
        errors.update(report_period_errors(self.period_kind, start, end, known_bounds()))
        if self.organization_id and start and end and "organization" not in errors:
            error = self.organization.existence_error(start, end)
            if error:
                errors["organization"] = error
        if errors:
            raise ValidationError(errors)


class Assessment(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    BEHIND = "behind", _("Behind schedule")
    DONE = "done", _("Completed")


class ImplementationLink(models.Model):
    """Report ↔ directive: the report implements (reports on) the directive."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="links", verbose_name=_("report"))
    directive = models.ForeignKey(Directive, on_delete=models.PROTECT, related_name="links", verbose_name=_("directive"))
    assessment = models.CharField(_("assessment"), max_length=12, choices=Assessment.choices, default=Assessment.IN_PROGRESS)
    note = models.TextField(_("narrative"), blank=True)

    class Meta:
        verbose_name = _("implementation link")
        verbose_name_plural = _("implementation links")
        constraints = [
            models.UniqueConstraint(fields=["report", "directive"], name="link_unique",
                                    violation_error_message=_("The report is already linked to this directive.")),
        ]
        indexes = [models.Index(fields=["directive", "report"], name="link_directive_idx")]

    def __str__(self) -> str:
        return f"{self.report} → {self.directive}"


class CitedSpan(models.Model):
    """Where in the report body the directive is cited (code-point offsets in NFC text)."""

    link = models.ForeignKey(ImplementationLink, on_delete=models.CASCADE, related_name="spans", verbose_name=_("link"))
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    text = models.CharField(_("text"), max_length=500)

    class Meta:
        verbose_name = _("cited span")
        verbose_name_plural = _("cited spans")
        ordering = ["link", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="span_nonempty",
                                   violation_error_message=_("A cited span cannot be empty.")),
            models.UniqueConstraint(fields=["link", "start"], name="span_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.text} [{self.start}:{self.end}]"

    def clean(self) -> None:
        body = self.link.report.body if self.link_id else ""
        if self.end > len(body) or body[self.start:self.end] != self.text:
            raise ValidationError(_("The cited text does not match the report at these offsets."))


class TargetContribution(models.Model):
    """What one report contributes to a target of the linked directive."""

    link = models.ForeignKey(ImplementationLink, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("link"))
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("target"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("target contribution")
        verbose_name_plural = _("target contributions")
        constraints = [
            models.UniqueConstraint(fields=["link", "target"], name="contribution_unique",
                                    violation_error_message=_("This target already has a contribution in this link.")),
            models.CheckConstraint(condition=Q(value__gte=0), name="contribution_nonnegative",
                                   violation_error_message=_("A contribution cannot be negative.")),
        ]

    def __str__(self) -> str:
        return f"{self.target}: {self.value:g}"

    def clean(self) -> None:
        if self.link_id and self.target_id and self.target.directive_id != self.link.directive_id:
            raise ValidationError({"target": _("This target belongs to another directive.")})


class ReportAction(models.TextChoices):
    CREATED = "created", _("Created")
    EDITED = "edited", _("Edited")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
    LINKED = "linked", _("Directive linked")
    UNLINKED = "unlinked", _("Directive unlinked")
    ATTACHED = "attached", _("File attached")
    LINKS = "links", _("Directive links changed")


class ReportEvent(models.Model):
    """One change to a report: who, when, what changed (field → [old, new])."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events", verbose_name=_("report"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=10, choices=ReportAction.choices)
    version = models.PositiveIntegerField(_("version"), default=1)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("report history entry")
        verbose_name_plural = _("report history")
        ordering = ["report", "at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.version} {self.action}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """Attachments live under MEDIA_ROOT/reports/<org>/<report>/, outside static/."""
    return f"reports/{instance.report.organization_id}/{instance.report_id}/{filename}"


class Attachment(models.Model):
    """A file a report's text was taken from (.docx, .txt, .pdf), served only to users in scope."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("report"))
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["report", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
