"""What a reorganisation does to meetings and reports dated on or after its date.

Reports and meetings stay with the unit they were filed for — except those *for* the time
after the change, which were filed on the unit as it was only because the change was
recorded late: they belong to the unit that carries the work on (its new version, or the
single unit it merged into). A split leaves them where they are: which part they belong to
is for a person to say.
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from organizations.hooks import Succession
from organizations.models import Organization, Term

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


def _common_ancestor(ids: set[int]) -> Organization | None:
    paths = list(Organization.objects.filter(pk__in=ids).values_list("path", flat=True))
    if not paths:
        return None
    step = Organization.steplen
    prefix = paths[0]
    for path in paths[1:]:
        while not path.startswith(prefix):
            prefix = prefix[:-step]
    # The parent of the common prefix: a unit ended or created is counted by the unit above it.
    prefix = prefix[:-step] if len(prefix) > step else prefix
    return Organization.objects.filter(path=prefix).first()


def refresh_summaries(succession: Succession) -> None:
    """Periods from the date on are summarised again once the change is committed.

    Until then they were computed on the old structure; periods before the date keep theirs.
    Only the smallest subtree holding every unit touched is recomputed (its ancestors are
    refreshed with it); closed periods are never rewritten.
    """
    today = timezone.localdate()
    if succession.effective > today:
        return
    ids = set(succession.carried) | set(succession.carried.values()) | set(succession.ended)
    ids |= {pk for successors in succession.ended.values() for pk in successors}
    anchor = _common_ancestor(ids)
    root = anchor is None or anchor.depth == 1
    start, end = succession.effective.isoformat(), today.isoformat()

    def enqueue() -> None:
        from .tasks import summaries_compute_task

        summaries_compute_task.delay(start=start, end=end, org_id=None if root else anchor.pk)

    transaction.on_commit(enqueue)
