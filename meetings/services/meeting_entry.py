"""Meetings and their participants."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from organizations.models import Organization
from organizations.text import clean_input

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
    person_id: int
    role: str
    position_id: int | None = None
    position_label: str = ""


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
    _set_participants(meeting, participants)
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
        _set_participants(meeting, participants)
    return meeting


def _set_participants(meeting: Meeting, participants) -> None:
    for p in participants:
        row = MeetingParticipant(meeting=meeting, person_id=p.person_id, role=p.role, position_id=p.position_id,
                                 position_label=clean_input(p.position_label).strip())
        row.full_clean()
        row.save()
