"""Writes to the tree itself: create, edit, move and close units."""
from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..actors import is_operator
from ..hooks import count_dated
from ..models import Organization
from ..text import clean_line
from .common import _clean_org_fields, _require_admin, _require_below_own_role

#: Fields of a unit its admin may change in place; the tree position changes by ``organization_move``.
ORG_EDITABLE = ("name", "short_name", "kind", "member_count", "valid_from", "valid_to")


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
    if set(fields) & {"valid_from", "valid_to"}:
        _check_work_within(org)
    org.save()
    if successors is not None:
        _set_successors(actor, org, successors)
    return org


def _check_work_within(org: Organization) -> None:
    """Refuse start or end dates that would leave the unit's own reports or meetings outside
    its existence (they were filed for a unit that, by the new dates, did not exist)."""

    def own_work(**when) -> int:
        return count_dated("reports", [org.pk], **when) + count_dated("meetings", [org.pk], **when)

    errors = {}
    if org.valid_from and (n := own_work(before=org.valid_from)):
        errors["valid_from"] = ngettext(
            "%(n)s report or meeting of this unit is for a time before %(day)s: choose an earlier date.",
            "%(n)s reports or meetings of this unit are for a time before %(day)s: choose an earlier date.",
            n) % {"n": n, "day": date_format(org.valid_from, "SHORT_DATE_FORMAT")}
    if org.valid_to and (n := own_work(since=org.valid_to + dt.timedelta(days=1))):
        errors["valid_to"] = ngettext(
            "%(n)s report or meeting of this unit is for a time after %(day)s: choose a later date.",
            "%(n)s reports or meetings of this unit are for a time after %(day)s: choose a later date.",
            n) % {"n": n, "day": date_format(org.valid_to, "SHORT_DATE_FORMAT")}
    if errors:
        raise ValidationError(errors)


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
    return _move_unit(actor=actor, organization=org, new_parent=new_parent)


def _move_unit(*, actor, organization: Organization, new_parent: Organization) -> Organization:
    """The move itself, for callers that have checked the actor's scope: ``organization_move``
    and the tree import (``tree_io``), which runs the same rules for a whole file first — and
    for the management commands' system actor, which no admin check knows. Both units must be
    fresh rows locked in the caller's transaction."""
    org = organization
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


