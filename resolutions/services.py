"""Writes to the directive register: directives, their aliases, targets and assignments.

The register is shared for reading by everyone; a document belongs to the organisation of
its issuing organ, so its admins (and operators) change it. State bodies' documents
(Quốc hội, Chính phủ) belong to no unit: operators keep them. An assignment or a target
names a subtree, which must also lie inside the actor's admin scope — otherwise one city
could assign its work to another's units.
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


@transaction.atomic
def target_save(*, actor, target: Target) -> Target:
    target.name, target.unit = clean_line(target.name), clean_line(target.unit)
    return _child_save(actor, target, subtree=target.organization)


@transaction.atomic
def assignment_save(*, actor, assignment: Assignment) -> Assignment:
    return _child_save(actor, assignment, subtree=assignment.organization)


@transaction.atomic
def register_row_delete(*, actor, row: DirectiveAlias | Target | Assignment) -> None:
    """Remove an alias, a target or an assignment (a target with contributions is protected)."""
    directive = Directive.objects.select_related("issuer__organization").get(pk=row.directive_id)
    _require_register_admin(actor, directive)
    _require_subtree(actor, getattr(row, "organization", None))
    row.delete()
