"""FilterSets of the report list (applied by ``selectors.report_list``)."""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from organizations.selectors import organizations_in_scope, scope_paths
from organizations.text import search_key
from resolutions.filters import StyledFilterSet, query_int
from resolutions.models import Directive

from .models import PeriodKind, Report, ReportKind, ReportStatus

DATE_INPUT = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})

#: Levels of the tree offered in the organisation drop-down below the user's top unit.
#: Deeper units are still accepted (links from an organisation page carry their id); the
#: drop-down just does not list tens of thousands of cells.
ORG_CHOICE_DEPTH = 2
ORG_CHOICE_LIMIT = 400


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return f"{'— ' * max(obj.depth - getattr(self, 'base_depth', 1), 0)}{obj}"


class OrganizationFilter(django_filters.ModelChoiceFilter):
    field_class = OrganizationChoiceField


class ReportFilter(StyledFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_q", help_text=_("Words of the title or the text; accents are optional."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    organization = OrganizationFilter(
        label=_("Organisation"), queryset=Organization.objects.none(), method="filter_organization",
        empty_label=_("All organisations in my scope"), help_text=_("Includes the units below it."),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReportStatus.choices, empty_label=_("Any status"))
    kind = django_filters.ChoiceFilter(label=_("Kind of report"), choices=ReportKind.choices, empty_label=_("All kinds"))
    period_kind = django_filters.ChoiceFilter(label=_("Reporting period"), choices=PeriodKind.choices,
                                              empty_label=_("Any period"))
    period_from = django_filters.DateFilter(label=_("Period from"), field_name="period_end", lookup_expr="gte",
                                            widget=DATE_INPUT)
    period_to = django_filters.DateFilter(label=_("Period to"), field_name="period_start", lookup_expr="lte",
                                          widget=DATE_INPUT)
    directive = django_filters.ModelChoiceFilter(label=_("Implements directive"), queryset=Directive.objects.none(),
                                                 method="filter_directive", empty_label=_("Any directive"))

    class Meta:
        model = Report
        fields = ["q", "organization", "status", "kind", "period_kind", "period_from", "period_to", "directive"]

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["organization"].queryset = organizations_in_scope(user)
        self.filters["directive"].queryset = Directive.objects.order_by("kind", "-issue_date", "number")

    @property
    def form(self) -> forms.Form:
        form = super().form
        field = form.fields["organization"]
        if not getattr(field, "_choices_limited", False):
            field.widget.choices = self._organization_choices(field)
            field._choices_limited = True
        return form

    def _organization_choices(self, field: OrganizationChoiceField) -> list[tuple[str, str]]:
        """The top levels of the user's scope, plus the selected unit when it is deeper."""
        paths = scope_paths(self.user)
        if paths is None:
            base_depth = 1
        elif not paths:
            return [("", field.empty_label)]
        else:
            base_depth = min(len(p) for p in paths) // Organization.steplen
        field.base_depth = base_depth
        orgs = list(field.queryset.filter(depth__lte=base_depth + ORG_CHOICE_DEPTH)
                    .order_by("path")[:ORG_CHOICE_LIMIT])
        selected = query_int(self.data.get("organization")) if self.is_bound else None
        if selected is not None and all(o.pk != selected for o in orgs):
            extra = field.queryset.filter(pk=selected).first()
            if extra is not None:
                orgs.append(extra)
        return [("", field.empty_label)] + [(str(o.pk), field.label_from_instance(o)) for o in orgs]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Title as typed, or the folded text key when it is filled (accent-insensitive)."""
        value = value.strip()
        if not value:
            return queryset
        key = search_key(value)
        condition = Q(title__icontains=value)
        if key:
            condition |= Q(search_text__contains=key)
        return queryset.filter(condition)

    def filter_organization(self, queryset: QuerySet, name: str, value: Organization) -> QuerySet:
        return queryset.filter(organization__path__startswith=value.path)

    def filter_directive(self, queryset: QuerySet, name: str, value: Directive) -> QuerySet:
        # (report, directive) is unique, so the join cannot duplicate rows.
        return queryset.filter(links__directive=value)
