"""Reads for committee admins keeping the register in the product's own pages.

What an admin may touch is decided here once, for the views (404 outside scope) and the
pages (which buttons to draw); the services check the same rules again before writing.
A document belongs to the unit of its issuing organ, so an admin edits the documents of
organs inside their admin subtree; any document may be assigned to units of that subtree;
registration requests are seen by the admins whose subtree covers the requesting unit.
"""
from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from organizations.actors import is_operator
from organizations.models import Organ, Organization, OrgKind, RoleKind, Term
from organizations.selectors import can_access, organizations_in_scope, scope_paths, scope_q
from organizations.text import search_key

from .models import Assignment, Directive, RegistrationRequest, RequestStatus, Target

ADMIN = (RoleKind.ADMIN,)
#: Units offered in the assignment form: an assignment names a subtree and the kind of unit
#: in it that reports, so cells are reached through ``reporter_kind``, never listed one by one
#: (a city has thousands). The list is bounded all the same.
ASSIGNABLE_LIMIT = 500


def is_register_admin(user) -> bool:
    """An operator, or an admin of at least one unit that still exists."""
    paths = scope_paths(user, ADMIN)
    return paths is None or bool(paths)


def issuer_organs(user) -> QuerySet[Organ]:
    """Organs whose documents the user registers: those of units in their admin subtree."""
    organs = Organ.objects.select_related("organization").order_by("organization__path", "name")
    if is_operator(user):
        return organs
    return organs.filter(scope_q(user, "organization", ADMIN))


def register_terms(user) -> QuerySet[Term]:
    """Terms a document of the user's organs may belong to (their units' and their ancestors')."""
    terms = Term.objects.select_related("organization", "organ").order_by("-start_year", "ordinal")
    if is_operator(user):
        return terms
    paths = scope_paths(user, ADMIN) or []
    step = Organization.steplen
    above = {p[:i] for p in paths for i in range(step, len(p) + 1, step)}
    return terms.filter(scope_q(user, "organization", ADMIN) | Q(organization__path__in=above))


def own_directives(user, query: str = "") -> QuerySet[Directive]:
    """The documents the user may edit, newest first; ``query`` searches symbol and title."""
    qs = Directive.objects.select_related("issuer").defer("search_text", "note")
    if not is_operator(user):
        qs = qs.filter(scope_q(user, "issuer__organization", ADMIN))
    key = search_key(query)
    if key:
        qs = qs.filter(search_text__contains=key)
    return qs.order_by("-issue_date", "kind", "number", "pk")


def can_edit_directive(user, directive: Directive) -> bool:
    if is_operator(user):
        return True
    org = directive.issuer.organization if directive.issuer_id else None
    return org is not None and can_access(user, org, ADMIN)


def directive_for_edit_or_404(user, pk: int) -> Directive:
    directive = get_object_or_404(Directive.objects.select_related("issuer__organization", "term"), pk=pk)
    if not can_edit_directive(user, directive):
        raise Http404
    return directive


def directive_or_404(pk: int) -> Directive:
    return get_object_or_404(Directive.objects.select_related("issuer__organization"), pk=pk)


def assignable_units(user) -> QuerySet[Organization]:
    """Units of the user's admin subtree that an assignment may name (no cells), bounded."""
    qs = organizations_in_scope(user, ADMIN).filter(valid_to__isnull=True).exclude(kind=OrgKind.CELL)
    first = list(qs.order_by("path").values_list("pk", flat=True)[:ASSIGNABLE_LIMIT])
    return Organization.objects.filter(pk__in=first).order_by("path")  # a form field cannot look up in a slice


def assignments_in_scope(user, directive: Directive) -> list[Assignment]:
    """The directive's assignments at units of the user's admin subtree (the ones they may end)."""
    qs = directive.assignments.select_related("organization").order_by("organization__path", "start")
    if not is_operator(user):
        qs = qs.filter(scope_q(user, "organization", ADMIN))
    return list(qs[:200])


def assignment_in_scope_or_404(user, pk: int) -> Assignment:
    qs = Assignment.objects.select_related("directive__issuer", "organization")
    if not is_operator(user):
        qs = qs.filter(scope_q(user, "organization", ADMIN))
    return get_object_or_404(qs, pk=pk)


def target_units(user, directive: Directive) -> QuerySet[Organization] | None:
    """Units the user may set a goal for on ``directive``; ``None`` when they may set none.

    The issuer's admins (and operators): any unit of their subtree. Any other admin: the
    units of their subtree covered by an assignment of the directive in their subtree.
    """
    units = organizations_in_scope(user, ADMIN).filter(valid_to__isnull=True).exclude(kind=OrgKind.CELL)
    if can_edit_directive(user, directive):
        return units.order_by("path")
    assigned = [a.organization.path for a in assignments_in_scope(user, directive)]
    if not assigned:
        return None
    q = Q()
    for path in assigned:
        q |= Q(path__startswith=path)
    return units.filter(q).order_by("path")


def target_in_scope_or_404(user, pk: int) -> Target:
    target = get_object_or_404(Target.objects.select_related("directive__issuer__organization", "organization"), pk=pk)
    units = target_units(user, target.directive)
    if units is None:
        raise Http404
    if target.organization_id is None:
        if not can_edit_directive(user, target.directive):
            raise Http404
    elif not units.filter(pk=target.organization_id).exists():
        raise Http404
    return target


def targets_in_scope(user, directive: Directive) -> list[Target]:
    """The directive's targets the user may change."""
    units = target_units(user, directive)
    if units is None:
        return []
    qs = directive.targets.select_related("organization").order_by("name")
    if is_operator(user):
        return list(qs[:200])
    q = Q(organization__in=units.values("pk"))
    if can_edit_directive(user, directive):
        q |= Q(organization__isnull=True)
    return list(qs.filter(q)[:200])


# --- registration requests -------------------------------------------------------------------

def registration_requests(user, status: str | None = RequestStatus.OPEN) -> QuerySet[RegistrationRequest]:
    """Requests from units of the user's admin subtree (all for operators), newest first."""
    qs = RegistrationRequest.objects.select_related("organization", "requested_by", "decided_by", "directive")
    if not is_operator(user):
        qs = qs.filter(scope_q(user, "organization", ADMIN))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-requested_at", "-pk")


def registration_request_or_404(user, pk: int) -> RegistrationRequest:
    return get_object_or_404(registration_requests(user, status=None), pk=pk)


def requests_for_report(report_id: int) -> list[RegistrationRequest]:
    """What became of the registration requests sent from one report (its links page shows them)."""
    return list(RegistrationRequest.objects.filter(report_id=report_id)
                .select_related("directive", "requested_by", "decided_by").order_by("-requested_at", "-pk")[:100])
