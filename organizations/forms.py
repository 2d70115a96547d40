"""Forms of the people and terms pages. They bind and check input; the rules live in services."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import PositionTitle
from .text import clean_line

DATE_INPUT = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
#: Years a term may name: the Party was founded in 1930, and nobody plans a term a century ahead.
FIRST_YEAR, LAST_YEAR = 1930, 2100


class StyledForm(forms.Form):
    """One-line text cleaned for storage (NFC, no control characters) and Bootstrap classes on
    every widget, so the templates draw each field with ``includes/field.html``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                cleaned[name] = clean_line(value)
                if self.fields[name].required and value and not cleaned[name]:
                    self.add_error(name, self.fields[name].error_messages["required"])
        return cleaned

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put each error a service raised next to its field (else at the top of the form)."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                for error in errors:
                    self.add_error(name if name in self.fields else None, error)
        else:
            for message in exc.messages:
                self.add_error(None, message)


class DayForm(forms.Form):
    """The day a people page shows (``?ngay=dd/mm/yyyy``); anything else means today."""

    ngay = forms.DateField(label=_("People in post on"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ngay"].widget.attrs["class"] = "form-control"


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Find someone already recorded (name, accents optional)"), required=False,
                        max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"class": "form-control", "autocomplete": "off"})


class PositionForm(StyledForm):
    """A post: what it is, as written, and when it was held."""

    title = forms.ChoiceField(label=_("Position"), choices=PositionTitle.choices)
    label = forms.CharField(label=_("Position as written"), max_length=255, required=False,
                            help_text=_("e.g. “Phó Bí thư Thường trực Đảng ủy Khối” or, for a state post, "
                                        "“Giám đốc Sở Tài nguyên và Môi trường”."))
    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("Until"), required=False, widget=DATE_INPUT,
                          help_text=_("Leave empty while the post is held; fill it in to end the post."))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("A position cannot end before it starts."))
        return cleaned


class AppointForm(PositionForm):
    """A post for someone already recorded (``person``, picked from the search) or a new person."""

    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    full_name = forms.CharField(label=_("Full name of a new person"), max_length=200, required=False)
    note = forms.CharField(label=_("Note on the person"), max_length=255, required=False)

    field_order = ["person", "full_name", "note", "title", "label", "start", "end"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("person") and not cleaned.get("full_name"):
            self.add_error("full_name", _("Type the person's full name or pick someone already recorded."))
        return cleaned


class TermForm(StyledForm):
    ordinal = forms.IntegerField(label=_("Ordinal (khóa, congress number)"), min_value=1, max_value=99,
                                 help_text=_("Khóa XII is the committee elected by the 12th congress: type 12."))
    start_year = forms.IntegerField(label=_("First year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    end_year = forms.IntegerField(label=_("Last year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    name = forms.CharField(label=_("Name as written"), max_length=255, required=False,
                           help_text=_("Optional, e.g. “Đại hội Đảng bộ Khối lần thứ II (2015-2020)”."))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("A term cannot end before it starts."))
        return cleaned
