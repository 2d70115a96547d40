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
