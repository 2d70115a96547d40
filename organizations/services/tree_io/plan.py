"""The dry run: what a file would create, change and move, and every problem, row by row.

``plan_import`` reads the tree only. It finds every problem of every row rather than the
first (an admin fixes a file once, not error by error): values that cannot be read, a code
twice in the file, a parent that exists neither in the file nor in the tree, parents that
form a cycle, a unit or parent outside the actor's admin subtree, a new unit at the top of
the tree by anyone but an operator, and the admin's own role unit moved, closed or re-kinded
(the rule of ``services.common._require_below_own_role``). Rows may come in any order and
name parents that are new in the same file.

The scope is an admin's whole set of admin roles (``selectors.scope_paths``); operators and
the system actor of the management commands act on the whole tree.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from organizations.actors import is_operator, is_system_actor
from organizations.models import Organization, RoleKind
from organizations.selectors import scope_paths, user_roles

from .cells import (
    COLUMNS,
    FIELDS,
    REQUIRED_COLUMNS,
    CellError,
    read_count,
    read_date,
    read_kind,
    read_text,
)
from .messages import row_message
from .reader import Table, read_table

#: ``IN`` lists are sent in chunks (SQLite counts bound parameters).
CHUNK = 900
MAX_DEPTH = Organization._meta.get_field("path").max_length // Organization.steplen


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    code: str
    params: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def message(self) -> str:
        return row_message(self.code, self.params)


@dataclass
class UnitRow:
    """A row as read: the unit it describes, in stored form."""

    row: int
    code: str = ""
    name: str = ""
    short_name: str = ""
    kind: str = ""
    parent_code: str = ""
    member_count: int = 0
    valid_from: object = None
    valid_to: object = None
    ok: bool = True
    given: frozenset = frozenset(COLUMNS)  # the file's columns: a column left out keeps what is stored

    def values(self) -> dict:
        return {name: getattr(self, name) for name in FIELDS}


@dataclass(frozen=True)
class Created:
    row: int
    code: str
    parent_code: str
    values: dict


@dataclass(frozen=True)
class Changed:
    row: int
    code: str
    pk: int
    fields: dict  # field → (old, new)


@dataclass(frozen=True)
class Moved:
    row: int
    code: str
    pk: int
    old_parent: str
    new_parent: str
    depth: int  # the unit's depth once every move is done: moves run shallowest first


@dataclass
class ImportPlan:
    """What applying the file would do; nothing is applied while ``errors`` is not empty."""

    table: Table
    created: list[Created] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)
    moved: list[Moved] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)  # row numbers
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.errors})

    def counts(self) -> dict[str, int]:
        return {"rows": len(self.table.rows), "created": len(self.created), "changed": len(self.changed),
                "moved": len(self.moved), "unchanged": len(self.unchanged), "rejected": self.rejected_rows,
                "errors": len(self.errors)}

    @property
    def digest(self) -> str:
        """What the plan would do, as a hash: the same file against a changed tree plans otherwise."""
        ops = {"created": [(c.code, c.parent_code, _plain(c.values)) for c in self.created],
               "changed": [(c.code, _plain({k: v[0] for k, v in c.fields.items()}),
                             _plain({k: v[1] for k, v in c.fields.items()})) for c in self.changed],
               "moved": [(m.code, m.old_parent, m.new_parent) for m in self.moved]}
        return hashlib.sha256(json.dumps(ops, sort_keys=True, default=str).encode()).hexdigest()


def _plain(values: dict) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}


def admin_paths(actor) -> list[str] | None:
    """Path prefixes of the actor's admin subtrees; ``None`` for the whole tree."""
    if is_operator(actor) or is_system_actor(actor):
        return None
    return scope_paths(actor, [RoleKind.ADMIN])


def plan_import(actor, *, rows: Iterable[dict] | Table | None = None, data: bytes | None = None,
                filename: str = "") -> ImportPlan:
    """The dry run of a file (``data`` named ``filename``) or of ``rows`` (dicts by column).

    Raises ``reader.ImportFileError`` when the file as a whole cannot be read.
    """
    if data is not None:
        table = read_table(data, filename)
    elif isinstance(rows, Table):
        table = rows
    else:
        given = list(rows or [])
        table = Table("rows", list(COLUMNS), [(i, dict(r)) for i, r in enumerate(given, start=2)])
    return _Planner(actor, table).plan()


class _Planner:
    def __init__(self, actor, table: Table) -> None:
        self.actor, self.table = actor, table
        self.paths = admin_paths(actor)
        self.role_paths = [r.organization.path for r in user_roles(actor)
                           if r.kind == RoleKind.ADMIN and r.organization.is_active]
        self.result = ImportPlan(table)
        self.units: list[UnitRow] = []
        self.by_code: dict[str, UnitRow] = {}
        self.db: dict[str, dict] = {}  # code → stored unit (and every ancestor of one)
        self.code_at: dict[str, str] = {}  # path → code

    # -- helpers ------------------------------------------------------------------------
    def error(self, unit: UnitRow, column: str, problem: str, /, **params) -> None:
        unit.ok = False
        self.result.errors.append(RowError(unit.row, column, problem, params))

    def in_scope(self, path: str) -> bool:
        return self.paths is None or any(path.startswith(p) for p in self.paths)

    def below_own_role(self, path: str) -> bool:
        """``common._require_below_own_role``: strictly below one of the actor's own admin roles."""
        return self.paths is None or any(path.startswith(p) and path != p for p in self.role_paths)

    def current_parent(self, code: str) -> str:
        path = self.db[code]["path"]
        return self.code_at.get(path[:-Organization.steplen], "") if len(path) > Organization.steplen else ""

    # -- steps --------------------------------------------------------------------------
    def plan(self) -> ImportPlan:
        self.read_rows()
        self.load_tree()
        self.check_parents()
        self.check_cycles()
        self.compare()
        self.result.errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else 99))
        return self.result

    def read_rows(self) -> None:
        readers = {"code": lambda v: read_text(v, "code", required=True), "name": lambda v: read_text(v, "name", required=True),
                   "short_name": lambda v: read_text(v, "short_name"), "kind": read_kind,
                   "parent_code": lambda v: read_text(v, "parent_code"), "member_count": read_count,
                   "valid_from": read_date, "valid_to": read_date}
        given = frozenset(self.table.columns)
        for number, cells in self.table.rows:
            unit = UnitRow(number, given=given)
            for column, read in readers.items():
                if column not in given and column not in REQUIRED_COLUMNS:
                    continue
                try:
                    setattr(unit, column, read(cells.get(column)))
                except CellError as problem:
                    self.error(unit, column, problem.code, **problem.params)
            if unit.valid_from and unit.valid_to and unit.valid_to < unit.valid_from:
                self.error(unit, "valid_to", "date_order")
            if unit.code:
                first = self.by_code.get(unit.code)
                if first is not None:
                    self.error(unit, "code", "duplicate_code", code=unit.code, first=first.row)
                    unit.code = ""  # the first row stands for the code; this one plans nothing
                else:
                    self.by_code[unit.code] = unit
            self.units.append(unit)

    def load_tree(self) -> None:
        wanted = set(self.by_code) | {u.parent_code for u in self.units if u.parent_code}
        fields = ("id", "code", "path", *FIELDS)
        codes = sorted(wanted)
        for i in range(0, len(codes), CHUNK):
            for row in Organization.objects.filter(code__in=codes[i:i + CHUNK]).values(*fields):
                self.db[row["code"]] = row
        step = Organization.steplen
        ancestors = {r["path"][:n] for r in self.db.values() for n in range(step, len(r["path"]), step)}
        for r in self.db.values():
            self.code_at[r["path"]] = r["code"]
        missing = sorted(ancestors - set(self.code_at))
        for i in range(0, len(missing), CHUNK):
            for row in Organization.objects.filter(path__in=missing[i:i + CHUNK]).values(*fields):
                self.db[row["code"]] = row
                self.code_at[row["path"]] = row["code"]

    def check_parents(self) -> None:
        for unit in self.units:
            if not unit.code or not unit.parent_code:
                continue
            if unit.parent_code not in self.by_code and unit.parent_code not in self.db:
                self.error(unit, "parent_code", "unknown_parent", code=unit.parent_code)

    def check_cycles(self) -> None:
        """Follow each row's parents (the file's where it names them, else the tree's) to the top."""
        done: set[str] = set()
        for unit in self.units:
            if not unit.code or unit.code in done:
                continue
            chain: list[str] = []
            seen: dict[str, int] = {}
            code = unit.code
            while code and code not in done and code not in seen:
                seen[code] = len(chain)
                chain.append(code)
                row = self.by_code.get(code)
                code = row.parent_code if row is not None else (self.current_parent(code) if code in self.db else "")
            if code and code in seen:
                loop = chain[seen[code]:]
                text = " → ".join(loop + [code])
                for member in loop:
                    row = self.by_code.get(member)
                    if row is not None:
                        self.error(row, "parent_code", "cycle", chain=text)
            done.update(chain)

    def depth(self, code: str, memo: dict[str, int]) -> int:
        """A unit's depth once the file is applied (parents valid and acyclic by now)."""
        stack = []
        while code and code not in memo:
            stack.append(code)
            row = self.by_code.get(code)
            code = row.parent_code if row is not None else (self.current_parent(code) if code in self.db else "")
            if len(stack) > MAX_DEPTH + 2 * len(self.by_code) + 2:
                break  # a cycle (already an error)
        value = memo.get(code, 0) if code else 0
        for member in reversed(stack):
            value += 1
            memo[member] = value
        return memo.get(stack[0], value) if stack else value

    def compare(self) -> None:
        memo: dict[str, int] = {}
        for unit in self.units:
            if not unit.code:
                continue
            stored = self.db.get(unit.code)
            if stored is None:
                self.plan_new(unit, memo)
            else:
                self.plan_existing(unit, stored, memo)

    def plan_new(self, unit: UnitRow, memo: dict[str, int]) -> None:
        if not unit.parent_code:
            if self.paths is not None:
                self.error(unit, "parent_code", "root_operators")
        elif unit.parent_code in self.db:
            if not self.in_scope(self.db[unit.parent_code]["path"]):
                self.error(unit, "parent_code", "parent_outside_scope", code=unit.parent_code)
        if unit.ok and self.depth(unit.code, memo) > MAX_DEPTH:
            self.error(unit, "parent_code", "too_deep")
        if unit.ok:
            self.result.created.append(Created(unit.row, unit.code, unit.parent_code, unit.values()))

    def plan_existing(self, unit: UnitRow, stored: dict, memo: dict[str, int]) -> None:
        if not self.in_scope(stored["path"]):
            self.error(unit, "code", "outside_scope", code=unit.code)
            return
        below = self.below_own_role(stored["path"])
        values = unit.values()
        changes = {name: (stored[name], values[name]) for name in FIELDS
                   if name in unit.given and stored[name] != values[name]}
        for name in ("kind", "valid_from", "valid_to"):
            if name in changes and not below:
                self.error(unit, name, "own_role")
        old_parent = self.current_parent(unit.code)
        move = None
        if unit.parent_code != old_parent:
            if not unit.parent_code:
                self.error(unit, "parent_code", "move_to_root")
            elif not below:
                self.error(unit, "parent_code", "own_role")
            elif unit.parent_code in self.db and not self.in_scope(self.db[unit.parent_code]["path"]):
                self.error(unit, "parent_code", "parent_outside_scope", code=unit.parent_code)
            if unit.ok:
                depth = self.depth(unit.code, memo)
                if depth > MAX_DEPTH:
                    self.error(unit, "parent_code", "too_deep")
                move = Moved(unit.row, unit.code, stored["id"], old_parent, unit.parent_code, depth)
        if not unit.ok:
            return
        if changes:
            self.result.changed.append(Changed(unit.row, unit.code, stored["id"], changes))
        if move:
            self.result.moved.append(move)
        if not changes and not move:
            self.result.unchanged.append(unit.row)
