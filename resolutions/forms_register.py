"""Forms of the admins' register pages. They bind and bound input; the rules live in the services.

``meetings.forms`` has the report forms' mixins, but this app may not import ``meetings``:
the two small mixins here do the same for these forms (Bootstrap classes; one-line inputs
cleaned of control and bidi characters, the services clean again before storing).
"""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from organizations.text import clean_input, clean_line, clean_text

from .models import Assignment, Directive, Target
from .services_register import REASON_MAX

DATE_INPUT = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]


class _Styled:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            if field.help_text:  # the id includes/field.html gives the help text
                widget.attrs["aria-describedby"] = f"id_{self.add_prefix(name)}_help"
            if isinstance(field, forms.DateField):
                field.input_formats = DATE_FORMATS
                field.error_messages["invalid"] = _("Enter a date as dd/mm/yyyy, e.g. 15/05/2019.")

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                widget = self.fields[name].widget
                cleaned[name] = (clean_text(value) if isinstance(widget, forms.Textarea)
                                 else clean_line(value) if isinstance(widget, forms.TextInput) else clean_input(value))
        return cleaned


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return f"{'— ' * max(obj.depth - 1, 0)}{obj}"


class DirectiveForm(_Styled, forms.ModelForm):
    """Registering or editing one document. Model invariants (identity, dates within the term)
    are checked by ``is_valid``; the symbol and duplicate rules by the service."""

    class Meta:
        model = Directive
        fields = ["issuer", "kind", "number", "symbol_printed", "issue_date", "year", "term", "plenum",
                  "title", "status", "note"]
        widgets = {"issue_date": DATE_INPUT, "title": forms.Textarea(attrs={"rows": 3}),
                   "note": forms.Textarea(attrs={"rows": 2}),
                   "number": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                   "symbol_printed": forms.TextInput(attrs={"autocomplete": "off", "placeholder": "156-KH/TU"})}
        labels = {"symbol_printed": _("Symbol (số và ký hiệu)"), "title": _("Title (trích yếu)")}
        help_texts = {
            "symbol_printed": _("As printed on the document, e.g. 156-KH/TU. The number is read from it when left empty."),
            "year": _("Only when the issue date is unknown."),
        }

    def __init__(self, *args, organs=None, terms=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = organs
        self.fields["issuer"].label_from_instance = lambda o: f"{o.name} ({o.organization})" if o.organization_id else o.name
        self.fields["term"].queryset = terms
        self.fields["number"].required = False
        self.fields["title"].max_length = 2000
        self.fields["title"].widget.attrs["maxlength"] = 2000
        self.fields["note"].widget.attrs["maxlength"] = 2000
        self.fields["year"].min_value, self.fields["year"].max_value = 1930, 2100
        self.fields["plenum"].max_value = 99

    def _post_clean(self):
        """Model validation after the service has filled the number from the symbol (the view
        runs ``is_valid`` only for field parsing; the service runs ``full_clean``)."""
        self.instance = forms.models.construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)


class AssignmentForm(_Styled, forms.ModelForm):
    organization = UnitChoiceField(label=_("Organisation (and the units below it)"), queryset=Organization.objects.none())

    class Meta:
        model = Assignment
        fields = ["organization", "reporter_kind", "frequency", "start", "end", "due_days"]
        widgets = {"start": DATE_INPUT, "end": DATE_INPUT}
        help_texts = {"reporter_kind": _("Which units inside it report, e.g. every party cell."),
                      "end": _("Leave empty while the assignment runs.")}

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = units
        self.fields["due_days"].min_value, self.fields["due_days"].max_value = 0, 120
        self.fields["due_days"].widget.attrs.update(min=0, max=120)

    def _post_clean(self):
        self.instance = forms.models.construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)


class AssignmentEndForm(_Styled, forms.Form):
    end = forms.DateField(label=_("Last day of the assignment"), widget=DATE_INPUT)


class TargetForm(_Styled, forms.ModelForm):
    organization = UnitChoiceField(label=_("Whose goal"), queryset=Organization.objects.none(), required=False,
                                   empty_label=_("Every assigned unit"))

    class Meta:
        model = Target
        fields = ["name", "organization", "value", "unit", "start", "deadline", "aggregation"]
        widgets = {"start": DATE_INPUT, "deadline": DATE_INPUT}
        labels = {"name": _("Target"), "unit": _("Unit of measure")}
        help_texts = {"unit": _("e.g. đảng viên, chi bộ, %")}

    def __init__(self, *args, units=None, everyone: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = units
        self.fields["organization"].required = not everyone
        if not everyone:
            self.fields["organization"].empty_label = None
        self.fields["value"].localize = True
        self.fields["value"].widget.is_localized = True

    def _post_clean(self):
        self.instance = forms.models.construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)


class DeclineForm(_Styled, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("The requester sees it on their report's links page."))
