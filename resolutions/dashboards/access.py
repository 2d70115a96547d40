"""Who may open which dashboard: the leader scope, the trail above a unit, the directive asked for.

Dashboards are for leaders. An organisation is visible when one of the user's *leader*
roles covers it (or the user is a superuser); anything else is a 404 so ids never leak, and
a signed-in user with no leader role gets a 403 on the dashboard home.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from organizations.models import Organization, RoleKind
from organizations.selectors import (
    ancestors,
    can_access,
    organization_in_scope_or_404,
    user_roles,
)

from ..models import Directive

LEADER = (RoleKind.LEADER,)


def leader_home(user) -> Organization:
    """The organisation a leader's dashboard opens on: the highest one they lead.

    Signed-in users without a leader role get a 403 (they exist, they just may not read
    dashboards); superusers start at the root.
    """
    leading = [r.organization for r in user_roles(user) if r.kind == RoleKind.LEADER and r.organization.is_active]
    if not leading:
        root = Organization.objects.get_first_root_node() if getattr(user, "is_superuser", False) else None
        if root is None:
            raise PermissionDenied(_("The dashboards are for the leaders of a committee."))
        return root
    return min(leading, key=lambda o: (o.depth, o.path))


def dashboard_organization_or_404(user, org_id: int) -> Organization:
    """An organisation inside the user's leader scope; any other id is a 404."""
    return organization_in_scope_or_404(user, org_id, kinds=LEADER)


def breadcrumbs(user, org: Organization) -> list[Organization]:
    """Ancestors the leader may open (one query), so the trail never links out of scope."""
    return [a for a in ancestors(org) if can_access(user, a, kinds=LEADER)]


def directive_or_404(pk: int) -> Directive:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Directive.objects.select_related("issuer"), pk=pk)
