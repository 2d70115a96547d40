"""Dated reorganisations: transfer, merger, split and dissolution, previewed then applied.

Each change is planned first (``plan_*``): the plan checks the actor's scope over every unit
it touches and says in words what will change — which units end, which go where, how many
reports stay with the units as they were — before anything does. ``reorganise`` applies a plan
in one transaction after planning it again from the stored rows (a plan shown minutes ago
may be stale; the database is not). The history (``Reorganisation``) and the lineage
(``Organization.successors``) are written with it, on the audit trail.

The date is the first day of the new structure: ended units end the day before, so every
period before it is summarised as the tree was, every period from it as it is now, and an
ended unit can still file its last reports for periods it existed in.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..hooks import Succession, count_dated, count_for, run_succession_handlers
from ..models import Organization, OrgKind, Reorganisation, ReorganisationKind, Role
from ..text import clean_line, clean_text
from .common import _require_admin, _require_below_own_role
from .succession import ONE_DAY, carry_subtree, end_unit, subtree_valid_on
from .tree import organization_create

REASON_MAX = 2000
#: The earliest effective date: no Party organisation predates the Party (founded 3-2-1930).
EARLIEST = dt.date(1930, 1, 1)
#: How far ahead a change may be recorded: decisions are announced weeks or months before
#: they take effect, not years.
AHEAD = dt.timedelta(days=366)
#: Units one reorganisation may name (merged units, split parts): bounded like every parameter.
MAX_UNITS = 50


@dataclass(frozen=True)
class NewUnit:
    """A unit a merger or split creates (it starts on the effective date)."""

    code: str
    name: str
    kind: str
    short_name: str = ""
    member_count: int = 0


@dataclass
class SplitPart:
    """One successor of a split: an existing unit or a new one, and the children it takes."""

    children: list[Organization]
    target: Organization | None = None
    new: NewUnit | None = None


@dataclass
class Plan:
    kind: str
    effective: dt.date
    reason: str
    sources: list[Organization]
    #: Existing units that receive work (merger/split/dissolution successors, a transfer's new parent).
    targets: list[Organization]
    #: Units to create: (definition, parent).
    new_units: list[tuple[NewUnit, Organization]] = field(default_factory=list)
    #: Split: for each successor (index into targets + new_units order), the children it takes.
    parts: list[SplitPart] = field(default_factory=list)
    effects: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def plan_digest(plan: Plan) -> str:
    """A fingerprint of what a preview said: applying is allowed only for the change the user saw.

    The form is posted again on "apply"; if anything in it (a date, a unit) was edited after the
    preview, or the tree changed meanwhile, the plan made now says something else and must be
    shown before it is applied.
    """
    import hashlib

    text = "\n".join([plan.kind, plan.effective.isoformat(), plan.reason, *plan.effects])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _day(day: dt.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _check_effective(effective: dt.date) -> None:
    """A date a reorganisation can really take effect on (not year 1, not year 9999)."""
    latest = timezone.localdate() + AHEAD
    if not isinstance(effective, dt.date) or not EARLIEST <= effective <= latest:
        raise ValidationError({"effective": _("Choose an effective date between %(first)s and %(last)s.") % {
            "first": _day(EARLIEST), "last": _day(latest)}})


def _clean_reason(reason: str) -> str:
    reason = clean_text(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason (the decision and its number, if there is one).")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("The reason is too long (at most %(n)s characters).") % {"n": REASON_MAX}})
    return reason


def _fresh(unit: Organization) -> Organization:
    """The unit as stored now, locked until the plan (or the change applying it) ends."""
    return Organization.objects.select_for_update().get(pk=unit.pk)


def _check_source(actor, unit: Organization, effective: dt.date) -> None:
    _require_admin(actor, unit)
    _require_below_own_role(actor, unit)
    if unit.valid_to is not None and unit.valid_to < effective - ONE_DAY:
        raise ValidationError({"effective": _("“%(unit)s” already ended on %(day)s.") % {
            "unit": unit, "day": _day(unit.valid_to)}})
    if unit.valid_from is not None and unit.valid_from >= effective:
        raise ValidationError({"effective": _("“%(unit)s” only starts on %(day)s: choose a later date.") % {
            "unit": unit, "day": _day(unit.valid_from)}})


def _check_target(actor, unit: Organization, effective: dt.date, sources: list[Organization]) -> None:
    _require_admin(actor, unit)
    if unit.valid_to is not None and unit.valid_to < effective:
        raise ValidationError({"target": _("“%(unit)s” no longer exists on %(day)s.") % {
            "unit": unit, "day": _day(effective)}})
    for source in sources:
        if unit.path.startswith(source.path):
            raise ValidationError({"target": _("“%(target)s” lies inside “%(unit)s”, which is being reorganised.") % {
                "target": unit, "unit": source}})


def _check_new_unit(actor, spec: NewUnit, parent: Organization, effective: dt.date) -> NewUnit:
    _require_admin(actor, parent)
    spec = NewUnit(code=clean_line(spec.code), name=clean_line(spec.name), kind=spec.kind,
                   short_name=clean_line(spec.short_name), member_count=spec.member_count)
    errors = {}
    if not spec.code:
        errors["code"] = _("Give the new unit a code.")
    elif Organization.objects.filter(code=spec.code).exists():
        errors["code"] = _("The code “%(code)s” is already used.") % {"code": spec.code}
    if not spec.name:
        errors["name"] = _("Give the new unit a name.")
    if spec.kind not in OrgKind.values:
        errors["kind"] = _("Choose the kind of the new unit.")
    if parent.valid_to is not None and parent.valid_to < effective:
        errors["parent"] = _("“%(unit)s” no longer exists on %(day)s.") % {"unit": parent, "day": _day(effective)}
    if errors:
        raise ValidationError(errors)
    return spec


def _disjoint(units: list[Organization]) -> None:
    if len(units) > MAX_UNITS:
        raise ValidationError(_("At most %(n)s units at once.") % {"n": MAX_UNITS})
    if len({u.pk for u in units}) != len(units):
        raise ValidationError({"sources": _("A unit is named twice.")})
    for a in units:
        for b in units:
            if a.pk != b.pk and b.path.startswith(a.path):
                raise ValidationError({"sources": _("“%(inner)s” lies inside “%(outer)s”: name only the outer unit.") % {
                    "inner": b, "outer": a}})


def _children_on(unit: Organization, effective: dt.date) -> list[Organization]:
    return [n for n in subtree_valid_on(unit, effective) if n.depth == unit.depth + 1]


def _subtree_ids(unit: Organization) -> list[int]:
    return list(Organization.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))


def _roles_at(units: list[Organization]) -> int:
    return Role.objects.filter(organization__in=units).count()


def _history_effects(plan: Plan, units: list[Organization], handed_on: list[Organization] | None = None) -> None:
    """Say what happens to the reports of ``units`` (their subtrees): those for periods before
    the date stay where they were filed; those for periods from it go with the units in
    ``handed_on`` (their subtrees) to the units that carry the work on (``meetings.succession``),
    and stay where they are elsewhere (a split's own unit: which part they belong to is for a
    person to say; a dissolution without successor)."""
    ids = [pk for u in units for pk in _subtree_ids(u)]
    total = sum(count_for("reports", ids).values())
    handed_ids = ids if handed_on == units else [pk for u in handed_on or [] for pk in _subtree_ids(u)]
    later = count_dated("reports", handed_ids, since=plan.effective)
    stay = total - later
    plan.counts["reports"] = stay
    plan.counts["reports_handed_on"] = later
    plan.effects.append(ngettext(
        "%(n)s report stays with the units as they were: periods before %(day)s are summarised as the tree was.",
        "%(n)s reports stay with the units as they were: periods before %(day)s are summarised as the tree was.",
        stay) % {"n": stay, "day": _day(plan.effective)})
    if later:
        plan.effects.append(ngettext(
            "%(n)s report for a period from %(day)s on goes to the unit that carries the work on.",
            "%(n)s reports for periods from %(day)s on go to the units that carry the work on.",
            later) % {"n": later, "day": _day(plan.effective)})


# --- plans -----------------------------------------------------------------------------------

@transaction.atomic
def plan_move(*, actor, unit: Organization, new_parent: Organization, effective: dt.date, reason: str) -> Plan:
    """Transfer a unit (with everything below it) under another parent from ``effective``."""
    _check_effective(effective)
    unit, new_parent = _fresh(unit), _fresh(new_parent)
    reason = _clean_reason(reason)
    _require_admin(actor, unit)
    _require_below_own_role(actor, unit)
    if unit.valid_to is not None and unit.valid_to < effective:
        raise ValidationError({"effective": _("“%(unit)s” already ended on %(day)s.") % {
            "unit": unit, "day": _day(unit.valid_to)}})
    if unit.valid_from is not None and unit.valid_from > effective:
        # On its first day a move is a correction of where it was created; before it, nothing.
        raise ValidationError({"effective": _("“%(unit)s” only starts on %(day)s: choose a later date.") % {
            "unit": unit, "day": _day(unit.valid_from)}})
    _check_target(actor, new_parent, effective, [unit])
    if Organization.objects.get_parent(unit) == new_parent:
        raise ValidationError({"target": _("“%(unit)s” is already under “%(parent)s”.") % {
            "unit": unit, "parent": new_parent}})
    plan = Plan(ReorganisationKind.MOVE, effective, reason, [unit], [new_parent])
    below = len(subtree_valid_on(unit, effective)) - 1
    old_parent = Organization.objects.get_parent(unit)
    plan.counts.update(units=below + 1, roles=_roles_at(subtree_valid_on(unit, effective)))
    plan.effects.append(_("“%(unit)s” goes from “%(old)s” to “%(new)s” from %(day)s.") % {
        "unit": unit, "old": old_parent or "—", "new": new_parent, "day": _day(effective)})
    if below:
        plan.effects.append(ngettext("%(n)s unit below it goes along.", "%(n)s units below it go along.", below)
                            % {"n": below})
    if unit.valid_from is None or unit.valid_from < effective:
        plan.effects.append(_("Its place before %(day)s is kept in its history; its roles, posts held on that date, "
                              "running terms and assignments carry on in the new place.") % {"day": _day(effective)})
        _history_effects(plan, [unit], handed_on=[unit])
    return plan


@transaction.atomic
def plan_merge(*, actor, sources: list[Organization], effective: dt.date, reason: str,
               into: Organization | None = None, new_unit: NewUnit | None = None,
               new_parent: Organization | None = None) -> Plan:
    """Merge units into one existing unit (``into``) or into a new one (``new_unit`` under ``new_parent``)."""
    _check_effective(effective)
    reason = _clean_reason(reason)
    sources = [_fresh(s) for s in sources]
    if len(sources) < (1 if into is not None else 2) or (into is None and new_unit is None):
        raise ValidationError({"sources": _("Choose the units to merge and the unit they merge into.")})
    _disjoint(sources)
    for source in sources:
        _check_source(actor, source, effective)
    plan = Plan(ReorganisationKind.MERGE, effective, reason, sources, [])
    if into is not None:
        into = _fresh(into)
        if into.pk in {s.pk for s in sources}:
            raise ValidationError({"target": _("A unit cannot merge into itself.")})
        _check_target(actor, into, effective, sources)
        plan.targets.append(into)
        successor = str(into)
    else:
        if new_parent is None:
            raise ValidationError({"parent": _("Choose where the new unit sits.")})
        new_parent = _fresh(new_parent)
        _check_target(actor, new_parent, effective, sources)
        spec = _check_new_unit(actor, new_unit, new_parent, effective)
        plan.new_units.append((spec, new_parent))
        successor = spec.name
        plan.effects.append(_("A new unit “%(name)s” (%(code)s) is created under “%(parent)s” from %(day)s.") % {
            "name": spec.name, "code": spec.code, "parent": new_parent, "day": _day(effective)})
    names = ", ".join(f"“{s}”" for s in sources)
    plan.effects.append(_("%(units)s end on %(last)s, merged into “%(successor)s”.") % {
        "units": names, "last": _day(effective - ONE_DAY), "successor": successor})
    children = [c for s in sources for c in _children_on(s, effective)]
    moving = sum(len(subtree_valid_on(c, effective)) for c in children)
    plan.counts.update(units=moving, roles=_roles_at(sources))
    if moving:
        plan.effects.append(ngettext("%(n)s unit below them goes to “%(successor)s” from %(day)s.",
                                     "%(n)s units below them go to “%(successor)s” from %(day)s.", moving)
                            % {"n": moving, "successor": successor, "day": _day(effective)})
    _role_effect(plan, sources)
    _history_effects(plan, sources, handed_on=sources)
    return plan


@transaction.atomic
def plan_split(*, actor, unit: Organization, parts: list[SplitPart], effective: dt.date, reason: str) -> Plan:
    """Split a unit into several successors, each taking the children chosen for it."""
    _check_effective(effective)
    reason = _clean_reason(reason)
    unit = _fresh(unit)
    _check_source(actor, unit, effective)
    if not 2 <= len(parts) <= MAX_UNITS:
        raise ValidationError({"parts": _("A split needs at least two successor units.")})
    parent = Organization.objects.get_parent(unit)
    if parent is None:
        raise ValidationError({"parts": _("The root of the tree cannot be split.")})
    children = {c.pk: c for c in _children_on(unit, effective)}
    taken: dict[int, int] = {}
    plan = Plan(ReorganisationKind.SPLIT, effective, reason, [unit], [])
    names = []
    for index, part in enumerate(parts):
        if part.target is not None:
            target = _fresh(part.target)
            _check_target(actor, target, effective, [unit])
            plan.targets.append(target)
            names.append(str(target))
        elif part.new is not None:
            spec = _check_new_unit(actor, part.new, parent, effective)
            if spec.code in {s.code for s, _p in plan.new_units}:
                raise ValidationError({"code": _("The code “%(code)s” is already used.") % {"code": spec.code}})
            plan.new_units.append((spec, parent))
            names.append(spec.name)
        else:
            raise ValidationError({"parts": _("Each part needs a unit.")})
        for child in part.children:
            if child.pk not in children:
                raise ValidationError({"parts": _("“%(child)s” is not a unit directly under “%(unit)s”.") % {
                    "child": child, "unit": unit}})
            if child.pk in taken:
                raise ValidationError({"parts": _("“%(child)s” is given to two parts.") % {"child": child}})
            taken[child.pk] = index
        plan.parts.append(SplitPart(children=[children[c.pk] for c in part.children], target=part.target, new=part.new))
    left = [c for pk, c in children.items() if pk not in taken]
    if left:
        raise ValidationError({"parts": _("Say where these units go: %(units)s.") % {
            "units": ", ".join(f"“{c}”" for c in left)}})
    plan.effects.append(_("“%(unit)s” ends on %(last)s, split into %(parts)s.") % {
        "unit": unit, "last": _day(effective - ONE_DAY), "parts": ", ".join(f"“{n}”" for n in names)})
    for name, part in zip(names, plan.parts, strict=True):
        plan.effects.append(ngettext("“%(part)s” takes %(n)s unit: %(units)s.", "“%(part)s” takes %(n)s units: %(units)s.",
                                     len(part.children)) % {
            "part": name, "n": len(part.children), "units": ", ".join(str(c) for c in part.children) or "—"})
    plan.counts.update(units=sum(len(subtree_valid_on(c, effective)) for c in children.values()),
                       roles=_roles_at([unit]))
    _role_effect(plan, [unit])
    _history_effects(plan, [unit], handed_on=list(children.values()))
    return plan


@transaction.atomic
def plan_dissolve(*, actor, unit: Organization, effective: dt.date, reason: str,
                  successor: Organization | None = None) -> Plan:
    """Dissolve a unit; with a successor its units and work go there, without it they end too."""
    if successor is not None:
        plan = plan_merge(actor=actor, sources=[unit], into=successor, effective=effective, reason=reason)
        plan.kind = ReorganisationKind.DISSOLVE
        return plan
    _check_effective(effective)
    reason = _clean_reason(reason)
    unit = _fresh(unit)
    _check_source(actor, unit, effective)
    plan = Plan(ReorganisationKind.DISSOLVE, effective, reason, [unit], [])
    below = len(subtree_valid_on(unit, effective)) - 1
    plan.counts.update(units=below, roles=Role.objects.filter(organization__in=subtree_valid_on(unit, effective)).count())
    plan.effects.append(_("“%(unit)s” is dissolved: it ends on %(last)s.") % {
        "unit": unit, "last": _day(effective - ONE_DAY)})
    if below:
        plan.effects.append(ngettext("%(n)s unit below it ends too.", "%(n)s units below it end too.", below)
                            % {"n": below})
    _role_effect(plan, subtree_valid_on(unit, effective))
    _history_effects(plan, [unit])
    return plan


def _role_effect(plan: Plan, units: list[Organization]) -> None:
    roles = list(Role.objects.filter(organization__in=units).select_related("user", "organization"))
    if roles:
        people = ", ".join(sorted({r.user.get_full_name() or r.user.get_username() for r in roles}))
        plan.effects.append(ngettext(
            "%(n)s role at the ended units ends (%(people)s): grant new roles at the successors where needed.",
            "%(n)s roles at the ended units end (%(people)s): grant new roles at the successors where needed.",
            len(roles)) % {"n": len(roles), "people": people})


# --- applying -------------------------------------------------------------------------------

def _replan(actor, plan: Plan) -> Plan:
    """The same change planned again from the rows as they are now (under row locks)."""
    common = {"actor": actor, "effective": plan.effective, "reason": plan.reason}
    if plan.kind == ReorganisationKind.MOVE:
        return plan_move(unit=plan.sources[0], new_parent=plan.targets[0], **common)
    if plan.kind == ReorganisationKind.SPLIT:
        return plan_split(unit=plan.sources[0], parts=plan.parts, **common)
    if plan.kind == ReorganisationKind.DISSOLVE and not plan.targets:
        return plan_dissolve(unit=plan.sources[0], **common)
    new_unit, new_parent = plan.new_units[0] if plan.new_units else (None, None)
    fresh = plan_merge(sources=plan.sources, into=plan.targets[0] if plan.targets else None, new_unit=new_unit,
                       new_parent=new_parent, **common)
    fresh.kind = plan.kind
    return fresh


def _create(actor, spec: NewUnit, parent: Organization, effective: dt.date) -> Organization:
    return organization_create(actor=actor, parent=parent, code=spec.code, name=spec.name, kind=spec.kind,
                               short_name=spec.short_name, member_count=spec.member_count, valid_from=effective)


@transaction.atomic
def reorganise(*, actor, plan: Plan) -> Reorganisation:
    """Apply a plan: all of it or, on any refusal, nothing."""
    if not getattr(actor, "pk", None):
        raise PermissionDenied(_("Only a signed-in administrator can reorganise units."))
    plan = _replan(actor, plan)
    eff = plan.effective
    carried: dict[int, int] = {}
    ended: dict[int, tuple[int, ...]] = {}
    sources, targets = list(plan.sources), list(plan.targets)
    if plan.kind == ReorganisationKind.MOVE:
        unit = plan.sources[0]
        mapping = carry_subtree(unit, plan.targets[0], eff, actor)
        carried.update({old: new.pk for old, new in mapping.items() if new.pk != old})
        targets = [mapping[unit.pk]]
    elif plan.kind == ReorganisationKind.SPLIT:
        unit = plan.sources[0]
        made = [_create(actor, spec, parent, eff) for spec, parent in plan.new_units]
        successors, new_iter = [], iter(made)
        for part in plan.parts:
            successor = Organization.objects.get(pk=part.target.pk) if part.target is not None else next(new_iter)
            successors.append(successor)
            for child in part.children:
                mapping = carry_subtree(child, successor, eff, actor)
                carried.update({old: new.pk for old, new in mapping.items() if new.pk != old})
        end_unit(unit, eff, successors)
        ended[unit.pk] = tuple(s.pk for s in successors)
        targets = successors
    elif plan.kind == ReorganisationKind.DISSOLVE and not plan.targets:
        unit = plan.sources[0]
        for node in sorted(subtree_valid_on(unit, eff), key=lambda n: -n.depth):
            if node.valid_from is not None and node.valid_from >= eff:
                continue  # never began: ending it the day before it starts would contradict its dates
            end_unit(node, eff, [])
            ended[node.pk] = ()
    else:  # merger, or dissolution into a successor
        successor = targets[0] if targets else _create(actor, *plan.new_units[0], eff)
        targets = [successor]
        for source in sources:
            # Fetched again: creating the successor (siblings are kept sorted by code) may have
            # shifted the paths of the units after it, these among them.
            source = Organization.objects.get(pk=source.pk)
            for child in _children_on(source, eff):
                mapping = carry_subtree(child, Organization.objects.get(pk=successor.pk), eff, actor)
                carried.update({old: new.pk for old, new in mapping.items() if new.pk != old})
            end_unit(source, eff, [successor])
            ended[source.pk] = (successor.pk,)
    event = Reorganisation.objects.create(kind=plan.kind, effective=eff, reason=plan.reason, actor=actor)
    event.sources.set([s.pk for s in sources])
    event.targets.set([t.pk for t in targets])
    run_succession_handlers(Succession(kind=plan.kind, effective=eff, carried=carried, ended=ended))
    return event
