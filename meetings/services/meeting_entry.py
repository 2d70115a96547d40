"""Meetings and their participants."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from organizations.models import Organization, Person, Position
from organizations.selectors import can_access, scope_q
from organizations.text import clean_input, clean_line

from ..models import (
    Meeting,
    MeetingParticipant,
)
from .common import (
    EDITOR_ROLES,
    _require,
)

# --- Meetings ---------------------------------------------------------------------------------

@dataclass
class ParticipantInput:
    """Someone at the meeting: a recorded person (``person_id``), the holder of a post
    (``position_id`` alone is enough), or a guest named as written (``full_name``: a new person)."""

    person_id: int | None
    role: str
    position_id: int | None = None
    position_label: str = ""
    full_name: str = ""


@transaction.atomic
def meeting_create(*, actor, organization: Organization, kind: str, title: str, date: dt.date,
                   term=None, sequence: int | None = None, place: str = "", attendance: int | None = None,
                   expected_attendance: int | None = None, date_year_inferred: bool = False,
                   participants: list[ParticipantInput] = ()) -> Meeting:
    _require(actor, organization, EDITOR_ROLES, _("You cannot record meetings for this organisation."))
    meeting = Meeting(organization=organization, kind=kind, title=clean_input(title).strip(), date=date, term=term,
                      sequence=sequence, place=clean_input(place).strip(), attendance=attendance,
                      expected_attendance=expected_attendance, date_year_inferred=date_year_inferred,
                      created_by=actor)
    meeting.full_clean()
    meeting.save()
    _set_participants(actor, meeting, participants)
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, participants: list[ParticipantInput] | None = None, **fields) -> Meeting:
    _require(actor, meeting.organization, EDITOR_ROLES, _("You cannot edit meetings of this organisation."))
    for name, value in fields.items():
        setattr(meeting, name, clean_input(value).strip() if isinstance(value, str) else value)
    _require(actor, meeting.organization, EDITOR_ROLES, _("You cannot move a meeting outside your organisations."))
    meeting.full_clean()
    meeting.save()
    if participants is not None:
        meeting.participants.all().delete()
        _set_participants(actor, meeting, participants)
    return meeting


def _set_participants(actor, meeting: Meeting, participants) -> None:
    for p in participants:
        person_id = _participant_person(actor, p)
        row = MeetingParticipant(meeting=meeting, person_id=person_id, role=p.role, position_id=p.position_id,
                                 position_label=clean_line(p.position_label))
        row.full_clean()
        row.save()


def _participant_person(actor, p: ParticipantInput) -> int:
    """The person a participant is, checked against the actor's scope before anything is written.

    A post must lie in the actor's scope (a meeting form offers the posts of its unit); a
    person given by id must hold a post there or none at all (a guest recorded earlier) —
    else one committee's meeting could name, and so reveal, another's cadres. A guest typed
    by name becomes a new person: staff record guests as the minutes name them.
    """
    if p.position_id is not None:
        position = Position.objects.select_related("organization").filter(pk=p.position_id).first()
        if position is None or not can_access(actor, position.organization):
            raise PermissionDenied(_("This position is outside your organisations."))
        if p.person_id not in (None, position.person_id):
            raise PermissionDenied(_("This position is held by someone else."))
        return position.person_id
    if p.person_id is not None:
        visible = Exists(Position.objects.filter(scope_q(actor, "organization"), person=OuterRef("pk")))
        unplaced = ~Exists(Position.objects.filter(person=OuterRef("pk")))
        if not Person.objects.filter(visible | unplaced, pk=p.person_id).exists():
            raise PermissionDenied(_("This person is outside your organisations."))
        return p.person_id
    person = Person(full_name=clean_line(p.full_name))
    person.full_clean()
    person.save()
    return person.pk
