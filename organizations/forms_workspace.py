"""Forms of the tree workspace. They bind and validate input; the rules live in the services.

``organizations`` may not import the report forms of ``meetings`` (dependencies point one
way), so the two small conveniences those forms share — NFC one-line text, Bootstrap classes
on widgets — are written here again for the workspace's own fields.
"""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Organization, OrgKind
from .services.reorganisation import REASON_MAX
from .text import clean_line, clean_text

DATE_INPUT = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
#: Longest query the unit pickers accept (a unit's full name is at most 255 characters).
QUERY_MAX = 200


class WorkspaceForm(forms.Form):
    """Bootstrap classes on every widget; one-line text cleaned (NFC, no control characters)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for fld in self.fields.values():
            widget = fld.widget
            if isinstance(widget, (forms.HiddenInput, forms.RadioSelect)):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            fld = self.fields.get(name)
            if isinstance(value, str) and isinstance(getattr(fld, "widget", None), forms.TextInput):
                cleaned[name] = clean_line(value)
                if fld.required and value and not cleaned[name]:
                    self.add_error(name, fld.error_messages["required"])
        return cleaned


class UnitForm(WorkspaceForm):
    """A unit's own fields: the create form has a code too, the edit form does not (codes
    are stable identifiers, never reused or rewritten)."""

    code = forms.CharField(label=_("Unit code"), max_length=64,
                           help_text=_("A stable identifier, unique in the whole tree and never reused."))
    name = forms.CharField(label=_("Name"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=120, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrgKind.choices)
    member_count = forms.IntegerField(label=_("Party members"), min_value=0, max_value=10_000_000, initial=0)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DATE_INPUT,
                                 help_text=_("The date the unit was set up, as dd/mm/yyyy (may be left empty)."))

    def __init__(self, *args, with_code: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_code:
            del self.fields["code"]

    @classmethod
    def for_unit(cls, org: Organization, data=None) -> UnitForm:
        initial = {name: getattr(org, name) for name in ("name", "short_name", "kind", "member_count", "valid_from")}
        return cls(data, initial=initial, with_code=False)


class PickForm(WorkspaceForm):
    """Find a unit by name or code (accents optional), then choose one of the hits."""

    q = forms.CharField(label=_("Name or code"), max_length=QUERY_MAX, required=False)


class ReorganiseFields(WorkspaceForm):
    """The date and the reason every dated change of the tree records (its history)."""

    effective = forms.DateField(
        label=_("Effective from"), widget=DATE_INPUT,
        help_text=_("The first day of the new structure, as dd/mm/yyyy; the unit ends in its old place the day before."))
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("The decision and its number, e.g. Quyết định số 321-QĐ/TW."))

    def clean(self):
        cleaned = super().clean()
        if isinstance(cleaned.get("reason"), str):
            cleaned["reason"] = clean_text(cleaned["reason"])
        return cleaned


class MoveForm(ReorganiseFields):
    pass


class CloseForm(ReorganiseFields):
    successor_q = forms.CharField(
        label=_("Merged into (optional)"), max_length=QUERY_MAX, required=False,
        help_text=_("Name or code of the unit its work goes to; leave empty when the unit is dissolved."))
    successor = forms.IntegerField(required=False, widget=forms.HiddenInput)
