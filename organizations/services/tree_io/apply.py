"""Applying a planned import: all of it in one transaction, or nothing.

``apply_import`` never trusts the plan it is given: inside the transaction, with the tree
locked against other imports and the named units' rows locked, it plans the same rows again
against the tree as it now is — scope included — and refuses when that finds any problem
(``ImportRejected``) or would do anything other than what the dry run showed
(``PlanChanged``: someone changed the tree in between; the admin reviews the new plan).

Then: field changes by ``bulk_update``, new units by ``layout.create_units``, moves one by
one through the tree service's move (shallowest first, so a unit moves under a parent that
is already where the file puts it). A file says where units *are*: a parent that differs is a
correction of the tree (``organization_move``: the unit takes its history along), not a dated
transfer (``services.reorganisation``, which ends the unit and starts a successor from a date,
with a reason — neither of which a row carries); those stay on the reorganisation pages.

Bulk writes pass by django-auditlog's signals, so the
audit entries of created and changed units are written here in bulk, with the actor and the
request's address; each move is logged by the move itself.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from organizations.actors import is_system_actor
from organizations.models import Organization
from organizations.signals import tree_changed

from ..common import _require_some_admin_role
from ..tree import _move_unit, organization_move
from .cells import FIELDS, text_of
from .copy import insert_values
from .layout import create_units
from .plan import CHUNK, ImportPlan, plan_import

Progress = Callable[[int], None]
LOG_COLUMNS = ["content_type", "object_pk", "object_id", "object_repr", "serialized_data", "action", "changes_text",
               "changes", "actor", "cid", "remote_addr", "remote_port", "timestamp", "additional_data", "actor_email"]


class ImportRejected(Exception):
    """The rows have problems (``plan.errors``): nothing was changed."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(f"{len(plan.errors)} problems")
        self.plan = plan


class PlanChanged(Exception):
    """The tree changed since the dry run: ``plan`` is what the file would do now. Nothing was changed."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__("the tree changed since the dry run")
        self.plan = plan


@dataclass
class ImportResult:
    created: int
    changed: int
    moved: int
    unchanged: int


def require_import_actor(actor) -> None:
    """Admins (in their subtrees), operators, and the system actor of the operators' commands."""
    if not is_system_actor(actor):
        _require_some_admin_role(actor)


def apply_import(*, actor, plan: ImportPlan, progress: Progress | None = None) -> ImportResult:
    """Apply the rows of ``plan`` as they plan *now*; atomic. See the module's docstring."""
    require_import_actor(actor)
    report = progress or (lambda percent: None)
    with transaction.atomic():
        _lock(plan)
        fresh = plan_import(actor, rows=plan.table)
        if fresh.errors:
            raise ImportRejected(fresh)
        if fresh.digest != plan.digest:
            raise PlanChanged(fresh)
        report(10)
        entries = _change(fresh)
        report(25)
        created = create_units(fresh.created, lambda done, total: report(25 + 50 * done // max(total, 1)))
        entries += [_created_entry(org) for org in created]
        report(75)
        # New siblings may have shifted paths, the ones the actor's roles are memoised with included.
        for memo in ("_rt_roles", "_rt_scope"):
            actor.__dict__.pop(memo, None)
        for i, move in enumerate(sorted(fresh.moved, key=lambda m: m.depth)):
            org = Organization.objects.select_for_update().get(code=move.code)
            parent = Organization.objects.select_for_update().get(code=move.new_parent)
            _move(actor, org, parent)
            report(75 + 20 * (i + 1) // len(fresh.moved))
        _log(actor, entries)
        tree_changed.send(sender=Organization)
        report(100)
    return ImportResult(len(fresh.created), len(fresh.changed), len(fresh.moved), len(fresh.unchanged))


def _move(actor, org: Organization, parent: Organization) -> None:
    if is_system_actor(actor):  # the commands' actor: the plan checked the whole-tree rules
        _move_unit(actor=actor, organization=org, new_parent=parent)
    else:  # the scope checks of a single move run again, inside this transaction
        organization_move(actor=actor, organization=org, new_parent=parent)


def _lock(plan: ImportPlan) -> None:
    """One import at a time, and the named units' rows against single edits meanwhile."""
    if connection.vendor != "postgresql":
        return  # SQLite: one writer at a time anyway
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('organizations.tree_io'))")
    codes = sorted({text_of(cells.get(c)) for _n, cells in plan.table.rows for c in ("code", "parent_code")} - {""})
    for i in range(0, len(codes), CHUNK):
        list(Organization.objects.select_for_update().filter(code__in=codes[i:i + CHUNK]).order_by("pk")
             .values_list("pk", flat=True))


def _change(plan: ImportPlan) -> list[dict]:
    if not plan.changed:
        return []
    units = {}
    pks = [c.pk for c in plan.changed]
    for i in range(0, len(pks), CHUNK):
        units.update(Organization.objects.in_bulk(pks[i:i + CHUNK]))
    entries = []
    for change in plan.changed:
        org = units[change.pk]
        for name, (_old, new) in change.fields.items():
            setattr(org, name, new)
        org.clean()  # search_text follows the name
        entries.append(_entry(org, LogEntry.Action.UPDATE,
                              {name: [_json(old), _json(new)] for name, (old, new) in change.fields.items()}))
    Organization.objects.bulk_update(list(units.values()), [*FIELDS, "search_text"], batch_size=500)
    return entries


def _json(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _created_entry(org: Organization) -> dict:
    names = ("id", "code", "name", "short_name", "kind", "member_count", "valid_from", "valid_to",
             "path", "depth", "numchild")
    return _entry(org, LogEntry.Action.CREATE,
                  {name: [None, _json(getattr(org, name))] for name in names if getattr(org, name) not in (None, "")})


def _entry(org: Organization, action: int, changes: dict) -> dict:
    return {"object_pk": str(org.pk), "object_id": org.pk, "object_repr": str(org), "action": action,
            "changes": changes}


def _log(actor, entries: list[dict]) -> None:
    """The audit entries django-auditlog would have written, one a unit, in one statement."""
    if not entries:
        return
    context = auditlog_value.get(None) or {}
    content_type = ContentType.objects.get_for_model(Organization).pk
    now, cid, address = timezone.now(), get_cid(), context.get("remote_addr")
    who = actor.pk if getattr(actor, "pk", None) else None
    rows = [[content_type, e["object_pk"], e["object_id"], e["object_repr"], None, e["action"], "",
             e["changes"], who, cid, address, None, now, None, None]
            for e in entries]
    insert_values(LogEntry, LOG_COLUMNS, rows)
