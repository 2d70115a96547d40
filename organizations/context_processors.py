"""Template context: the signed-in user's roles (memoised per request, so no extra query)."""
from __future__ import annotations

from .models import RoleKind
from .selectors import user_roles


def user_scope(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = user_roles(user)
    return {
        "user_roles": roles,
        "is_leader": user.is_superuser or any(r.kind == RoleKind.LEADER for r in roles),
        "is_org_admin": (user.is_superuser and user.is_active) or any(r.kind == RoleKind.ADMIN for r in roles),
        # The tree workspace's link: operators, and admins of a unit still in existence.
        "is_admin": (user.is_superuser and user.is_active)
        or any(r.kind == RoleKind.ADMIN and r.organization.is_active for r in roles),
    }
