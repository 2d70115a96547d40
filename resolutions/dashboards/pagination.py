"""Pages of units: a ``Window`` where the list is too long to count, a unit's children counted only when needed.

A level's units at the centre are every cell of the country: counting them for "page x of
N" on every request would cost more than reading the page. A unit's children mostly fit
one page, and then need no count at all.
"""
from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from organizations.models import Organization


class _Unbounded:
    """The paginator of a :class:`Window`: the list is not counted."""

    num_pages = None
    count = None


class Window:
    """A page of a list too long to count on every request (every cell of the country).

    One extra row tells whether a next page exists; the pagination then offers previous and
    next without "of N". Quacks like ``django.core.paginator.Page`` for the templates. A page
    number that is not a number, or lies past the end, shows the first page (as Django's
    ``get_page`` shows a valid one); numbers are capped so the offset stays an integer.
    """

    MAX_PAGE = 100_000

    def __init__(self, qs: QuerySet, per_page: int, number: str | int | None) -> None:
        try:
            self.number = min(max(1, int(number or 1)), self.MAX_PAGE)
        except (TypeError, ValueError, OverflowError):
            self.number = 1
        rows = self._read(qs, per_page)
        if not rows and self.number > 1:
            self.number = 1
            rows = self._read(qs, per_page)
        self.object_list = rows[:per_page]
        self._has_next = len(rows) > per_page
        self.paginator = _Unbounded()

    def _read(self, qs: QuerySet, per_page: int) -> list:
        start = (self.number - 1) * per_page
        return list(qs[start:start + per_page + 1])

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def _children_page(qs: QuerySet, org: Organization, per_page: int, number: str | int | None) -> Page:
    """A page of rows of ``org``'s children (at most one row per child): not counted when one page holds them all.

    ``numchild`` bounds the rows, so a unit with no more children than a page reads them
    in one query; only a committee with more children pays Django's ``COUNT`` for the page
    numbers.
    """
    if org.numchild <= per_page:
        return Paginator(list(qs[:per_page]), per_page).get_page(number)
    return Paginator(qs, per_page).get_page(number)
