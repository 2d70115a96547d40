"""The search page's GET form: the query, the kind tab and the filters.

Every choice is limited to what the user may see: the unit drop-down lists units of the
user's scope only, and a unit id from outside it is an invalid choice (never a hint that
the unit exists). Invalid filters are reported on the form and ignored by the search.
"""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.filters import DATE_INPUT, ORG_CHOICE_DEPTH, ORG_CHOICE_LIMIT
from meetings.models import ReportKind, ReportStatus
from organizations.models import Organization
from organizations.selectors import organizations_in_scope, scope_paths
from resolutions.filters import query_int
from resolutions.models import Directive, directive_label
from resolutions.widgets import speed_up

from .query import MAX_QUERY

#: One hit's kind, as its badge says it (the tabs above say the plural).
KIND_LABELS = {
    "report": _("Report"),
    "meeting": _("Meeting"),
    "directive": _("Directive"),
    "unit": _("Unit"),
    "person": _("Person"),
}

KIND_CHOICES = [
    ("report", _("Reports")),
    ("meeting", _("Meetings")),
    ("directive", _("Directives")),
    ("unit", _("Units")),
    ("person", _("People")),
]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return f"{'— ' * max(obj.depth - getattr(self, 'base_depth', 1), 0)}{obj}"


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), required=False, max_length=MAX_QUERY,
                        help_text=_("Words in any order, a phrase in quotes, or a document symbol; "
                                    "accents are optional."),
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    kind = forms.ChoiceField(label=_("Show"), required=False, choices=[("", _("Everything"))] + KIND_CHOICES)
    organization = UnitChoiceField(label=_("Unit"), required=False, queryset=Organization.objects.none(),
                                   empty_label=_("All units in my scope"), help_text=_("Includes the units below it."))
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)
    report_kind = forms.ChoiceField(label=_("Kind of report"), required=False,
                                    choices=[("", _("All kinds"))] + list(ReportKind.choices))
    status = forms.ChoiceField(label=_("Report status"), required=False,
                               choices=[("", _("Any status"))] + list(ReportStatus.choices))
    directive = forms.ModelChoiceField(label=_("Implements directive"), required=False,
                                       queryset=Directive.objects.none(), empty_label=_("Any directive"))

    def __init__(self, data, *, user) -> None:
        super().__init__(data)
        self.user = user
        unit = self.fields["organization"]
        unit.queryset = organizations_in_scope(user)
        unit.widget.choices = self._unit_choices(unit)
        directive = self.fields["directive"]
        directive.queryset = Directive.objects.order_by("kind", "-issue_date", "number")
        # The list is drawn from tuples: two hundred model instances on every results page
        # otherwise. The queryset still checks the value chosen.
        directive.widget.choices = [("", directive.empty_label)] + [
            (str(pk), directive_label(kind, symbol, title))
            for pk, kind, symbol, title in directive.queryset.values_list("pk", "kind", "symbol", "title")]
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            speed_up(widget)

    def _unit_choices(self, field: UnitChoiceField) -> list[tuple[str, str]]:
        """The top levels of the user's scope, plus the chosen unit when it is deeper
        (the tree has tens of thousands of cells: the list cannot hold them all)."""
        paths = scope_paths(self.user)
        if paths is not None and not paths:
            return [("", field.empty_label)]
        base_depth = 1 if paths is None else min(len(p) for p in paths) // Organization.steplen
        field.base_depth = base_depth
        columns = ("pk", "depth", "short_name", "name")  # what label_from_instance reads, as tuples
        orgs = list(field.queryset.filter(depth__lte=base_depth + ORG_CHOICE_DEPTH).order_by("path")
                    .values_list(*columns)[:ORG_CHOICE_LIMIT])
        selected = query_int(self.data.get("organization")) if self.is_bound else None
        if selected is not None and all(o[0] != selected for o in orgs):
            extra = field.queryset.filter(pk=selected).values_list(*columns).first()
            if extra is not None:
                orgs.append(extra)
        return [("", field.empty_label)] + [
            (str(pk), f"{'— ' * max(depth - base_depth, 0)}{short_name or name}") for pk, depth, short_name, name in orgs]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            # Both dates are kept in the boxes; the range is left out of the search.
            self.add_error("date_to", _("The end date is before the start date."))
            self.add_error("date_from", _("The start date is after the end date."))
        return data

    def values(self) -> dict:
        """The valid values (an invalid filter is left out rather than failing the search)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields if name not in self.errors}

    @property
    def filtered(self) -> bool:
        """Whether a filter beyond the query and the tab is set or refused (the filter panel
        opens: a refused filter's message must be seen, not folded away)."""
        values = self.values()
        filters = [name for name in self.fields if name not in ("q", "kind")]
        return any(values.get(name) for name in filters) or any(name in self.errors for name in filters)
