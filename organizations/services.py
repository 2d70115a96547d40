"""Writes to the organisation tree, terms, people, positions and roles.

Every function is keyword-only and atomic, takes the acting user, checks that user's scope
*before* it touches anything, and validates with ``full_clean()``. There is no "no actor"
path: an operator (superuser) may act anywhere, an admin only inside the subtree their
admin role covers, and anyone else nowhere. A unit moved or re-parented takes its reports
with it, so both ends of a move must lie in the actor's scope — otherwise one committee
could hand its units (and their reports) to another, where other leaders would read them.
"""
from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .actors import is_operator
from .models import Organ, Organization, Person, Position, Role, RoleKind, Term
from .selectors import can_access, user_roles
from .text import clean_line

#: Fields of a unit its admin may change in place; the tree position changes by ``organization_move``.
ORG_EDITABLE = ("name", "short_name", "kind", "member_count", "valid_from", "valid_to")


def _require_admin(actor, org: Organization | None) -> None:
    """Operators act anywhere; an admin only inside the subtree of one of their admin roles."""
    if is_operator(actor):
        return
    if org is None or not can_access(actor, org, kinds=[RoleKind.ADMIN]):
        raise PermissionDenied(_("You are not an administrator of this part of the tree."))


def _strictly_below_admin_role(actor, org: Organization) -> bool:
    paths = [r.organization.path for r in user_roles(actor) if r.kind == RoleKind.ADMIN and r.organization.is_active]
    return any(org.path.startswith(p) and org.path != p for p in paths)


def _require_below_own_role(actor, org: Organization) -> None:
    """Moving, closing or re-kinding a unit is for the admins *above* it (or operators): done
    to the unit one's own role sits on, it would move, end or reshape one's whole scope —
    and end every other role held there, leaders' included."""
    if not is_operator(actor) and not _strictly_below_admin_role(actor, org):
        raise PermissionDenied(_("Only an administrator above this unit can move it, close it or change its kind."))


def _require_some_admin_role(actor) -> None:
    if is_operator(actor):
        return
    if not any(r.kind == RoleKind.ADMIN for r in user_roles(actor)):
        raise PermissionDenied(_("Only administrators can do this."))


def _clean_org_fields(fields: dict) -> dict:
    out = dict(fields)
    for name in ("name", "short_name"):
        if name in out:
            out[name] = clean_line(out[name] or "")
    return out


# --- the tree -------------------------------------------------------------------------------

@transaction.atomic
def organization_create(*, actor, parent: Organization | None, code: str, name: str, kind: str,
                        short_name: str = "", member_count: int = 0,
                        valid_from: dt.date | None = None) -> Organization:
    """Create a unit under ``parent``; a new root (above the whole tree) is for operators only."""
    if parent is None:
        if not is_operator(actor):
            raise PermissionDenied(_("Only operators can create a root organisation."))
    else:
        parent = Organization.objects.select_for_update().get(pk=parent.pk)
        _require_admin(actor, parent)
    org = Organization(code=clean_line(code), member_count=member_count, valid_from=valid_from, kind=kind,
                       **_clean_org_fields({"name": name, "short_name": short_name}))
    org.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        return Organization.objects.add_root(instance=org)
    return Organization.objects.add_child(parent, instance=org)


@transaction.atomic
def organization_update(*, actor, organization: Organization, successors: list[Organization] | None = None,
                        **fields) -> Organization:
    """Change a unit's own fields (``ORG_EDITABLE``) and, if given, the units its work went to."""
    unknown = set(fields) - set(ORG_EDITABLE)
    if unknown:
        raise ValueError(f"not an editable organisation field: {', '.join(sorted(unknown))}")
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    _require_admin(actor, org)
    if set(fields) & {"kind", "valid_from", "valid_to"}:
        _require_below_own_role(actor, org)
    for name, value in _clean_org_fields(fields).items():
        setattr(org, name, value)
    org.full_clean(exclude=["path", "depth", "numchild"])
    org.save()
    if successors is not None:
        _set_successors(actor, org, successors)
    return org


def _set_successors(actor, org: Organization, successors: list[Organization]) -> None:
    for successor in successors:
        if successor.pk == org.pk:
            raise ValidationError({"successors": _("A unit cannot be its own successor.")})
        # A successor receives the unit's work: naming one outside the actor's subtree would
        # point another committee's staff at this unit's history.
        _require_admin(actor, successor)
    org.successors.set(successors)


@transaction.atomic
def organization_move(*, actor, organization: Organization, new_parent: Organization) -> Organization:
    """Move a unit and its whole subtree under ``new_parent``; both ends must be in scope."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    new_parent = Organization.objects.select_for_update().get(pk=new_parent.pk)
    _require_admin(actor, org)
    _require_admin(actor, new_parent)
    # An admin rearranges what lies below their role, never the unit the role sits on:
    # moving that would carry the admin's whole scope somewhere else in the tree.
    _require_below_own_role(actor, org)
    if new_parent.path.startswith(org.path):
        raise ValidationError(_("A unit cannot be moved under itself or its own descendants."))
    old_parent = Organization.objects.get_parent(org)
    old_path = org.path
    Organization.objects.move(org, new_parent, "sorted-child")
    org.refresh_from_db()
    # treebeard rewrites the paths in SQL, past the model's save signals: the move is put on
    # the audit trail here, with where the unit was and where it went.
    LogEntry.objects.log_create(
        org, action=LogEntry.Action.UPDATE, actor=actor if getattr(actor, "pk", None) else None,
        changes={"parent": [old_parent.code if old_parent else None, new_parent.code], "path": [old_path, org.path]})
    return org


@transaction.atomic
def organization_dissolve(*, actor, organization: Organization, on: dt.date,
                          successors: list[Organization] | tuple = ()) -> Organization:
    """End a unit's validity (dissolved, or merged into ``successors``). Its reports stay with it."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    _require_admin(actor, org)
    _require_below_own_role(actor, org)
    if org.valid_from and on < org.valid_from:
        raise ValidationError(_("A unit cannot be dissolved before it was created."))
    org.valid_to = on
    org.full_clean(exclude=["path", "depth", "numchild"])
    org.save(update_fields=["valid_to"])
    if successors:
        _set_successors(actor, org, list(successors))
    return org


# --- terms, people, positions ---------------------------------------------------------------

@transaction.atomic
def term_create(*, actor, organization: Organization | None = None, organ: Organ | None = None, ordinal: int,
                start_year: int, end_year: int, name: str = "") -> Term:
    """A term of a unit (its admins) or of a state body (operators: state bodies are shared)."""
    if organization is not None:
        _require_admin(actor, organization)
    elif not is_operator(actor):
        raise PermissionDenied(_("Only operators can record the terms of state bodies."))
    term = Term(organization=organization, organ=organ, ordinal=ordinal, start_year=start_year,
                end_year=end_year, name=clean_line(name))
    term.full_clean()
    term.save()
    return term


@transaction.atomic
def term_update(*, actor, term: Term, **fields) -> Term:
    term = Term.objects.select_for_update().get(pk=term.pk)
    if term.organization is not None:
        _require_admin(actor, term.organization)
    elif not is_operator(actor):
        raise PermissionDenied(_("Only operators can record the terms of state bodies."))
    allowed = {"ordinal", "start_year", "end_year", "name"}
    if set(fields) - allowed:
        raise ValueError(f"not an editable term field: {', '.join(sorted(set(fields) - allowed))}")
    for name, value in fields.items():
        setattr(term, name, clean_line(value) if name == "name" else value)
    term.full_clean()
    term.save()
    return term


@transaction.atomic
def person_create(*, actor, full_name: str, note: str = "") -> Person:
    """A cadre; people belong to no unit (their positions do), so any admin may record one."""
    _require_some_admin_role(actor)
    person = Person(full_name=clean_line(full_name), note=clean_line(note))
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def person_update(*, actor, person: Person, full_name: str, note: str = "") -> Person:
    """Rename a person: an admin of a unit where they hold or held a post (or an operator)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    posts = list(person.positions.select_related("organization"))
    # One person is shared by every committee they served in: renaming them is for an admin
    # whose scope covers all their posts (else one committee would rewrite another's records).
    if not is_operator(actor) and not (posts and all(can_access(actor, p.organization, kinds=[RoleKind.ADMIN])
                                                     for p in posts)):
        raise PermissionDenied(_("This person holds posts outside your part of the tree: ask an operator."))
    person.full_name, person.note = clean_line(full_name), clean_line(note)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def position_assign(*, actor, person: Person, organization: Organization, title: str, label: str = "",
                    start: dt.date | None = None, end: dt.date | None = None) -> Position:
    _require_admin(actor, organization)
    position = Position(person=person, organization=organization, title=title, label=clean_line(label),
                        start=start, end=end)
    position.full_clean()
    position.save()
    return position


@transaction.atomic
def position_update(*, actor, position: Position, **fields) -> Position:
    position = Position.objects.select_for_update().select_related("organization").get(pk=position.pk)
    _require_admin(actor, position.organization)
    allowed = {"organization", "title", "label", "start", "end"}
    if set(fields) - allowed:
        raise ValueError(f"not an editable position field: {', '.join(sorted(set(fields) - allowed))}")
    for name, value in fields.items():
        setattr(position, name, clean_line(value) if name == "label" else value)
    _require_admin(actor, position.organization)
    position.full_clean()
    position.save()
    return position


@transaction.atomic
def position_remove(*, actor, position: Position) -> None:
    position = Position.objects.select_for_update().select_related("organization").get(pk=position.pk)
    _require_admin(actor, position.organization)
    position.delete()


@transaction.atomic
def organ_save(*, actor, organ: Organ) -> Organ:
    """An issuing organ of a unit (its admins) or a state body (operators: shared by everyone)."""
    if organ.pk:
        stored = Organ.objects.select_related("organization").get(pk=organ.pk)
        _require_organ_admin(actor, stored)
    _require_organ_admin(actor, organ)
    organ.name, organ.short_name = clean_line(organ.name), clean_line(organ.short_name)
    organ.symbol_code = clean_line(organ.symbol_code)
    organ.full_clean()
    organ.save()
    return organ


def _require_organ_admin(actor, organ: Organ) -> None:
    if organ.organization_id is None:
        if not is_operator(actor):
            raise PermissionDenied(_("Only operators can record state bodies."))
    else:
        _require_admin(actor, organ.organization)


# --- roles ----------------------------------------------------------------------------------

@transaction.atomic
def role_grant(*, actor, user, organization: Organization, kind: str) -> Role:
    """Grant a role inside the actor's admin subtree — never to oneself.

    An admin who could grant themselves a leader role could then accept their own reports;
    another admin (or an operator) must do it, and the audit trail names who did.
    """
    _require_admin(actor, organization)
    if getattr(actor, "pk", None) == getattr(user, "pk", None) and not is_operator(actor):
        raise PermissionDenied(_("You cannot grant a role to yourself: ask another administrator."))
    user = get_user_model().objects.get(pk=user.pk)
    if not user.is_active:
        raise ValidationError({"user": _("This account is disabled.")})
    role = Role(user=user, organization=organization, kind=kind)
    role.full_clean()
    role.save()
    return role


@transaction.atomic
def role_revoke(*, actor, role: Role) -> None:
    role = Role.objects.select_for_update().select_related("organization").get(pk=role.pk)
    _require_admin(actor, role.organization)
    role.delete()

