"""New units written in bulk with their materialized paths computed here.

``Organization.objects.add_child`` costs several queries a unit (lock the parent, find the
sorted place, shift the siblings after it, bump ``numchild``, save); for thousands of units
the paths are laid out in memory instead, as ``meetings/management/commands/generate_dataset``
does, and written in bulk (``copy``). What treebeard guarantees is kept:

- a path is its parent's path plus one step of :attr:`Organization.steplen` characters of
  :attr:`Organization.alphabet`; ``depth`` is the number of steps;
- siblings are in ``node_order_by`` (``code``) order along their paths, in the *database's*
  collation (treebeard compares codes in SQL): a new unit goes where ``add_child`` would put
  it among existing siblings, and an existing sibling after it is shifted — with its subtree —
  only as far as needed (gaps left by moves are used), as treebeard's sorted insert does;
- ``numchild`` counts children: new units get theirs, existing parents are incremented.

``Organization.find_problems()`` finds nothing after an import (tested).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from organizations.models import Organization

from .copy import insert, reserve_ids
from .plan import Created

STEP = Organization.steplen
ALPHABET = Organization.alphabet
MAX_POSITION = len(ALPHABET) ** STEP - 1
BATCH = 1000
COLUMNS = ["id", "path", "depth", "numchild", "code", "name", "short_name", "kind", "member_count", "valid_from",
           "valid_to", "search_text"]


def segment(position: int) -> str:
    if position > MAX_POSITION:
        raise ValidationError(_("Too many units under one parent."))
    digits = []
    while position:
        position, rest = divmod(position, len(ALPHABET))
        digits.append(ALPHABET[rest])
    return "".join(reversed(digits)).rjust(STEP, ALPHABET[0])


def position_of(path: str) -> int:
    return int(path[-STEP:], len(ALPHABET))


def collation_order(codes: list[str]) -> dict[str, int]:
    """Each code's rank as the database sorts them (what treebeard's sorted insert compares)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT c FROM unnest(%s::text[]) AS t(c) ORDER BY c", [codes])
            ordered = [row[0] for row in cursor.fetchall()]
    else:  # SQLite compares text as UTF-8 bytes: code point order
        ordered = sorted(codes)
    return {code: rank for rank, code in enumerate(ordered)}


def _rewrite(old: str, new: str) -> None:
    """Move a subtree's paths from prefix ``old`` to ``new`` (as treebeard's own rewrite)."""
    Organization.objects.filter(path__startswith=old).update(path=Concat(Value(new), Substr("path", len(old) + 1)))


def create_units(created: list[Created], progress: Callable[[int, int], None] | None = None) -> list[Organization]:
    """Insert the planned units (parents valid, acyclic, in scope: the plan's job) and return them."""
    if not created:
        return []
    by_parent: dict[str, list[Created]] = defaultdict(list)
    for unit in created:
        by_parent[unit.parent_code].append(unit)
    new_codes = {u.code for u in created}
    anchors = {code: None for code in by_parent if code not in new_codes}  # existing parents ("" = the roots)
    stored = {o.code: o for o in Organization.objects.filter(code__in=[c for c in anchors if c])}
    siblings: dict[str, list[dict]] = {}
    for code in anchors:
        if code:
            parent = stored[code]
            siblings[code] = list(Organization.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
                                  .values("id", "code", "path"))
        else:
            siblings[code] = list(Organization.objects.filter(depth=1).values("id", "code", "path"))
    rank = collation_order(sorted(new_codes | {s["code"] for group in siblings.values() for s in group}))

    path_of: dict[str, str] = {}
    for code in anchors:
        base = stored[code].path if code else ""
        _place_among(base, siblings[code], by_parent[code], rank, path_of)
    queue = [u.code for code in anchors for u in by_parent[code]]
    while queue:  # new units under new units: only new siblings, positions 1, 2, …
        parent = queue.pop()
        children = sorted(by_parent.get(parent, ()), key=lambda u: rank[u.code])
        for position, unit in enumerate(children, start=1):
            path_of[unit.code] = path_of[parent] + segment(position)
            queue.append(unit.code)

    counts: dict[int, list[int]] = defaultdict(list)
    for code in anchors:
        if code:
            counts[len(by_parent[code])].append(stored[code].pk)
    for added, pks in counts.items():
        Organization.objects.filter(pk__in=pks).update(numchild=F("numchild") + added)

    objects = []
    for unit in created:
        values = unit.values
        org = Organization(code=unit.code, path=path_of[unit.code], depth=len(path_of[unit.code]) // STEP,
                           numchild=len(by_parent.get(unit.code, ())), name=values["name"],
                           short_name=values["short_name"], kind=values["kind"], member_count=values["member_count"],
                           valid_from=values["valid_from"], valid_to=values["valid_to"])
        org.clean()  # search_text
        objects.append(org)
    objects.sort(key=lambda o: o.path)
    if connection.vendor == "postgresql":
        for org, pk in zip(objects, reserve_ids(Organization, len(objects)), strict=True):
            org.pk = pk
    done = 0
    for start in range(0, len(objects), BATCH):
        insert(Organization, objects[start:start + BATCH], COLUMNS)
        done += len(objects[start:start + BATCH])
        if progress:
            progress(done, len(objects))
    return objects


def _place_among(base: str, existing: list[dict], new: list[Created], rank: dict[str, int],
                 path_of: dict[str, str]) -> None:
    """Give ``new`` children of ``base`` their sorted places, shifting existing siblings right."""
    items = [(rank[s["code"]], position_of(s["path"]), s["path"]) for s in existing]
    items += [(rank[u.code], None, u.code) for u in new]
    items.sort(key=lambda item: item[0])
    previous = 0
    shifts: list[tuple[int, str, str]] = []
    for _rank, old, key in items:
        if old is None:
            previous += 1
            path_of[key] = base + segment(previous)
            continue
        position = max(previous + 1, old)
        if position != old:
            shifts.append((old, key, base + segment(position)))
        previous = position
    # Rightmost first: each shifted subtree moves into a place already vacated.
    for _old, old_path, new_path in sorted(shifts, reverse=True):
        _rewrite(old_path, new_path)
