"""Writes to the directive register: directives, their aliases, targets and assignments.

The register is shared for reading by everyone; a document belongs to the organisation of
its issuing organ, so its admins (and operators) change it. State bodies' documents
(Quốc hội, Chính phủ) belong to no unit: operators keep them. An assignment or a target
names a subtree, which must also lie inside the actor's admin scope — otherwise one city
could assign its work to another's units.

Assigning is not issuing: a city's admins put a central directive to work in their own
units (that is how central documents reach cells), so an assignment needs only the
subtree. A target is a goal set by whoever issued the document or, for any document, by
the admins who assigned it, inside what they assigned (``_require_target_scope``).
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from organizations.actors import is_operator
from organizations.models import Organization, RoleKind
from organizations.selectors import can_access
from organizations.text import clean_line, clean_text

from .models import Assignment, Directive, DirectiveAlias, Target


def _require_register_admin(actor, directive: Directive) -> None:
    if is_operator(actor):
        return
    org = directive.issuer.organization if directive.issuer_id else None
    if org is None or not can_access(actor, org, kinds=[RoleKind.ADMIN]):
        raise PermissionDenied(_("Only administrators of the issuing organisation can change this document."))


def _require_subtree(actor, org: Organization | None) -> None:
    if org is not None and not is_operator(actor) and not can_access(actor, org, kinds=[RoleKind.ADMIN]):
        raise PermissionDenied(_("You are not an administrator of this part of the tree."))


@transaction.atomic
def directive_save(*, actor, directive: Directive, implements: list[Directive] | None = None) -> Directive:
    """Create or change a directive (its symbol and search key are derived in ``clean``)."""
    if directive.pk:
        _require_register_admin(actor, Directive.objects.select_related("issuer__organization").get(pk=directive.pk))
    _require_register_admin(actor, directive)
    directive.title = clean_text(directive.title).strip()
    directive.note = clean_text(directive.note)
    directive.symbol_printed = clean_line(directive.symbol_printed)
    directive.full_clean()
    directive.save()
    if implements is not None:
        directive.implements.set(implements)
    return directive


def _child_save(actor, row, *, subtree: Organization | None = None):
    directive = Directive.objects.select_related("issuer__organization").get(pk=row.directive_id)
    _require_register_admin(actor, directive)
    if row.pk:
        stored = type(row).objects.get(pk=row.pk)
        _require_subtree(actor, getattr(stored, "organization", None))
    _require_subtree(actor, subtree)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def alias_save(*, actor, alias: DirectiveAlias) -> DirectiveAlias:
    alias.text = clean_line(alias.text)
    return _child_save(actor, alias)


def _require_target_scope(actor, directive: Directive, org: Organization | None) -> None:
    """The issuer's admins set goals anywhere in their subtree (or for everyone assigned);
    other admins only at a unit of their subtree that an assignment of theirs covers."""
    if is_operator(actor):
        return
    issuer_org = directive.issuer.organization if directive.issuer_id else None
    if issuer_org is not None and can_access(actor, issuer_org, kinds=[RoleKind.ADMIN]):
        _require_subtree(actor, org)
        return
    if org is None:
        raise PermissionDenied(_("Only administrators of the issuing organisation can set a goal for every unit."))
    _require_subtree(actor, org)
    step = Organization.steplen
    covering = [org.path[:i] for i in range(step, len(org.path) + 1, step)]
    assigned = Assignment.objects.filter(directive=directive, organization__path__in=covering).select_related("organization")
    if not any(can_access(actor, a.organization, kinds=[RoleKind.ADMIN]) for a in assigned):
        raise PermissionDenied(_("Assign this directive to the unit (or a unit above it) before setting its targets."))


@transaction.atomic
def target_save(*, actor, target: Target) -> Target:
    target.name, target.unit = clean_line(target.name), clean_line(target.unit)
    directive = Directive.objects.select_related("issuer__organization").get(pk=target.directive_id)
    if target.pk:
        stored = Target.objects.select_related("organization").get(pk=target.pk)
        _require_target_scope(actor, directive, stored.organization)
    _require_target_scope(actor, directive, target.organization)
    target.full_clean()
    target.save()
    return target


@transaction.atomic
def assignment_save(*, actor, assignment: Assignment) -> Assignment:
    """Create or change an assignment: the subtree (before and after) must be the actor's."""
    if assignment.pk:
        _require_subtree(actor, Assignment.objects.select_related("organization").get(pk=assignment.pk).organization)
    org = Organization.objects.filter(pk=assignment.organization_id).first()
    if org is None and not is_operator(actor):
        raise PermissionDenied(_("You are not an administrator of this part of the tree."))
    _require_subtree(actor, org)
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def register_row_delete(*, actor, row: DirectiveAlias | Target | Assignment) -> None:
    """Remove an alias, a target or an assignment (a target with contributions is protected)."""
    directive = Directive.objects.select_related("issuer__organization").get(pk=row.directive_id)
    if isinstance(row, Assignment):
        _require_subtree(actor, Assignment.objects.select_related("organization").get(pk=row.pk).organization)
    elif isinstance(row, Target):
        _require_target_scope(actor, directive, Target.objects.select_related("organization").get(pk=row.pk).organization)
    else:
        _require_register_admin(actor, directive)
    row.delete()
