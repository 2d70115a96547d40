"""Reads of the directive register.

The register is shared: every signed-in user may read its directives. What a directive
asks of each part of the tree is not: a directive's page shows the assignments and
targets that concern the user (:func:`covering_q`). The selectors own the joins so that
list pages run a fixed number of queries whatever the page size.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import QueryDict
from django.shortcuts import get_object_or_404

from organizations.models import Organ, Organization, Term
from organizations.selectors import scope_paths, scope_q

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
    scoped: bool = False  # only the rows that concern the user (not a superuser) are listed


def covering_q(user, field: str = "organization") -> Q:
    """Rows (assignments, targets) at an organisation that concerns the user.

    An assignment at organisation X covers X's whole subtree, so a unit must see what was
    assigned from above it as well as what it assigned below: rows at an organisation
    inside the user's scope (``scope_q``), or at an ancestor of — or at — one of the
    units the user holds a role in. Everything else (another province's assignments,
    another unit's targets) stays hidden. Superusers see every row.
    """
    paths = scope_paths(user)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    step = Organization.steplen
    above = sorted({p[:i] for p in paths for i in range(step, len(p) + 1, step)})
    return scope_q(user, field) | Q(**{f"{field}__path__in": above})


def targets_for_unit(organization: Organization, directive_ids) -> QuerySet[Target]:
    """The targets a report of ``organization`` may contribute to, per directive.

    A target with no organisation is everyone's goal; one set at an organisation is that
    organisation's goal, which its own reports and those of every unit below it count
    towards. A sibling's or a cousin's goal is theirs alone: never offered, never accepted
    (and never shown: its name belongs to another committee).
    """
    step = Organization.steplen
    above = [organization.path[:i] for i in range(step, len(organization.path) + 1, step)]
    return (Target.objects.filter(directive_id__in=list(directive_ids))
            .filter(Q(organization__isnull=True) | Q(organization__path__in=above)).order_by("name"))


def directive_detail(user, pk: int) -> DirectiveDetail:
    """One directive with what its page shows the user, in a bounded number of queries.

    The directive itself is the shared register's; its assignments and targets are limited
    to those that concern the user (:func:`covering_q`; targets without an organisation
    are everyone's).
    """
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
    covering = covering_q(user)
    if covering:  # empty for superusers: every row (and ``Q(…) | Q()`` would drop the "every")
        assignments = assignments.filter(covering)
        targets = targets.filter(Q(organization__isnull=True) | covering)
    assignment_rows = list(assignments[:DETAIL_ROWS])
    target_rows = list(targets[:DETAIL_ROWS])
    return DirectiveDetail(
        directive=directive,
        assignments=assignment_rows,
        assignment_count=_count(assignments, assignment_rows),
        targets=target_rows,
        target_count=_count(targets, target_rows),
        scoped=not getattr(user, "is_superuser", False),
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


#: The earliest year of the register and the tree (see earliest_known_year).
EARLIEST_YEAR_KEY = "periods:earliest-known-year:v1"


def earliest_known_year() -> int | None:
    """The earliest year a term, a directive's issue date or a unit's validity starts; cached.

    The lower bound of every period (``periods.known_bounds``). Every dashboard page with a
    chosen period asks for it, and a ``MIN`` over the organisation tree is a scan of 120,000
    rows, so it is kept with the register's choices and forgotten with them
    (``forget_register_choices``: the same models change it).
    """
    cached = cache.get(EARLIEST_YEAR_KEY)
    if cached is not None:
        return cached or None  # 0: nothing known
    q = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(f"SELECT (SELECT MIN(start_year) FROM {q(Term._meta.db_table)}),"
                    f" (SELECT MIN(issue_date) FROM {q(Directive._meta.db_table)}),"
                    f" (SELECT MIN(valid_from) FROM {q(Organization._meta.db_table)})")
        term_year, issued, valid_from = cur.fetchone()
    years = [int(term_year)] if term_year else []
    years += [_year(d) for d in (issued, valid_from) if d]
    earliest = min(years, default=0)
    cache.set(EARLIEST_YEAR_KEY, earliest, 600)
    return earliest or None


def _year(value) -> int:
    """The year of a date as the database returns it (SQLite gives a string from a subquery)."""
    return value.year if hasattr(value, "year") else int(str(value)[:4])


def forget_register_choices(**kwargs) -> None:
    """Drop the cached choices (and earliest year) now and again when the saving transaction commits.

    (A request between the two could otherwise cache the rows as they were before the commit.)
    """
    cache.delete_many([CHOICES_KEY, EARLIEST_YEAR_KEY])
    if connection.in_atomic_block:
        transaction.on_commit(lambda: cache.delete_many([CHOICES_KEY, EARLIEST_YEAR_KEY]))
