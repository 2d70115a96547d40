"""The primitives of a dated reorganisation: carry a subtree to a new place, end a unit.

Why versions rather than moving rows: every figure of the product is a roll-up over the
materialized path (a unit counts for every unit above it). Re-parenting a unit in place would
silently re-file all its past reports under its new parent, and the summaries of periods
before the change would follow the new structure. So a unit transferred from a date keeps its
row, code history, reports and place for the time before (it ends the day before), and a new
version of it — same name, kind and code — starts in the new place on the date, linked as its
successor. Its current work (roles, posts, terms, organs; assignments and later reports through
``organizations.hooks``) carries on there. A unit created on or after the date has no past to
keep and simply moves.

These functions do no scope checks: ``organizations.services.reorganisation`` checks the
actor's scope for the whole plan first and is the only caller.
"""
from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from django.db.models import Q

from ..models import Organ, Organization, Position, Role, Term

ONE_DAY = dt.timedelta(days=1)
CODE_MAX = Organization._meta.get_field("code").max_length


def history_code(code: str, last_day: dt.date) -> str:
    """The code the old version keeps: the living unit keeps the plain code (imports, links)."""
    suffix = f"@{last_day.isoformat()}"
    base = code[: CODE_MAX - len(suffix)] + suffix
    candidate, n = base, 2
    while Organization.objects.filter(code=candidate).exists():
        tail = f"{suffix}-{n}"
        candidate, n = code[: CODE_MAX - len(tail)] + tail, n + 1
    return candidate


def valid_on(day: dt.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def subtree_valid_on(unit: Organization, day: dt.date) -> list[Organization]:
    """The unit and the units below it that still exist on ``day`` (or start later), top-down."""
    return list(Organization.objects.filter(path__startswith=unit.path)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day)).order_by("depth", "path"))


def _parent_path(org: Organization) -> str:
    return org.path[: -Organization.steplen]


def _log(org: Organization, actor, changes: dict) -> None:
    LogEntry.objects.log_create(org, action=LogEntry.Action.UPDATE, actor=actor if getattr(actor, "pk", None) else None,
                                changes=changes)


def _move_in_place(unit: Organization, new_parent: Organization, actor) -> Organization:
    old_parent = Organization.objects.get_parent(unit)
    Organization.objects.move(unit, new_parent, "sorted-child")
    unit.refresh_from_db()
    _log(unit, actor, {"parent": [old_parent.code if old_parent else None, new_parent.code]})
    return unit


def carry_subtree(unit: Organization, new_parent: Organization, effective: dt.date, actor) -> dict[int, Organization]:
    """Transfer ``unit`` with everything below it under ``new_parent`` from ``effective``.

    Returns ``{old id: version in the new place}`` for every unit that got a new version (a
    unit that starts on or after the date is moved as it is and maps to itself).
    """
    unit = Organization.objects.get(pk=unit.pk)
    if unit.valid_from is not None and unit.valid_from >= effective:
        moved = _move_in_place(unit, new_parent, actor)
        return {moved.pk: moved}
    last_day = effective - ONE_DAY
    nodes = subtree_valid_on(unit, effective)
    by_path = {n.path: n for n in nodes}
    mapping: dict[int, Organization] = {}
    late_starters: list[tuple[Organization, Organization]] = []
    for node in nodes:
        parent_new = new_parent if node.pk == unit.pk else mapping.get(by_path.get(_parent_path(node), node).pk)
        if parent_new is None:  # the node's parent had ended before the date: nothing to carry it under
            continue
        if node.valid_from is not None and node.valid_from >= effective:
            late_starters.append((node, parent_new))
            mapping[node.pk] = node
            continue
        code, ends = node.code, node.valid_to
        node.code, node.valid_to = history_code(code, last_day), last_day
        node.save(update_fields=["code", "valid_to"])
        version = Organization(code=code, name=node.name, short_name=node.short_name, kind=node.kind,
                               member_count=node.member_count, valid_from=effective, valid_to=ends,
                               search_text=node.search_text)
        version = Organization.objects.add_child(Organization.objects.get(pk=parent_new.pk), instance=version)
        node.successors.add(version)
        mapping[node.pk] = version
    for node, parent_new in late_starters:
        # A unit that begins on or after the date goes along as it is (and its own subtree with it).
        if not node.path.startswith(Organization.objects.get(pk=parent_new.pk).path):
            _move_in_place(Organization.objects.get(pk=node.pk), Organization.objects.get(pk=parent_new.pk), actor)
    carry_work({old: new.pk for old, new in mapping.items() if new.pk != old}, effective)
    return mapping


def carry_work(carried: dict[int, int], effective: dt.date) -> None:
    """Roles, posts held on the date, terms still running and issuing organs go to the new versions."""
    if not carried:
        return
    last_day = effective - ONE_DAY
    for role in Role.objects.filter(organization_id__in=list(carried)):
        role.organization_id = carried[role.organization_id]
        role.save(update_fields=["organization"])
    for post in Position.objects.filter(organization_id__in=list(carried)).filter(Q(end__isnull=True) | Q(end__gte=effective)):
        new_org = carried[post.organization_id]
        if post.start is not None and post.start >= effective:
            post.organization_id = new_org
            post.save(update_fields=["organization"])
            continue
        Position.objects.create(person_id=post.person_id, organization_id=new_org, title=post.title, label=post.label,
                                start=effective, end=post.end)
        post.end = last_day
        post.save(update_fields=["end"])
    for term in Term.objects.filter(organization_id__in=list(carried), end_year__gte=effective.year):
        Term.objects.create(organization_id=carried[term.organization_id], ordinal=term.ordinal,
                            start_year=term.start_year, end_year=term.end_year, name=term.name)
    for organ in Organ.objects.filter(organization_id__in=list(carried)):
        organ.organization_id = carried[organ.organization_id]
        organ.save(update_fields=["organization"])


def end_unit(unit: Organization, effective: dt.date, successors: list[Organization]) -> Organization:
    """The unit ceases the day before ``effective``; its roles end and its posts close with it.

    Roles are not handed to the successors: a merger or split does not by itself give the
    ended unit's staff access to the successor's (larger or different) subtree — an admin
    grants that. The successors' own users see the ended unit's history through the lineage
    (``organizations.selectors.scope_paths``).
    """
    unit = Organization.objects.get(pk=unit.pk)
    last_day = effective - ONE_DAY
    unit.valid_to = last_day
    unit.full_clean(exclude=["path", "depth", "numchild"])
    unit.save(update_fields=["valid_to"])
    if successors:
        unit.successors.add(*successors)
    for role in Role.objects.filter(organization=unit):
        role.delete()
    for post in Position.objects.filter(organization=unit).filter(Q(end__isnull=True) | Q(end__gt=last_day)).filter(
            Q(start__isnull=True) | Q(start__lte=last_day)):
        post.end = last_day
        post.save(update_fields=["end"])
    return unit
