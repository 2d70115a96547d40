"""Writes to terms, people, positions and issuing organs."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..actors import is_operator
from ..models import Organ, Organization, Person, Position, RoleKind, Term
from ..selectors import can_access
from ..text import clean_line
from .common import _require_admin, _require_some_admin_role


@transaction.atomic
def term_create(*, actor, organization: Organization | None = None, organ: Organ | None = None, ordinal: int,
                start_year: int, end_year: int, name: str = "") -> Term:
    """A term of a unit (its admins) or of a state body (operators: state bodies are shared)."""
    if organization is not None:
        _require_admin(actor, organization)
    elif not is_operator(actor):
        raise PermissionDenied(_("Only operators can record the terms of state bodies."))
    term = Term(organization=organization, organ=organ, ordinal=ordinal, start_year=start_year,
                end_year=end_year, name=clean_line(name))
    _refuse_duplicate_ordinal(term)
    term.full_clean()
    _refuse_overlap(term)
    term.save()
    return term


@transaction.atomic
def term_update(*, actor, term: Term, **fields) -> Term:
    term = Term.objects.select_for_update().get(pk=term.pk)
    if term.organization is not None:
        _require_admin(actor, term.organization)
    elif not is_operator(actor):
        raise PermissionDenied(_("Only operators can record the terms of state bodies."))
    allowed = {"ordinal", "start_year", "end_year", "name"}
    if set(fields) - allowed:
        raise ValueError(f"not an editable term field: {', '.join(sorted(set(fields) - allowed))}")
    for name, value in fields.items():
        setattr(term, name, clean_line(value) if name == "name" else value)
    _refuse_duplicate_ordinal(term)
    term.full_clean()
    _refuse_overlap(term)
    term.save()
    return term


def _body(term: Term) -> dict:
    return {"organization": term.organization} if term.organization_id else {"organ": term.organ}


def _refuse_duplicate_ordinal(term: Term) -> None:
    """The database refuses it too; said here, the message sits by the ordinal the user typed."""
    if Term.objects.filter(**_body(term), ordinal=term.ordinal).exclude(pk=term.pk).exists():
        raise ValidationError({"ordinal": _("This unit already has a term %(term)s.") % {"term": term.roman}})


def _refuse_overlap(term: Term) -> None:
    """Two terms of one body cannot run at once.

    They may share their boundary year: the congress that closes khóa XI (2015) opens khóa
    XII, so 2010-2015 and 2015-2020 are consecutive, while 2010-2015 and 2014-2019 overlap.
    Meetings and documents are numbered per term (DOMAIN §2.2): overlapping terms would make
    "the term of this date" ambiguous and every numbering check with it.
    """
    clash = (Term.objects.filter(**_body(term), start_year__lt=term.end_year, end_year__gt=term.start_year)
             .exclude(pk=term.pk).order_by("start_year").first())
    if clash is not None:
        raise ValidationError({"start_year": _("These years overlap term %(term)s (%(start)s-%(end)s).") % {
            "term": clash.roman, "start": clash.start_year, "end": clash.end_year}})


@transaction.atomic
def person_create(*, actor, full_name: str, note: str = "") -> Person:
    """A cadre; people belong to no unit (their positions do), so any admin may record one."""
    _require_some_admin_role(actor)
    person = Person(full_name=clean_line(full_name), note=clean_line(note))
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def person_update(*, actor, person: Person, full_name: str, note: str = "") -> Person:
    """Rename a person: an admin of a unit where they hold or held a post (or an operator)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    posts = list(person.positions.select_related("organization"))
    # One person is shared by every committee they served in: renaming them is for an admin
    # whose scope covers all their posts (else one committee would rewrite another's records).
    if not is_operator(actor) and not (posts and all(can_access(actor, p.organization, kinds=[RoleKind.ADMIN])
                                                     for p in posts)):
        raise PermissionDenied(_("This person holds posts outside your part of the tree: ask an operator."))
    person.full_name, person.note = clean_line(full_name), clean_line(note)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def position_assign(*, actor, person: Person, organization: Organization, title: str, label: str = "",
                    start: dt.date | None = None, end: dt.date | None = None) -> Position:
    _require_admin(actor, organization)
    position = Position(person=person, organization=organization, title=title, label=clean_line(label),
                        start=start, end=end)
    position.full_clean()
    position.save()
    return position


@transaction.atomic
def person_appoint(*, actor, organization: Organization, person: Person | None = None, full_name: str = "",
                   note: str = "", title: str, label: str = "", start: dt.date | None = None,
                   end: dt.date | None = None) -> Position:
    """A post at ``organization`` for an existing person or, given a name, for a new one.

    One transaction: a post refused (an end before its start) leaves no stray person behind.
    The scope is checked first, on the unit the post is at.
    """
    _require_admin(actor, organization)
    if person is None:
        if not clean_line(full_name):
            raise ValidationError({"full_name": _("Type the person's full name or pick someone already recorded.")})
        person = person_create(actor=actor, full_name=full_name, note=note)
    return position_assign(actor=actor, person=person, organization=organization, title=title, label=label,
                           start=start, end=end)


@transaction.atomic
def position_update(*, actor, position: Position, **fields) -> Position:
    position = Position.objects.select_for_update().select_related("organization").get(pk=position.pk)
    _require_admin(actor, position.organization)
    allowed = {"organization", "title", "label", "start", "end"}
    if set(fields) - allowed:
        raise ValueError(f"not an editable position field: {', '.join(sorted(set(fields) - allowed))}")
    for name, value in fields.items():
        setattr(position, name, clean_line(value) if name == "label" else value)
    _require_admin(actor, position.organization)
    position.full_clean()
    position.save()
    return position


@transaction.atomic
def position_remove(*, actor, position: Position) -> None:
    position = Position.objects.select_for_update().select_related("organization").get(pk=position.pk)
    _require_admin(actor, position.organization)
    position.delete()


@transaction.atomic
def organ_save(*, actor, organ: Organ) -> Organ:
    """An issuing organ of a unit (its admins) or a state body (operators: shared by everyone)."""
    if organ.pk:
        stored = Organ.objects.select_related("organization").get(pk=organ.pk)
        _require_organ_admin(actor, stored)
    _require_organ_admin(actor, organ)
    organ.name, organ.short_name = clean_line(organ.name), clean_line(organ.short_name)
    organ.symbol_code = clean_line(organ.symbol_code)
    organ.full_clean()
    organ.save()
    return organ


def _require_organ_admin(actor, organ: Organ) -> None:
    if organ.organization_id is None:
        if not is_operator(actor):
            raise PermissionDenied(_("Only operators can record state bodies."))
    else:
        _require_admin(actor, organ.organization)


