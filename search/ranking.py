"""Counting and ranking the matches of one kind inside a bounded window.

Why a window: a common word matches most of the 1.2 M reports of a national database, and
ranking every match means reading and sorting every one of them on each page view. Instead
each *way* a row can match (its text contains every word; it is linked to a cited directive;
it quotes a cited symbol) is read on its own, newest first (the kind's natural order, which
an index serves), and stops after :data:`WINDOW` rows. The union of those windows is:

* the count — exact while every window is short of :data:`WINDOW`; otherwise more than
  ``COUNT_CAP`` rows match and the page says "more than 1,000", which is true;
* the candidates that are ranked (boosts, then the natural order) — a handful of ids read
  by primary key, whatever the size of the table.

So a row outside the user's subtree never counts (the scope is in the base query of every
window), and a page never ranks more than ``ways × WINDOW`` rows. What the window gives up:
when more than ``COUNT_CAP`` rows match one way, an older row whose boosts would have put it
first is not among the candidates; the newest rows are. Reading each way separately also
lets PostgreSQL use the right index for each (the trigram index for the words, the links'
directive index for the citations) where one OR of them forced a scan of the table.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

#: The counts stop here: beyond it the page says "more than 1,000".
COUNT_CAP = 1000
#: Rows read per way: one more than the cap tells "more than COUNT_CAP" from "exactly".
WINDOW = COUNT_CAP + 1


@dataclass
class Source:
    """The query of one kind: its scoped base, the ways a row matches, its score and order.

    ``base`` already holds the scope and the filters; each of ``ways`` is a condition on it.
    A row matches when any way holds. ``score`` is an expression on ``base``'s rows.
    """

    base: QuerySet
    ways: list[Q]
    score: object
    order: list
    ids: list[int] = field(default_factory=list)

    def window(self) -> list[int]:
        """The ids of the matching rows, at most :data:`WINDOW` per way, deduplicated."""
        seen: dict[int, None] = {}
        for way in self.ways:
            rows = self.base.filter(way).order_by(*self.order).values_list("pk", flat=True)[:WINDOW]
            seen.update(dict.fromkeys(rows))
        self.ids = list(seen)
        return self.ids

    @property
    def count(self) -> int:
        """The number of matches, exact up to ``COUNT_CAP`` (a larger number means "more")."""
        return len(self.ids)

    def ranked(self, wanted: int) -> list[tuple[int, int]]:
        """``(pk, score)`` of the best ``wanted`` candidates: score first, then the order."""
        if not self.ids:
            return []
        rows = (self.base.filter(pk__in=self.ids).annotate(score=self.score)
                .order_by("-score", *self.order).values_list("pk", "score")[:wanted])
        return list(rows)
