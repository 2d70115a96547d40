"""Reads of terms, people and their positions, scoped like every other read.

A person belongs to no unit: what a viewer may see of them is the positions held in units
their roles cover. So every read here starts from positions filtered by ``scope_q``, and a
person none of whose posts the viewer may see is, for that viewer, not there at all.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from .models import Organization, Person, Position, PositionTitle, Term
from .selectors import scope_q
from .text import search_key

#: Posts in the order a list of a committee reads: the secretary first, state posts last.
TITLE_RANK = {title: rank for rank, title in enumerate([
    PositionTitle.SECRETARY, PositionTitle.STANDING_DEPUTY, PositionTitle.DEPUTY, PositionTitle.CENTRAL_MEMBER,
    PositionTitle.STANDING_MEMBER, PositionTitle.COMMITTEE_MEMBER, PositionTitle.STATE_POST, PositionTitle.OTHER])}

#: People offered by a name search at once: a narrower name is the way to the others.
PERSON_SEARCH_LIMIT = 20


def held_on_q(day: dt.date, prefix: str = "") -> Q:
    """Q of positions held on ``day``: begun by then (or of unknown start) and not yet ended."""
    return ((Q(**{f"{prefix}start__isnull": True}) | Q(**{f"{prefix}start__lte": day}))
            & (Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": day})))


def people_in_post(org: Organization, day: dt.date) -> list[Position]:
    """The positions held at ``org`` itself on ``day``, with their people, party posts first.

    A person holding a party and a state post at once appears once per post: the meeting
    form offers each post (the chair presides as Bí thư, not as Giám đốc Sở).
    """
    rows = Position.objects.filter(held_on_q(day), organization=org).select_related("person", "organization")
    return sorted(rows, key=lambda p: (TITLE_RANK.get(p.title, len(TITLE_RANK)), p.person.full_name, p.pk))


def past_positions(org: Organization, day: dt.date) -> list[Position]:
    """Posts at ``org`` that had ended by ``day``, the most recent first."""
    return list(Position.objects.filter(organization=org, end__lt=day)
                .select_related("person").order_by("-end", "person__full_name"))


def future_positions(org: Organization, day: dt.date) -> list[Position]:
    """Posts at ``org`` that begin after ``day`` (recorded ahead, or when looking back)."""
    return list(Position.objects.filter(organization=org, start__gt=day)
                .select_related("person").order_by("start", "person__full_name"))


def positions_in_scope(user) -> QuerySet[Position]:
    return Position.objects.filter(scope_q(user, "organization"))


def person_in_scope_or_404(user, pk: int) -> Person:
    """A person holding (or having held) a post the user may see; anyone else is a 404."""
    try:
        person = Person.objects.get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not positions_in_scope(user).filter(person=person).exists():
        raise Http404
    return person


def person_positions(user, person: Person) -> list[Position]:
    """Every post of ``person`` in the user's scope, latest first: their career as the user may see it."""
    return list(positions_in_scope(user).filter(person=person).select_related("organization")
                .order_by("-start", "organization__path", "title"))


def position_in_scope_or_404(user, pk: int, kinds) -> Position:
    try:
        position = Position.objects.select_related("person", "organization").get(pk=pk)
    except (Position.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not Position.objects.filter(scope_q(user, "organization", kinds), pk=position.pk).exists():
        raise Http404
    return position


def person_search(user, query: str, limit: int = PERSON_SEARCH_LIMIT) -> list[Person]:
    """People by name, accents and case optional, that the user may pick for a new post.

    Offered: people with a post in the user's scope, and people with no post at all (just
    recorded, or met only as guests). A person whose every post lies elsewhere stays hidden:
    a name search must not reveal another committee's cadres.
    """
    key = search_key(query)
    if not key:
        return []
    visible = Exists(positions_in_scope(user).filter(person=OuterRef("pk")))
    unplaced = ~Exists(Position.objects.filter(person=OuterRef("pk")))
    qs = Person.objects.filter(visible | unplaced)
    for word in key.split():
        qs = qs.filter(search_text__contains=word)
    return list(qs.order_by("full_name", "pk")[:limit])


def terms_of(org: Organization) -> list[Term]:
    return list(Term.objects.filter(organization=org).order_by("start_year", "ordinal"))


def term_in_scope_or_404(user, pk: int, kinds) -> Term:
    try:
        term = Term.objects.select_related("organization").get(pk=pk, organization__isnull=False)
    except (Term.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not Term.objects.filter(scope_q(user, "organization", kinds), pk=term.pk).exists():
        raise Http404
    return term


def term_on(org: Organization, day: dt.date) -> Term | None:
    """The unit's term running on ``day`` (a congress year belongs to the term it opens)."""
    terms = [t for t in Term.objects.filter(organization=org, start_year__lte=day.year, end_year__gte=day.year)]
    return max(terms, key=lambda t: t.start_year, default=None)


@dataclass(frozen=True)
class PostsOnDay:
    """The people page of a unit for one day."""

    day: dt.date
    current: list[Position]
    past: list[Position]
    upcoming: list[Position]


def posts_on(org: Organization, day: dt.date) -> PostsOnDay:
    return PostsOnDay(day, people_in_post(org, day), past_positions(org, day), future_positions(org, day))
