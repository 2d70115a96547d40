"""Writes to the organisation tree, terms, people, positions and roles.

Every function is keyword-only and atomic, takes the acting user, checks that user's scope
*before* it touches anything, and validates with ``full_clean()``. There is no "no actor"
path: an operator (superuser) may act anywhere, an admin only inside the subtree their
admin role covers, and anyone else nowhere. A unit moved or re-parented takes its reports
with it, so both ends of a move must lie in the actor's scope — otherwise one committee
could hand its units (and their reports) to another, where other leaders would read them.

One module per job: ``common`` (the scope checks), ``tree`` (units), ``people`` (terms,
people, positions, organs), ``roles``; ``reorganisation`` (dated mergers, splits, transfers and
dissolutions, previewed) on top of ``succession`` (its primitives).

``organization_move`` and ``organization_dissolve`` *correct* the tree (a unit filed in the
wrong place, closed by mistake): the unit's whole history goes with it. A change of the real
structure from a date is a reorganisation, which keeps the history where it was.
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
from .reorganisation import (
    NewUnit,
    Plan,
    SplitPart,
    plan_digest,
    plan_dissolve,
    plan_merge,
    plan_move,
    plan_split,
    reorganise,
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
    "NewUnit", "Plan", "SplitPart", "plan_dissolve", "plan_digest", "plan_merge", "plan_move", "plan_split", "reorganise",
    "ORG_EDITABLE", "_require_admin", "_require_below_own_role", "_require_some_admin_role", "organ_save",
    "organization_create", "organization_dissolve", "organization_move", "organization_update", "person_appoint",
    "person_create",
    "person_update", "position_assign", "position_remove", "position_update", "role_grant", "role_revoke",
    "term_create", "term_update",
]
