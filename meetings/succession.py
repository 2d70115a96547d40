"""What a reorganisation does to meetings and reports dated on or after its date.

Reports and meetings stay with the unit they were filed for — except those *for* the time
after the change, which were filed on the unit as it was only because the change was
recorded late: they belong to the unit that carries the work on (its new version, or the
single unit it merged into). A split leaves them where they are: which part they belong to
is for a person to say.
"""
from __future__ import annotations

from organizations.hooks import Succession
from organizations.models import Term

from .models import Meeting, Report


def _repoint(old_id: int, new_id: int, succession: Succession) -> None:
    eff = succession.effective
    terms = {t.ordinal: t.pk for t in Term.objects.filter(organization_id=new_id)}
    for meeting in Meeting.objects.filter(organization_id=old_id, date__gte=eff).select_related("term"):
        if meeting.term_id and meeting.term.ordinal not in terms:
            continue  # numbered in a term the new unit does not have: a person must renumber it
        meeting.organization_id = new_id
        meeting.term_id = terms.get(meeting.term.ordinal) if meeting.term_id else None
        meeting.save(update_fields=["organization", "term"])
    for report in Report.objects.filter(organization_id=old_id, period_start__gte=eff):
        report.organization_id = new_id
        report.save(update_fields=["organization"])


def carry_reports(succession: Succession) -> None:
    for old_id, new_id in succession.carried.items():
        _repoint(old_id, new_id, succession)
    for old_id, successors in succession.ended.items():
        if len(successors) == 1:
            _repoint(old_id, successors[0], succession)
