"""The dashboards' filter form: period, directive kind, issuer, term and unit level (GET).

Every filter lives in the query string so a leader can bookmark or send a view. The
FilterSet validates the input and narrows the summary rows by directive; the period and the
unit level change *which* rows are read (a period, the children or a level below), so the
selectors take them from :meth:`DashboardFilter.directive_filters` instead of filtering.
"""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import periods as P
from .dashboards import LEVEL_LABELS, DirectiveFilters
from .filters import StyledFilterSet
from .models import ProgressSummary, SummaryPeriod
from .selectors import register_choices
from .symbols import DirectiveKind


def period_key_error(key: str) -> str:
    """Why ``key`` cannot be a dashboard's period ("" when it can), in the user's language."""
    try:
        period = P.parse_period(key)
    except ValueError:
        return gettext("This is not a period (use 2019-11, 2019-Q4, 2019-H2, 2019 or 2016-2020): "
                       "showing the current one.")
    bounds = P.known_bounds()
    if not bounds.admits(period):
        return gettext("Periods run from %(first)s to %(last)s: showing the current one.") % {
            "first": bounds.first_year, "last": bounds.last_year}
    return ""


def _unchanged(queryset: QuerySet, name: str, value) -> QuerySet:
    """Filters read by the selectors themselves (period, level) leave the rows alone here."""
    return queryset


class DashboardFilter(StyledFilterSet):
    period_kind = django_filters.ChoiceFilter(
        label=_("Kind of period"), choices=SummaryPeriod.choices, empty_label=None, method=_unchanged,
    )
    period = django_filters.CharFilter(
        label=_("Period"), method=_unchanged, widget=forms.Select,
        help_text=_("Periods with figures; the current one by default."),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of directive"), field_name="directive__kind", choices=DirectiveKind.choices, empty_label=_("All kinds"),
    )
    issuer = django_filters.ChoiceFilter(
        label=_("Issuer"), field_name="directive__issuer_id", choices=[], empty_label=_("All issuers"),
    )
    term = django_filters.ChoiceFilter(
        label=_("Term"), field_name="directive__term_id", choices=[], empty_label=_("All terms"),
    )
    level = django_filters.ChoiceFilter(
        label=_("Units compared"), choices=[(str(k), v) for k, v in LEVEL_LABELS.items()],
        empty_label=_("Units directly below"), method=_unchanged,
        help_text=_("In the matrix and the directive pages."),
    )

    class Meta:
        model = ProgressSummary
        fields = ["period_kind", "period", "kind", "issuer", "term", "level"]

    def __init__(self, data=None, *args, period_choices: list[tuple[str, str]] | None = None, **kwargs) -> None:
        super().__init__(data, *args, queryset=ProgressSummary.objects.none(), **kwargs)
        # The register's issuers and terms, read from the cache once for both fields: as
        # callables they were read again on every use (validation, then drawing each select).
        register = register_choices()
        self.filters["issuer"].extra["choices"] = register["issuers"]
        self.filters["term"].extra["choices"] = register["terms"]
        self._period: tuple[str, str] | None = None
        self.offer_periods(period_choices or [])

    def offer_periods(self, choices: list[tuple[str, str]]) -> None:
        """The periods the drop-down offers (set before the form is drawn).

        A bookmarked period without figures is still accepted: the selector says so on the page.
        """
        self.filters["period"].extra["widget"] = forms.Select(choices=[("", _("Current period"))] + list(choices))

    @property
    def form(self) -> forms.Form:
        form = super().form
        form.fields["period_kind"].widget.attrs["data-autosubmit"] = "period-kind"
        form.fields["period"].widget.attrs["data-autosubmit"] = "period"
        return form

    def period_kind_value(self) -> str:
        value = (self.data.get("period_kind") or "").strip() if self.data else ""
        return value if value in P.KINDS else P.MONTH

    def period_key(self) -> str:
        """The period asked for, if it is one the dashboards can show; "" (the default period) otherwise.

        Checked here, before any figure is read: a key that is not a period, or a period
        outside the years of the register (``periods.known_bounds``: year 1 or 9999 cannot
        be drawn, nor their neighbours computed), falls back to the default period, and the
        form says why next to the period field (:meth:`directive_filters`).
        """
        if self._period is None:
            key = (self.data.get("period") or "").strip() if self.data else ""
            self._period = (key, period_key_error(key)) if key else ("", "")
        key, error = self._period
        return "" if error else key

    def directive_filters(self) -> DirectiveFilters:
        """The validated directive and level filters; invalid values are ignored (and shown)."""
        if not self.is_bound:
            return DirectiveFilters()
        self.form.is_valid()  # fills cleaned_data with the valid fields; the form shows the errors
        self.period_key()
        if self._period[1] and "period" not in self.form.errors:
            self.form.add_error("period", self._period[1])
        data = self.form.cleaned_data
        issuer = data.get("issuer")
        term = data.get("term")
        level = data.get("level")
        return DirectiveFilters(
            kind=data.get("kind") or "",
            issuer_id=int(issuer) if issuer else None,
            term_id=int(term) if term else None,
            level=int(level) if level not in (None, "") else None,
        )
