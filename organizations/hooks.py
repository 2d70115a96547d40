"""Figures about units that other apps own, asked for without importing those apps.

``organizations`` sits at the bottom of the dependency order (organizations ← resolutions ←
meetings): it may not import reports or assignments, yet the workspace shows how many
reports a unit has and a reorganisation preview says how many go where. The apps above
register a counter here in their ``AppConfig.ready()``; ``organizations`` only calls what
was registered.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class UnitCounter:
    """``count(ids)`` answers ``{unit id: number}`` for units' *own* rows (not their subtrees)."""

    key: str
    label: str | Promise
    count: Callable[[list[int]], dict[int, int]]


_COUNTERS: dict[str, UnitCounter] = {}


def register_unit_counter(key: str, label: str | Promise, count: Callable[[list[int]], dict[int, int]]) -> None:
    _COUNTERS[key] = UnitCounter(key, label, count)


def unit_counters() -> list[UnitCounter]:
    return list(_COUNTERS.values())


def count_for(key: str, ids: Iterable[int]) -> dict[int, int]:
    """Counts from one registered counter; an unregistered key counts nothing."""
    counter = _COUNTERS.get(key)
    ids = list(ids)
    if counter is None or not ids:
        return {}
    return counter.count(ids)


@dataclass(frozen=True)
class Succession:
    """What a reorganisation did to units, for the apps that own work attached to them.

    ``carried`` maps a unit that was transferred (same unit, new place) to its version in the
    new place: everything it was doing carries on there from ``effective``. ``ended`` maps a
    unit that ceased (merged, split or dissolved) to the units that take its work on (empty
    when dissolved without a successor).
    """

    kind: str
    effective: dt.date
    carried: dict[int, int]
    ended: dict[int, tuple[int, ...]]


_SUCCESSION_HANDLERS: list[Callable[[Succession], None]] = []


def register_succession_handler(handler: Callable[[Succession], None]) -> None:
    """Called inside the reorganisation's transaction: a failure undoes the whole change."""
    if handler not in _SUCCESSION_HANDLERS:
        _SUCCESSION_HANDLERS.append(handler)


def run_succession_handlers(succession: Succession) -> None:
    for handler in _SUCCESSION_HANDLERS:
        handler(succession)


# --------------------------------------------------------------------------------------
# Subtree counters: what moves along with a unit (the workspace's move confirmation and
# reorganisation previews say "N reports move with it" before anything is done).
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SubtreeCounter:
    """``count(path)`` answers how many rows belong to the unit at ``path`` and every unit below it."""

    key: str
    label: str | Promise
    count: Callable[[str], int]


_SUBTREE_COUNTERS: dict[str, SubtreeCounter] = {}


def register_subtree_counter(key: str, label: str | Promise, count: Callable[[str], int]) -> None:
    _SUBTREE_COUNTERS[key] = SubtreeCounter(key, label, count)


def subtree_counters() -> list[SubtreeCounter]:
    return list(_SUBTREE_COUNTERS.values())


#: ``count(ids, since, before)``: how many of these units' own rows are *for* the time from
#: ``since`` on (a report whose period starts then or later, a meeting held then or later) or,
#: with ``before``, for the time before it (a report whose period ends earlier). What a
#: reorganisation dated ``since`` hands on with the units that carry the work, and what an
#: edited start or end date would leave outside the unit's existence.
_DATED_COUNTERS: dict[str, Callable[[list[int], dt.date | None, dt.date | None], int]] = {}


def register_dated_counter(key: str, count: Callable[[list[int], dt.date | None, dt.date | None], int]) -> None:
    _DATED_COUNTERS[key] = count


def count_dated(key: str, ids: Iterable[int], *, since: dt.date | None = None, before: dt.date | None = None) -> int:
    """One registered dated count (exactly one of ``since`` and ``before``); unregistered counts 0."""
    counter = _DATED_COUNTERS.get(key)
    ids = list(ids)
    if counter is None or not ids:
        return 0
    return counter(ids, since, before)


def count_in_subtree(key: str, path: str) -> int:
    """One registered subtree count for the tree path prefix ``path``; unregistered counts 0."""
    counter = _SUBTREE_COUNTERS.get(key)
    if counter is None or not path:
        return 0
    return counter.count(path)


@dataclass(frozen=True)
class UnitPanel:
    """A section of a unit's page drawn by an app above: ``template`` with ``context`` as ``panel``."""

    template: str
    context: dict


#: ``panel(user, organization)`` answers a ``UnitPanel``, or None to show nothing.
_PANELS: dict[str, Callable[[object, object], UnitPanel | None]] = {}


def register_unit_panel(key: str, panel: Callable[[object, object], UnitPanel | None]) -> None:
    """Let an app above (meetings: the numbering check) add a section to the unit's page."""
    _PANELS[key] = panel


def unit_panels(user, organization) -> list[UnitPanel]:
    """The sections registered apps give this unit for this user, in registration order."""
    panels = (panel(user, organization) for panel in _PANELS.values())
    return [p for p in panels if p is not None]
