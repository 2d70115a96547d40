"""What a reorganisation does to the register's open work: assignments and targets.

Called by ``organizations.services.reorganisation`` through ``organizations.hooks`` (the
register may not be imported by organizations). An assignment or target belongs to the unit
as it was for the time before the date, and to the unit that carries its work on from then:
an assignment running across the date is ended the day before and continued by a copy from
the date, so each period is expected of the structure that existed in it.
"""
from __future__ import annotations

import datetime as dt

from django.db.models import Q

from organizations.hooks import Succession

from .models import Assignment, Target

ONE_DAY = dt.timedelta(days=1)


def _continue(assignment: Assignment, organization_id: int, effective: dt.date) -> None:
    exists = Assignment.objects.filter(directive_id=assignment.directive_id, organization_id=organization_id,
                                       reporter_kind=assignment.reporter_kind).filter(
        Q(end__isnull=True) | Q(end__gte=effective)).exists()
    if not exists:
        Assignment.objects.create(directive_id=assignment.directive_id, organization_id=organization_id,
                                  frequency=assignment.frequency, reporter_kind=assignment.reporter_kind,
                                  start=effective, end=assignment.end, due_days=assignment.due_days)


def _hand_over(old_id: int, new_ids: tuple[int, ...], effective: dt.date) -> None:
    running = Assignment.objects.filter(organization_id=old_id).filter(Q(end__isnull=True) | Q(end__gte=effective))
    for assignment in running:
        for new_id in new_ids:
            _continue(assignment, new_id, effective)
        if assignment.start >= effective:
            assignment.delete()  # it never ran for the unit as it was
        else:
            assignment.end = effective - ONE_DAY
            assignment.save(update_fields=["end"])


def carry_register(succession: Succession) -> None:
    eff = succession.effective
    for old_id, new_id in succession.carried.items():
        _hand_over(old_id, (new_id,), eff)
        # A unit's own goal stays its goal in its new place.
        for target in Target.objects.filter(organization_id=old_id):
            target.organization_id = new_id
            target.save(update_fields=["organization"])
    for old_id, successors in succession.ended.items():
        _hand_over(old_id, successors, eff)
