"""Counting and ranking the matches of one kind inside a bounded window.

Why a window: a common word matches most of the 1.2 M reports of a national database, and
ranking every match means reading and sorting every one of them on each page view. Instead
each *way* a row can match (its text contains every word; it is linked to a cited directive;
it quotes a cited symbol) is read on its own, in the kind's natural order (newest first,
which an index serves), and stops after :data:`WINDOW` rows. The union of those windows is:

* the count — exact while every window is short of :data:`WINDOW`; otherwise more than
  ``COUNT_CAP`` rows match and the page says "more than 200", which is true;
* the candidates that are ranked (boosts, then the natural order), scored by the same query
  that reads the window, whatever the size of the table.

So a row outside the user's subtree never counts (the scope is in the base query of every
window), and a page never ranks more than ``ways × WINDOW`` rows. What the window gives up:
when more than ``COUNT_CAP`` rows match one way, an older row whose boosts would have put it
first is not among the candidates; the newest rows are. Reading each way separately also
lets PostgreSQL use the right index for each (the trigram index for the words, the links'
directive index for the citations) where one OR of them forced a scan of the table.

**Recent slices first.** A kind with a date (reports: the end of their period) reads its
window from the last month first, then the last quarter, year, and everything, stopping at
the first slice that fills it. The first slice that holds ``WINDOW`` matches holds the newest
``WINDOW`` of all (everything left out is older), so the result is the one the whole table
gives; but a subtree's common word is then answered from a month of its reports, not from
every report it ever wrote.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, F, Func, Max, OrderBy, Q, QuerySet, Subquery

from organizations.models import Organization
from organizations.selectors import scope_paths, scope_q

#: The counts stop here: beyond it the page says "more than 200" (ten pages of results;
#: past them a search wants another word or a filter, not a page number).
COUNT_CAP = 200
#: Rows read per way: one more than the cap tells "more than COUNT_CAP" from "exactly".
WINDOW = COUNT_CAP + 1
#: The recent slices tried before the whole table, in days before the newest date.
SLICES = (7, 62, 366)
#: How many of the newest rows a way is tried on to tell a rare way from a common one …
PROBE = 500
#: … and the share of them below which it is rare.
RARE = 0.02
#: Fewer links than this and reading them beats checking the newest reports one by one.
FEW = 8000


@dataclass(frozen=True)
class _Key:
    name: str
    descending: bool
    nulls_last: bool


def _keys(order: list) -> list[_Key]:
    """The order as field names and directions (PostgreSQL's default null placement)."""
    keys = []
    for item in order:
        if isinstance(item, str):
            desc = item.startswith("-")
            keys.append(_Key(item.lstrip("-"), desc, not desc))
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            desc = item.descending
            nulls_last = bool(item.nulls_last) if (item.nulls_last or item.nulls_first) else not desc
            keys.append(_Key(item.expression.name, desc, nulls_last))
        else:
            raise TypeError(f"unsupported order {item!r}")
    return keys


def _sorted(rows: list[tuple], keys: list[_Key]) -> list[tuple]:
    """Rows ``(pk, score, *order values)`` by score, then the order (stable passes, last key first)."""
    rows = list(rows)
    for i in reversed(range(len(keys))):
        key = keys[i]
        last = key.nulls_last != key.descending  # where None goes once reverse= is applied

        def sort_key(row, i=i, last=last):
            value = row[2 + i]
            return (value is None) == last, value

        rows.sort(key=sort_key, reverse=key.descending)
    rows.sort(key=lambda row: row[1], reverse=True)
    return rows


def _is_rare(model, way: Q, order: list) -> bool:
    """Whether ``way`` holds for fewer than :data:`RARE` of the newest :data:`PROBE` rows of
    the whole table (one short read of the newest rows: the date index, then the rows).

    A common condition is answered fastest by reading rows newest first until the window is
    full; a rare one by its index (the trigram index, the links' directive index), collecting
    every match and sorting them. PostgreSQL's own estimate of a ``LIKE '%…%'`` comes from a
    sample of a hundred values and picks the first where the second is needed.
    """
    if connection.vendor != "postgresql":
        return False
    newest = model._default_manager.order_by(*order).values("pk")[:PROBE]
    return model._default_manager.filter(in_list("pk", newest)).filter(way).count() < RARE * PROBE


@contextmanager
def _bitmap_only(on: bool):
    """Let PostgreSQL read the window through bitmap scans only (the trigram index, the
    links' directive index), not down the date index row by row hoping to find matches soon."""
    if not on or connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET enable_indexscan = off; SET enable_seqscan = off")
        try:
            yield
        finally:
            cursor.execute("RESET enable_indexscan; RESET enable_seqscan")


class _InArray(Func):
    """``column = ANY(ARRAY(subquery))``: the subquery runs first and its ids drive the
    column's index (``IN (subquery)`` leaves the planner free to turn it into a join)."""

    arg_joiner = " = ANY(ARRAY"
    template = "%(expressions)s)"
    output_field = BooleanField()
    conditional = True


def in_scope(user, field: str = "organization") -> Q:
    """``organizations.selectors.scope_q`` for a table far larger than the units.

    The same rows; on PostgreSQL the subtree's units are read first and their ids drive the
    table's ``(unit, date)`` index, where a join on the path prefix let the planner read the
    whole table newest first and look each row's unit up (it cannot know that a province
    holds a thirty-fifth of the rows, the newest of them last).
    """
    condition = scope_q(user, field)
    if connection.vendor != "postgresql" or scope_paths(user) is None or not condition:
        return condition
    return in_list(f"{field}_id", Organization.objects.filter(scope_q(user, "")).order_by().values("pk"))


@dataclass(frozen=True)
class Way:
    """One way a row matches: ``common`` when it holds for many of the newest rows; for a
    rare one, ``rare`` (the same rows, written to be read from its own short list) or, when
    None, ``common`` read through bitmap scans (the trigram index) only."""

    common: Q
    rare: Q | None = None
    #: Rows whose number tells directly whether the way is rare (the links of the cited
    #: directives): rare below :data:`FEW` of them. Without it, the newest rows are probed.
    members: QuerySet | None = None

    def is_rare(self, model, order: list) -> bool:
        if connection.vendor != "postgresql":
            return False
        if self.members is not None:
            return self.members.order_by()[:FEW].count() < FEW
        return _is_rare(model, self.common, order)


def in_list(field: str, subquery: QuerySet) -> Q:
    """``field = ANY(ARRAY(subquery))`` on PostgreSQL (the subquery's rows drive the field's
    index), ``field IN (subquery)`` elsewhere."""
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": subquery})
    return Q(_InArray(F(field), Subquery(subquery)))


@dataclass
class Source:
    """The query of one kind: its base, its scope, the ways a row matches, score and order.

    ``base`` holds the filters; ``scope`` the user's subtrees (``in_scope``: read first, to
    drive an index), ``row_scope`` the same subtrees checked row by row (``scope_q``: for a
    way read from its own short list). Each of ``ways`` is a condition on them; a row
    matches when any holds. ``score`` is an expression on ``universe``'s rows.
    """

    base: QuerySet
    ways: list[Q | Way]
    score: object
    order: list
    scope: Q = field(default_factory=Q)
    row_scope: Q = field(default_factory=Q)
    #: The kind's rows with the annotations ``score`` reads, without the scope: the ranked
    #: ids come from ``base`` already, and the scope's join would only slow their ranking.
    universe: QuerySet | None = None
    #: A date field, newest first in ``order``: the window is read from recent slices first.
    recency: str = ""
    rows: list[tuple] = field(default_factory=list)
    _newest: list | None = field(default=None, repr=False)

    def window(self) -> list[tuple]:
        """``(pk, score, *order values)`` of the matching rows, at most :data:`WINDOW` per
        way, deduplicated and ranked."""
        keys = _keys(self.order)
        universe = self.universe if self.universe is not None else self.base.model._default_manager.all()
        found: dict[int, tuple] = {}
        for way in self.ways:
            if not isinstance(way, Way):
                way = Way(way)
            rare = bool(self.recency) and way.is_rare(self.base.model, self.order)
            by_list = rare and way.rare is not None
            condition = way.rare if by_list else way.common
            scope = self.row_scope if by_list else self.scope
            slices = [None] if rare else self._slices()
            while slices:
                since = slices.pop(0)
                matching = self.base.filter(scope).filter(condition)
                if since is not None:
                    matching = matching.filter(**{f"{self.recency}__gte": since})
                ids = matching.order_by(*self.order).values("pk")[:WINDOW]
                with _bitmap_only(rare and way.rare is None):
                    rows = list(universe.filter(pk__in=ids).annotate(score=self.score)
                                .values_list("pk", "score", *(k.name for k in keys)))
                if len(rows) >= WINDOW:
                    break
                if len(rows) < WINDOW // 10:
                    slices = slices[-1:]  # so few so recently: the next slices would not fill it either
            found.update((row[0], row) for row in rows)
        self.rows = _sorted(list(found.values()), keys)
        return self.rows

    def _slices(self) -> list[dt.date | None]:
        if not self.recency:
            return [None]
        if self._newest is None:
            self._newest = [self.base.model._default_manager.aggregate(newest=Max(self.recency))["newest"]]
        newest = self._newest[0]
        if newest is None:
            return [None]
        return [newest - dt.timedelta(days=days) for days in SLICES] + [None]

    @property
    def count(self) -> int:
        """The number of matches, exact up to ``COUNT_CAP`` (a larger number means "more")."""
        return len(self.rows)

    def ranked(self, wanted: int) -> list[tuple[int, int]]:
        """``(pk, score)`` of the best ``wanted`` matches."""
        return [(row[0], row[1]) for row in self.rows[:wanted]]
