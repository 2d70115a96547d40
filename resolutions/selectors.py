"""Reads of the directive register.

The register is shared: every signed-in user may read it, so these selectors take no
scope. They own the joins so that list pages run a fixed number of queries whatever the
page size.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Prefetch
from django.http import QueryDict
from django.shortcuts import get_object_or_404

from organizations.models import Organ, Term

from .filters import DirectiveFilter
from .models import Assignment, Directive, Target

#: Assignments and targets shown on a directive page; a national directive may be assigned
#: to every province, so the page shows the first ones and says how many there are.
DETAIL_ROWS = 100


def directive_list(params: QueryDict | dict) -> DirectiveFilter:
    """The register filtered by ``params``; ``.qs`` is ordered newest first, undated last."""
    queryset = (
        Directive.objects.select_related("issuer")
        .defer("search_text", "note")
        .order_by(F("issue_date").desc(nulls_last=True), "kind", "number", "pk")
    )
    return DirectiveFilter(params or None, queryset=queryset)


@dataclass
class DirectiveDetail:
    directive: Directive
    assignments: list[Assignment]
    assignment_count: int
    targets: list[Target]
    target_count: int


def directive_detail(pk: int) -> DirectiveDetail:
    """One directive with everything its page shows, in a bounded number of queries."""
    directive = get_object_or_404(
        Directive.objects.select_related("issuer", "term__organization", "term__organ").prefetch_related(
            "aliases",
            Prefetch("implements", queryset=Directive.objects.select_related("issuer").order_by("issue_date")),
            Prefetch("implemented_by", queryset=Directive.objects.select_related("issuer").order_by("issue_date")),
        ),
        pk=pk,
    )
    assignments = directive.assignments.select_related("organization").order_by("organization__path", "start")
    targets = directive.targets.select_related("organization").order_by("name")
    assignment_rows = list(assignments[:DETAIL_ROWS])
    target_rows = list(targets[:DETAIL_ROWS])
    return DirectiveDetail(
        directive=directive,
        assignments=assignment_rows,
        assignment_count=_count(assignments, assignment_rows),
        targets=target_rows,
        target_count=_count(targets, target_rows),
    )


def _count(queryset, first_rows: list) -> int:
    """The full count, queried only when the first page is full."""
    return queryset.count() if len(first_rows) >= DETAIL_ROWS else len(first_rows)


#: The issuers and terms of the register, as the filter form offers them (see register_choices).
CHOICES_KEY = "dashboard:register-choices:v1"


def register_choices() -> dict[str, list[tuple[str, str]]]:
    """Issuers and terms that occur in the directive register, as (id, label); cached.

    Every dashboard page offers them, and they change only when the register does: two
    queries and their model instances on every page otherwise. ``forget_register_choices``
    runs on every save or delete of a directive, organ, term or organisation (apps.py); the
    timeout is only a safety net.
    """
    choices = cache.get(CHOICES_KEY)
    if choices is None:
        issuers = Organ.objects.filter(pk__in=Directive.objects.values("issuer_id")).order_by("name")
        terms = (Term.objects.filter(pk__in=Directive.objects.exclude(term=None).values("term_id"))
                 .select_related("organization", "organ").order_by("-start_year", "ordinal"))
        choices = {"issuers": [(str(o.pk), str(o)) for o in issuers], "terms": [(str(t.pk), str(t)) for t in terms]}
        cache.set(CHOICES_KEY, choices, 600)
    return choices


def forget_register_choices(**kwargs) -> None:
    """Drop the cached choices now and again when the saving transaction commits.

    (A request between the two could otherwise cache the rows as they were before the commit.)
    """
    cache.delete(CHOICES_KEY)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: cache.delete(CHOICES_KEY))
