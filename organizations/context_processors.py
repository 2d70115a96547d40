"""Template context: the organisation the signed-in user works for."""
from __future__ import annotations

from .selectors import primary_organization, user_roles


def user_scope(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"home_org": primary_organization(user), "user_roles": user_roles(user)}
