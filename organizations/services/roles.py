"""Writes to roles: granting and revoking them inside an admin's subtree."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..actors import is_operator
from ..models import Organization, Role
from .common import _require_admin


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

