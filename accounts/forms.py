"""Forms of the account pages. Every unit offered or accepted lies in the actor's admin subtree.

The unit picker is a search box and a drop-down in the same form: "Find units" sends the form
back with everything typed kept and the drop-down narrowed to the units whose name or code
matches (accents optional). A unit id from outside the subtree is an invalid choice, never a
hint that the unit exists.
"""
from __future__ import annotations

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization, RoleKind
from organizations.text import clean_line

from .selectors import managed_units, unit_choices
from .spreadsheet import MAX_ROWS, MAX_UPLOAD_BYTES

#: Longest search typed into a picker or the list's search box.
MAX_QUERY = 200


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return f"{obj.name} ({obj.code})"


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


ROLE_CHOICES = [("", _("Choose a role"))] + list(RoleKind.choices)


class UnitPickerMixin:
    """Adds ``unit_q`` (the picker's search) and ``organization`` limited to the actor's subtree."""

    def _setup_units(self, actor) -> None:
        unit = self.fields["organization"]
        unit.queryset = managed_units(actor).filter(valid_to__isnull=True)
        query = clean_line(str(self.data.get("unit_q", ""))[:MAX_QUERY]) if self.is_bound else ""
        selected = None
        if self.is_bound and str(self.data.get("organization", "")).isdigit():
            selected = unit.queryset.filter(pk=int(self.data["organization"])).first()
        units = unit_choices(actor, query, selected)
        unit.widget.choices = [("", _("Choose a unit") if units else _("No unit matches: search again"))] + [
            (str(o.pk), unit.label_from_instance(o)) for o in units]
        self.unit_query = query
        self.unit_count = len(units)

    def without_errors(self):
        """The form as typed, not judged: the picker's search is not an attempt to submit."""
        from django.forms.utils import ErrorDict

        self._errors = ErrorDict()
        return self


class AccountCreateForm(UnitPickerMixin, forms.Form):
    username = forms.CharField(
        label=_("User name"), max_length=150, validators=[UnicodeUsernameValidator()],
        help_text=_("Used to log in: letters, digits and @ . + - _ only, e.g. nguyenvanan or an.nv."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}))
    full_name = forms.CharField(label=_("Full name"), max_length=150,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    unit_q = forms.CharField(label=_("Find a unit"), required=False, max_length=MAX_QUERY,
                             help_text=_("Type part of the name or the code (accents optional), then press “Find units”."),
                             widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    organization = UnitField(label=_("Unit"), queryset=Organization.objects.none(),
                             help_text=_("The unit where the account gets its first role; only units of your part of "
                                         "the tree are offered."))
    kind = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)

    def __init__(self, data=None, *, actor) -> None:
        super().__init__(data)
        self._setup_units(actor)
        _style(self)

    def clean_username(self) -> str:
        return clean_line(self.cleaned_data["username"])

    def clean_full_name(self) -> str:
        value = clean_line(self.cleaned_data["full_name"])
        if not value:
            raise forms.ValidationError(_("Enter the person's full name."))
        return value


class AccountEditForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)

    def __init__(self, data=None, *, initial=None) -> None:
        super().__init__(data, initial=initial)
        _style(self)

    def clean_full_name(self) -> str:
        value = clean_line(self.cleaned_data["full_name"])
        if not value:
            raise forms.ValidationError(_("Enter the person's full name."))
        return value


class RoleGrantForm(UnitPickerMixin, forms.Form):
    unit_q = forms.CharField(label=_("Find a unit"), required=False, max_length=MAX_QUERY,
                             help_text=_("Type part of the name or the code (accents optional), then press “Find units”."),
                             widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    organization = UnitField(label=_("Unit"), queryset=Organization.objects.none())
    kind = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)

    def __init__(self, data=None, *, actor) -> None:
        super().__init__(data)
        self._setup_units(actor)
        _style(self)


class AccountFilterForm(forms.Form):
    """The list's GET filters; an invalid one is reported and ignored."""

    q = forms.CharField(label=_("User name, name or e-mail"), required=False, max_length=MAX_QUERY,
                        help_text=_("Accents are optional."),
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    unit = UnitField(label=_("Unit"), required=False, queryset=Organization.objects.none(),
                     empty_label=_("All units of my part of the tree"), help_text=_("Includes the units below it."))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("All accounts")), ("active", _("Active")), ("disabled", _("Disabled"))])

    def __init__(self, data, *, actor) -> None:
        super().__init__(data)
        unit = self.fields["unit"]
        unit.queryset = managed_units(actor)
        selected = None
        if str(data.get("unit", "")).isdigit():
            selected = unit.queryset.filter(pk=int(data["unit"])).first()
        unit.widget.choices = [("", unit.empty_label)] + [
            (str(o.pk), unit.label_from_instance(o)) for o in unit_choices(actor, "", selected)]
        _style(self)

    def values(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields if name not in self.errors}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

    def __init__(self, data=None, files=None) -> None:
        super().__init__(data, files)
        self.fields["file"].help_text = _(
            "One account per row, with the columns username, full_name, email, unit_code and role "
            "(staff, leader or admin); at most %(rows)d rows and %(size)d KB."
        ) % {"rows": MAX_ROWS, "size": MAX_UPLOAD_BYTES // 1024}
        _style(self)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)d KB; the most accepted is %(max)d KB: split it into several files.")
                % {"size": (upload.size + 1023) // 1024, "max": MAX_UPLOAD_BYTES // 1024})
        name = (upload.name or "").lower()
        if not name.endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Choose an Excel workbook (.xlsx) or a CSV file (.csv)."))
        return upload
