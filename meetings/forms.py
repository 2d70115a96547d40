"""Forms for meeting and report entry. They bind and validate input; rules live in services.py."""
from __future__ import annotations

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization, Term
from organizations.text import clean_input, clean_line, clean_text
from resolutions.periods import known_bounds, report_period_errors

from .extract import ALLOWED, display_name, max_upload_bytes
from .extract.messages import too_big_message
from .models import Assessment, Meeting, MeetingKind, PeriodKind, ReportKind
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
        return f"{'— ' * max(obj.depth - 1, 0)}{obj}"


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


class MeetingForm(NFCFormMixin, StyledFormMixin, forms.Form):
    organization = OrganizationChoiceField(label=_("Organisation"), queryset=Organization.objects.none())
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    term = forms.ModelChoiceField(label=_("Term"), queryset=Term.objects.none(), required=False)
    sequence = forms.IntegerField(label=_("Sequence number in the term"), min_value=1, required=False,
                                  help_text=_("For numbered meetings such as “Hội nghị lần thứ 14”."))
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    attendance = forms.IntegerField(label=_("Attendance"), min_value=0, required=False)
    expected_attendance = forms.IntegerField(label=_("Expected attendance"), min_value=0, required=False)

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = organizations if organizations is not None else Organization.objects.none()
        self.fields["organization"].queryset = qs.order_by("path")
        self.fields["term"].queryset = Term.objects.filter(organization__in=qs).select_related("organization")

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("date")
        bounds = known_bounds()
        if day and not bounds.contains(day):
            # A meeting dated 9999 would carry its year into the report entered from it.
            self.add_error("date", _("The date must lie between %(first)s and %(last)s.")
                           % {"first": bounds.first_year, "last": bounds.last_year})
        return cleaned


class ReportForm(NFCFormMixin, StyledFormMixin, forms.Form):
    organization = OrganizationChoiceField(label=_("Organisation"), queryset=Organization.objects.none())
    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=Meeting.objects.none(), required=False,
                                     help_text=_("Leave empty for a periodic report not adopted at a meeting."))
    kind = forms.ChoiceField(label=_("Kind of report"), choices=ReportKind.choices)
    period_kind = forms.ChoiceField(label=_("Reporting period"), choices=PeriodKind.choices)
    period_start = forms.DateField(label=_("Period start"), widget=DATE_INPUT)
    period_end = forms.DateField(label=_("Period end"), widget=DATE_INPUT)
    title = forms.CharField(label=_("Title"), max_length=400)
    body = forms.CharField(label=_("Text of the report"), required=False,
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


class ReturnForm(NFCFormMixin, StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for returning the report"), widget=forms.Textarea(attrs={"rows": 3}))


class LinkRowForm(NFCFormMixin, StyledFormMixin, forms.Form):
    """One directive row of the linking step: keep it or not, how far, a short narrative."""

    directive = forms.IntegerField(widget=forms.HiddenInput)
    keep = forms.BooleanField(label=_("Link"), required=False, initial=True)
    assessment = forms.ChoiceField(label=_("Assessment"), choices=Assessment.choices, initial=Assessment.IN_PROGRESS)
    note = forms.CharField(label=_("Narrative"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    spans = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_spans(self) -> list[tuple[int, int]]:
        raw = self.cleaned_data.get("spans") or ""
        spans = []
        for part in filter(None, raw.split(";")):
            try:
                start, end = (int(x) for x in part.split(":"))
            except ValueError as exc:
                raise forms.ValidationError(_("Invalid citation position.")) from exc
            spans.append((start, end))
        return spans
