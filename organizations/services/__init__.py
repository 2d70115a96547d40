"""Writes to the organisation tree, terms, people, positions and roles.

Every function is keyword-only and atomic, takes the acting user, checks that user's scope
*before* it touches anything, and validates with ``full_clean()``. There is no "no actor"
path: an operator (superuser) may act anywhere, an admin only inside the subtree their
admin role covers, and anyone else nowhere. A unit moved or re-parented takes its reports
with it, so both ends of a move must lie in the actor's scope — otherwise one committee
could hand its units (and their reports) to another, where other leaders would read them.

One module per job: ``common`` (the scope checks), ``tree`` (units), ``people`` (terms,
people, positions, organs), ``roles``.
"""
from .common import _require_admin, _require_below_own_role, _require_some_admin_role
from .people import (
    organ_save,
    person_appoint,
    person_create,
    person_update,
    position_assign,
    position_remove,
    position_update,
    term_create,
    term_update,
)
from .roles import role_grant, role_revoke
from .tree import (
    ORG_EDITABLE,
    organization_create,
    organization_dissolve,
    organization_move,
    organization_update,
)

__all__ = [
    "ORG_EDITABLE", "_require_admin", "_require_below_own_role", "_require_some_admin_role", "organ_save",
    "organization_create", "organization_dissolve", "organization_move", "organization_update", "person_appoint",
    "person_create",
    "person_update", "position_assign", "position_remove", "position_update", "role_grant", "role_revoke",
    "term_create", "term_update",
]
