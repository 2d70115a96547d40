"""FilterSets of the directive register (applied by ``selectors.directive_list``)."""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext_lazy

from organizations.models import Organ, Term
from organizations.text import search_key

from .models import Directive, DirectiveAlias, DirectiveStatus
from .symbols import DirectiveKind
from .widgets import speed_up

#: Django's own form messages that its Vietnamese catalog (5.2) leaves in English, though our
#: forms show them (a NUL pasted into a field, a 100 KB title, a 20-digit number): named here
#: so that ``make messages`` carries them into our catalogs, which Django reads before its own.
DJANGO_MESSAGES = (
    gettext_noop("Null characters are not allowed."),
    ngettext_lazy("Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
                  "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
                  "limit_value"),
    ngettext_lazy("Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
                  "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
                  "limit_value"),
    ngettext_lazy("Ensure that there are no more than %(max)s digit before the decimal point.",
                  "Ensure that there are no more than %(max)s digits before the decimal point.", "max"),
)

#: The largest id a PostgreSQL ``bigint`` holds: a longer number is nobody's id.
MAX_ID = 2**63 - 1


def query_int(value: object, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """A number from a query string, or None: ASCII digits only, within [minimum, maximum].

    Why not ``int()``: it takes "²"-like digits of other scripts, signs, spaces and
    underscores ("1_000"), and a 5,000-digit string raises; an id or a page number is
    none of those. Shared with ``meetings`` (which may depend on this app).
    """
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > len(str(maximum)) or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


class StyledFilterSet(django_filters.FilterSet):
    """Bootstrap classes on every widget, so one template renders any filter form.

    Shared with ``meetings.filters`` (meetings may depend on resolutions, not the reverse).
    """

    @property
    def form(self) -> forms.Form:
        form = super().form
        if not getattr(form, "_styled", False):
            for field in form.fields.values():
                widget = field.widget
                css = "form-select" if isinstance(widget, forms.Select) else "form-control"
                widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
                speed_up(widget)
            form._styled = True
        return form


def folded_search(queryset: QuerySet, value: str, field: str = "search_text") -> QuerySet:
    """Accent-insensitive containment on a stored folded key ("chi thi" finds "Chỉ thị")."""
    key = search_key(value)
    if not key:
        return queryset
    return queryset.filter(**{f"{field}__contains": key})


class DirectiveFilter(StyledFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_q",
        help_text=_("Symbol, title or a known name; accents are optional."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=DirectiveKind.choices, empty_label=_("All kinds"))
    issuer = django_filters.ModelChoiceFilter(label=_("Issuer"), queryset=Organ.objects.none(), empty_label=_("All issuers"))
    term = django_filters.ModelChoiceFilter(label=_("Term"), queryset=Term.objects.none(), empty_label=_("All terms"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DirectiveStatus.choices, empty_label=_("Any status"))
    year = django_filters.NumberFilter(label=_("Year"), field_name="year",
                                       widget=forms.NumberInput(attrs={"min": 1930, "max": 2100, "inputmode": "numeric"}))

    class Meta:
        model = Directive
        fields = ["q", "kind", "issuer", "term", "status", "year"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only bodies and terms that occur in the register: the country has thousands of
        # organs, but a few dozen issue the directives people look up.
        self.filters["issuer"].queryset = Organ.objects.filter(
            pk__in=Directive.objects.values("issuer_id")).order_by("name")
        self.filters["term"].queryset = (
            Term.objects.filter(pk__in=Directive.objects.exclude(term=None).values("term_id"))
            .select_related("organization", "organ").order_by("-start_year", "ordinal"))

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Search the folded symbol/title key and the folded aliases ("nghi quyet trung uong 4")."""
        key = search_key(value)
        if not key:
            return queryset
        aliased = DirectiveAlias.objects.filter(key__contains=key).values("directive_id")
        return queryset.filter(Q(search_text__contains=key) | Q(pk__in=aliased))
