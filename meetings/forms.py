"""Forms for meeting and report entry. They bind and validate input; rules live in services.py."""
from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import date_format, get_format, number_format
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from organizations.text import clean_input, clean_line, clean_text
from resolutions.periods import known_bounds, report_period_errors

from .extract import ALLOWED, display_name, max_upload_bytes
from .extract.messages import too_big_message
from .linking import Suggestion, format_decimal
from .models import (
    Assessment,
    Meeting,
    PeriodKind,
    ReportKind,
)
from .services import LinkInput, link_field_key
from .uploads import RefusedUpload

DATE_INPUT = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class NFCFormMixin:
    """Normalise every text input to NFC, so what is stored is what is compared.

    One-line fields (titles, names, places: a text input) lose control, bidi and zero-width
    characters and extra spaces (``clean_line``): a vertical tab pasted from Word would make
    every DOCX the name reaches unwritable, a bidi override would make it read differently
    than stored. Multi-line text (a textarea) keeps its lines and tabs (``clean_text``).
    A required value that was nothing but such characters is refused as empty.
    """

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if not isinstance(value, str):
                continue
            field = self.fields.get(name)
            widget = getattr(field, "widget", None)
            if isinstance(widget, forms.Textarea):
                cleaned[name] = clean_text(value)
            elif isinstance(widget, forms.TextInput):
                cleaned[name] = clean_line(value)
                if field.required and value and not cleaned[name]:
                    self.add_error(name, field.error_messages["required"])
            else:
                cleaned[name] = clean_input(value)
        return cleaned


class StyledFormMixin:
    """Give widgets Bootstrap classes so templates can render fields generically."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else (
                "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control")
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        label = f"{'— ' * max(obj.depth - 1, 0)}{obj}"
        if obj.valid_to is not None:
            # An ended unit is offered for its last reports; it must not pass for its successor.
            label = gettext("%(unit)s (until %(day)s)") % {"unit": label,
                                                            "day": date_format(obj.valid_to, "SHORT_DATE_FORMAT")}
        return label


def _upload_help() -> str:
    # Built when shown, so it is in the request's language and follows ATTACHMENT_MAX_BYTES.
    return gettext("A .docx, .txt or text .pdf file of at most %(size)s; it is kept as an attachment.") % {
        "size": filesizeformat(max_upload_bytes())}


class UploadField(forms.FileField):
    """A file field that says "too big" for a file the upload handler stopped receiving.

    Django's FileField would call that placeholder an empty file. The accepted file's
    name is cleaned here (no folders, no control or bidi characters) before anything
    stores or shows it.
    """

    def to_python(self, data):
        if isinstance(data, RefusedUpload):
            raise forms.ValidationError(too_big_message(display_name(data.name), data.limit), code="too_big")
        upload = super().to_python(data)
        if upload is not None:
            upload.name = display_name(upload.name)
        return upload


class ReportForm(NFCFormMixin, StyledFormMixin, forms.Form):
    organization = OrganizationChoiceField(label=_("Organisation"), queryset=Organization.objects.none())
    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=Meeting.objects.none(), required=False,
                                     help_text=_("Leave empty for a periodic report not adopted at a meeting."))
    kind = forms.ChoiceField(label=_("Kind of report"), choices=ReportKind.choices)
    period_kind = forms.ChoiceField(label=_("Reporting period"), choices=PeriodKind.choices)
    period_start = forms.DateField(label=_("Period start"), widget=DATE_INPUT)
    period_end = forms.DateField(label=_("Period end"), widget=DATE_INPUT)
    title = forms.CharField(label=_("Title"), max_length=400)
    # As long as a file's text may be (ATTACHMENT_MAX_TEXT_CHARS): typed or pasted text is
    # bounded like extracted text, and an edit can always be sent back through this form.
    body = forms.CharField(label=_("Text of the report"), required=False,
                           max_length=settings.ATTACHMENT_MAX_TEXT_CHARS,
                           widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
                           help_text=_("Type or paste the text, or upload a file below."))
    upload = UploadField(
        label=_("Take the text from a file"), required=False, help_text=lazy(_upload_help, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED)}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, organizations=None, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (organizations if organizations is not None else Organization.objects.none()).order_by("path")
        self.fields["meeting"].queryset = meetings if meetings is not None else Meeting.objects.none()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("The period cannot end before it starts."))
        # The model's rule (resolutions.periods), shown next to the period fields.
        for name, message in report_period_errors(cleaned.get("period_kind") or "", start, end, known_bounds()).items():
            if name in cleaned:
                self.add_error(name, message)
        meeting, org = cleaned.get("meeting"), cleaned.get("organization")
        if meeting and org and meeting.organization_id != org.pk:
            self.add_error("meeting", _("This meeting belongs to another organisation."))
        if not (cleaned.get("body") or "").strip() and not cleaned.get("upload") and "upload" not in self.errors:
            self.add_error("body", _("Type the text of the report or upload a file."))
        return cleaned


#: A version or an id as the server wrote it into the page: ASCII digits only, and few of them
#: (``int()`` would accept "²" or "٣" and a 5,000-digit string would overflow the database).
_ID = re.compile(r"[0-9]{1,9}")


def parse_id(value) -> int | None:
    """An id or a version sent back by the page, or None when it is not one."""
    value = (value or "").strip() if isinstance(value, str) else ""
    return int(value) if _ID.fullmatch(value) else None


class VersionField(forms.CharField):
    """The report's version the page was drawn from, sent back by a hidden input."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {
            "required": _("This page is out of date: open the report again."),
            "invalid": _("This page is out of date: open the report again."),
        })
        super().__init__(**kwargs)

    def to_python(self, value) -> int | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        parsed = parse_id(value)
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class WorkflowForm(forms.Form):
    """Submit and accept: the only input is the version the user saw, so a report changed
    since the page was opened is never submitted or accepted unread."""

    version = VersionField()


class ReturnForm(NFCFormMixin, StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for returning the report"), widget=forms.Textarea(attrs={"rows": 3}))
    version = VersionField()


# --- The links step -------------------------------------------------------------------------

class ContributionField(forms.DecimalField):
    """A contribution to a target, typed as the user's language writes numbers.

    Vietnamese writes one thousand "1.000" and thirty-seven and a half "37,5"; English the
    reverse. Django's localisation gives the two marks (``get_format``) and turns the decimal
    mark into a point (``sanitize_separators``, through ``localize=True``); this field adds
    what Django leaves open: thousands groups are checked (so "1.5" in Vietnamese is a
    question for the user, not a silent 1.5), only the ASCII digits 0-9 count (Python would
    read "²" or "٣" as digits), and negative or oversized values get a message of their own
    instead of reaching the database.
    """

    MAX_LENGTH = 40

    def __init__(self, **kwargs):
        too_big = _("Too large: at most 12 digits before the decimal mark.")
        kwargs.setdefault("error_messages", {
            "min_value": _("A contribution cannot be negative."),
            "max_digits": too_big,
            "max_whole_digits": too_big,
            "max_decimal_places": _("At most 2 digits after the decimal mark."),
        })
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                                           "class": "form-control"}))
        super().__init__(max_digits=14, decimal_places=2, min_value=Decimal(0), localize=True, required=False,
                         **kwargs)

    def _invalid(self) -> ValidationError:
        example = number_format(Decimal("1234.5"), use_l10n=True, force_grouping=True)
        return ValidationError(
            gettext("Type a number with the digits 0 to 9, written like %(example)s "
                    "(“%(thousands)s” between thousands, “%(decimal)s” before decimals).")
            % {"example": example, "thousands": get_format("THOUSAND_SEPARATOR"),
               "decimal": get_format("DECIMAL_SEPARATOR")}, code="invalid")

    def to_python(self, value) -> Decimal | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not text:
            return None
        if text[0] in "-\u2212\u2013":
            raise ValidationError(self.error_messages["min_value"], code="min_value")
        if len(text) > self.MAX_LENGTH:
            raise ValidationError(self.error_messages["max_whole_digits"], code="max_whole_digits")
        decimal, thousands = re.escape(get_format("DECIMAL_SEPARATOR")), re.escape(get_format("THOUSAND_SEPARATOR"))
        if not re.fullmatch(rf"(?:[0-9]+|[0-9]{{1,3}}(?:{thousands}[0-9]{{3}})+)(?:{decimal}[0-9]+)?", text):
            raise self._invalid()
        return super().to_python(text.replace(get_format("THOUSAND_SEPARATOR"), ""))


class LinkRowForm(NFCFormMixin, forms.Form):
    """One directive of the links step: keep it or not, how far, a narrative, contributions.

    Its fields are named ``link-<directive id>-<field>`` (the form's prefix), so the rows of
    a page stay apart and a row added from the search is one more set of names.
    """

    keep = forms.BooleanField(label=_("Link"), required=False,
                              widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    assessment = forms.ChoiceField(label=_("Assessment"), choices=Assessment.choices,
                                   widget=forms.Select(attrs={"class": "form-select"}),
                                   error_messages={"invalid_choice": _("Choose an assessment from the list.")})
    note = forms.CharField(label=_("Narrative"), required=False, max_length=2000, strip=False,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    spans = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, row: Suggestion, editable: bool = True):
        initial = {"keep": row.initially_kept, "assessment": row.assessment, "note": row.note,
                   "spans": row.spans_value,
                   **{f"target-{pk}": format_decimal(value) for pk, value in row.contributions.items()}}
        super().__init__(data, prefix=link_field_key(row.directive.pk), auto_id="%s", initial=initial)
        self.row = row
        for target in row.targets:
            self.fields[f"target-{target.pk}"] = ContributionField(
                label=_("Contribution to “%(name)s” (%(unit)s)") % {"name": target.name, "unit": target.unit})
        if not editable:
            for field in self.fields.values():
                field.disabled = True

    @property
    def contribution_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("target-")]

    def clean_spans(self) -> list[tuple[int, int]]:
        spans = []
        for part in filter(None, (self.cleaned_data.get("spans") or "").split(";")):
            start, _sep, end = part.partition(":")
            if parse_id(start) is None or parse_id(end) is None:
                raise ValidationError(_("A citation position does not match the text of the report."))
            spans.append((int(start), int(end)))
        return spans

    def full_clean(self) -> None:
        """An unticked row is not saved, so what it holds cannot stop the others being saved."""
        super().full_clean()
        if self.is_bound and not self.cleaned_data.get("keep"):
            self._errors = forms.utils.ErrorDict()

    def link_input(self) -> LinkInput:
        """What to save for this row: what was sent, or what was drawn if the row was not sent."""
        if self.is_bound:
            data = self.cleaned_data
            contributions = {int(name[len("target-"):]): data.get(name) for name in self.fields
                             if name.startswith("target-")}
            return LinkInput(directive_id=self.row.directive.pk, assessment=data["assessment"], note=data["note"],
                             spans=data["spans"], contributions=contributions)
        return LinkInput(directive_id=self.row.directive.pk, assessment=self.row.assessment, note=self.row.note,
                         spans=list(self.row.spans), contributions=dict(self.row.contributions))


class LinksForm:
    """The whole links step as one form: every row validated before anything is saved.

    Rows the page sent are bound to what the user typed; rows it did not send (a link stored
    by someone else, a suggestion the register only now produces) are drawn as stored and
    saved as stored, so nobody's choice is made for them.
    """

    def __init__(self, data=None, *, rows: list[Suggestion], posted: set[int] = frozenset(),
                 version: int | None = None, editable: bool = True):
        self.is_bound = data is not None
        self.rows = [LinkRowForm(data if row.directive.pk in posted else None, row=row, editable=editable)
                     for row in rows]
        self.version_form = WorkflowForm(data, initial={"version": version})
        self.errors: list[str] = []

    @property
    def version(self):
        return self.version_form["version"]

    def add_error(self, message: str) -> None:
        self.errors.append(message)

    def is_valid(self) -> bool:
        valid = self.version_form.is_valid()
        if not valid:
            self.errors.extend(self.version_form.errors.get("version", []))
        for row in self.rows:
            if row.is_bound and not row.is_valid():
                valid = False
        return valid and not self.errors

    @property
    def expected_version(self) -> int:
        return self.version_form.cleaned_data["version"]

    def links(self) -> list[LinkInput]:
        """The links to save: every ticked row sent, and every stored link the page did not send."""
        return [row.link_input() for row in self.rows
                if (row.is_bound and row.cleaned_data.get("keep")) or (not row.is_bound and row.row.existing)]

    def dismissed(self) -> list[int]:
        """Suggestions the user saw and unticked."""
        return [row.row.directive.pk for row in self.rows if row.is_bound and not row.cleaned_data.get("keep")]

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put each error the service found next to the field it is about."""
        by_prefix = {row.prefix: row for row in self.rows}
        if not hasattr(exc, "error_dict"):
            self.errors.extend(exc.messages)
            return
        for key, errors in exc.error_dict.items():
            messages = [m for error in errors for m in error.messages]
            match = re.fullmatch(r"(link-[0-9]+)(?:-(.+))?", key)
            row = by_prefix.get(match.group(1)) if match else None
            if row is None:
                self.errors.extend(messages)
                continue
            name = match.group(2)
            for message in messages:
                row.add_error(name if name in row.fields else None, message)

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor id, what, message) for each error, for the list at the top of the page.

        Also gives each field in error Bootstrap's ``is-invalid`` look (Django itself adds
        ``aria-invalid`` and points ``aria-describedby`` at the message).
        """
        out = [("links-form", "", message) for message in self.errors]
        for row in self.rows:
            if not row.is_bound or not row.errors:
                continue
            label = row.row.directive.label
            for message in row.non_field_errors():
                out.append((f"row-{row.row.directive.pk}", label, message))
            for name, errors in row.errors.items():
                if name == NON_FIELD_ERRORS:
                    continue
                bound = row[name]
                anchor = bound.auto_id if not bound.is_hidden else f"row-{row.row.directive.pk}"
                widget = row.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                for message in errors:
                    out.append((anchor, f"{label} — {bound.label}" if not bound.is_hidden else label, message))
        return out
