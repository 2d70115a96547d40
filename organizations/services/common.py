"""Scope checks every write of ``organizations`` shares: who may act where."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ..actors import is_operator
from ..models import Organization, RoleKind
from ..selectors import can_access, user_roles
from ..text import clean_line


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


