"""Writes to the organisation tree, terms, people and roles.

Every function is keyword-only, atomic, validates with ``full_clean()`` and takes the
acting user, so that an admin can only change the part of the tree their role covers.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Organization, Person, Position, Role, RoleKind, Term
from .selectors import can_access


def _require_admin(actor, org: Organization | None) -> None:
    if actor is None or getattr(actor, "is_superuser", False):
        return
    if org is None or not can_access(actor, org, kinds=[RoleKind.ADMIN]):
        raise PermissionDenied(_("You are not an administrator of this part of the tree."))


@transaction.atomic
def organization_create(*, actor, parent: Organization | None, code: str, name: str, kind: str,
                        short_name: str = "", member_count: int = 0,
                        valid_from: dt.date | None = None) -> Organization:
    """Create a unit under ``parent`` (or a root when ``parent`` is None: operators only)."""
    if parent is None and actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("Only operators can create a root organisation."))
    _require_admin(actor, parent)
    org = Organization(code=code, name=name, short_name=short_name, kind=kind,
                       member_count=member_count, valid_from=valid_from)
    org.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        return Organization.objects.add_root(instance=org)
    return Organization.objects.add_child(Organization.objects.get(pk=parent.pk), instance=org)


@transaction.atomic
def organization_update(*, actor, organization: Organization, **fields) -> Organization:
    _require_admin(actor, organization)
    for name, value in fields.items():
        setattr(organization, name, value)
    organization.full_clean()
    organization.save()
    return organization


@transaction.atomic
def organization_move(*, actor, organization: Organization, new_parent: Organization) -> Organization:
    """Move a unit and its whole subtree under ``new_parent``; both ends must be in scope."""
    _require_admin(actor, organization)
    _require_admin(actor, new_parent)
    if new_parent.path.startswith(organization.path):
        raise ValidationError(_("A unit cannot be moved under itself or its own descendants."))
    Organization.objects.move(organization, new_parent, "sorted-child")
    organization.refresh_from_db()
    return organization


@transaction.atomic
def organization_dissolve(*, actor, organization: Organization, on: dt.date,
                          successors: list[Organization] | tuple = ()) -> Organization:
    """End a unit's validity (dissolved or merged into ``successors``). Its reports stay with it."""
    _require_admin(actor, organization)
    if organization.valid_from and on < organization.valid_from:
        raise ValidationError(_("A unit cannot be dissolved before it was created."))
    organization.valid_to = on
    organization.full_clean()
    organization.save(update_fields=["valid_to"])
    if successors:
        organization.successors.add(*successors)
    return organization


@transaction.atomic
def organization_merge(*, actor, sources: list[Organization], target: Organization, on: dt.date) -> Organization:
    """Merge several units into ``target`` (N→1): each source ends on ``on`` and points to it."""
    for source in sources:
        organization_dissolve(actor=actor, organization=source, on=on, successors=[target])
    return target


@transaction.atomic
def term_create(*, actor, organization: Organization | None = None, organ=None, ordinal: int,
                start_year: int, end_year: int, name: str = "") -> Term:
    if organization is not None:
        _require_admin(actor, organization)
    term = Term(organization=organization, organ=organ, ordinal=ordinal, start_year=start_year,
                end_year=end_year, name=name)
    term.full_clean()
    term.save()
    return term


@transaction.atomic
def person_create(*, actor, full_name: str, note: str = "") -> Person:
    person = Person(full_name=full_name, note=note)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def position_assign(*, actor, person: Person, organization: Organization, title: str, label: str = "",
                    start: dt.date | None = None, end: dt.date | None = None) -> Position:
    _require_admin(actor, organization)
    position = Position(person=person, organization=organization, title=title, label=label, start=start, end=end)
    position.full_clean()
    position.save()
    return position


@transaction.atomic
def role_grant(*, actor, user, organization: Organization, kind: str) -> Role:
    """Grant a role; an admin can grant roles only inside their own subtree."""
    _require_admin(actor, organization)
    role = Role(user=user, organization=organization, kind=kind)
    role.full_clean()
    role.save()
    return role
