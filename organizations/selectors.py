"""Reads of the organisation tree and the permission scope every view relies on.

A role held at an organisation covers that organisation and everything below it. On the
materialized path that is ``path LIKE '<role path>%'``: scoping any table is a join to its
organisation plus one prefix condition per role, which PostgreSQL answers from the path
index whatever the size of the tree.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Organization, Reorganisation, Role, RoleKind
from .text import search_key

ALL_KINDS = (RoleKind.STAFF, RoleKind.LEADER, RoleKind.ADMIN)


def user_roles(user: AbstractBaseUser | AnonymousUser) -> list[Role]:
    """The user's roles with their organisations, memoised on the user for the request."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return []  # a disabled account keeps its role rows (history) but no longer acts through them
    cached = getattr(user, "_rt_roles", None)
    if cached is None:
        cached = list(Role.objects.filter(user=user).select_related("organization").order_by("organization__path"))
        user._rt_roles = cached  # type: ignore[attr-defined]
    return cached


def _root_paths(paths: Iterable[str]) -> list[str]:
    """Drop paths already covered by a shorter prefix: fewer OR branches in the SQL."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(p) for p in kept):
            kept.append(path)
    return kept


def scope_paths(user, kinds: Iterable[str] = ALL_KINDS) -> list[str] | None:
    """Path prefixes the user may see for the given role kinds; ``None`` means everything.

    A subtree's history comes with it: when a unit inside the user's subtree succeeded units
    that now lie elsewhere (a transferred unit's old place, units merged into it), those
    predecessors — ended, with their reports — are in scope too (``lineage_paths``).
    """
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return None
    key = frozenset(kinds)
    roles = user_roles(user)
    # Memoised with the roles it was computed from: whoever refreshes the roles refreshes this.
    memo = getattr(user, "_rt_scope", None)
    if memo is None or memo[0] is not roles:
        memo = (roles, {})
        if getattr(user, "is_authenticated", False):
            user._rt_scope = memo  # type: ignore[attr-defined]
    if key not in memo[1]:
        own = _root_paths(r.organization.path for r in roles if r.kind in key and r.organization.is_active)
        memo[1][key] = _root_paths(own + lineage_paths(own))
    return memo[1][key]


#: Chains of successions followed back (a unit merged, then its successor transferred, …).
LINEAGE_DEPTH = 20


def lineage_paths(paths: list[str]) -> list[str]:
    """Paths of the predecessors, outside ``paths``, of units inside them (followed back)."""
    if not paths:
        return []
    through = Organization.successors.through
    if not through.objects.exists():  # no reorganisation recorded yet: nothing to follow
        return []
    found: list[str] = []
    frontier = list(paths)
    for _ in range(LINEAGE_DEPTH):
        covered = frontier + found
        q = Q()
        for path in frontier:
            q |= Q(successors__path__startswith=path)
        preds = set(Organization.objects.filter(q).values_list("path", flat=True).distinct())
        new = [p for p in preds if not any(p.startswith(c) for c in paths + covered)]
        if not new:
            break
        found += new
        frontier = _root_paths(new)
    return found


def scope_q(user, field: str = "organization", kinds: Iterable[str] = ALL_KINDS) -> Q:
    """Q restricting rows whose ``field`` organisation lies in the user's scope.

    ``field=""`` scopes the Organization table itself. A user with no role matches nothing.
    """
    paths = scope_paths(user, kinds)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    lookup = f"{field}__path__startswith" if field else "path__startswith"
    q = Q()
    for path in paths:
        q |= Q(**{lookup: path})
    return q


def organizations_in_scope(user, kinds: Iterable[str] = ALL_KINDS) -> QuerySet[Organization]:
    return Organization.objects.filter(scope_q(user, "", kinds))


def can_access(user, organization: Organization, kinds: Iterable[str] = ALL_KINDS) -> bool:
    """Whether the user's roles (of the given kinds) cover ``organization``."""
    paths = scope_paths(user, kinds)
    if paths is None:
        return True
    return any(organization.path.startswith(p) for p in paths)


def organization_in_scope_or_404(user, pk: int, kinds: Iterable[str] = ALL_KINDS) -> Organization:
    """Fetch an organisation the user may see; anything else is a 404, never a 403 that leaks existence."""
    try:
        org = Organization.objects.get(pk=pk)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_access(user, org, kinds):
        raise Http404
    return org


def primary_organization(user) -> Organization | None:
    """The highest organisation where the user holds a role: the home page's subject."""
    roles = user_roles(user)
    if not roles:
        if getattr(user, "is_superuser", False):
            return Organization.objects.get_first_root_node()
        return None
    return min((r.organization for r in roles), key=lambda o: (o.depth, o.path))


def organization_children(org: Organization) -> QuerySet[Organization]:
    return Organization.objects.filter(path__startswith=org.path, depth=org.depth + 1).order_by("path")


def subtree_counts(org: Organization) -> dict[str, int]:
    """How many units of each kind lie in the subtree (the unit itself included)."""
    from django.db.models import Count

    # ``order_by()``: the tree's default ordering (by path) would otherwise join the GROUP BY
    # and count every unit as a group of its own.
    rows = Organization.objects.filter(path__startswith=org.path).order_by().values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}


def organization_search(user, query: str, limit: int = 20) -> QuerySet[Organization]:
    """Accent-insensitive search by name or code inside the user's scope."""
    key = search_key(query)
    qs = organizations_in_scope(user)
    if key:
        qs = qs.filter(search_text__contains=key)
    return qs.order_by("depth", "path")[:limit]


def ancestors(org: Organization) -> list[Organization]:
    """The chain from the root down to ``org``'s parent, for breadcrumbs (one query)."""
    step = Organization.steplen
    paths = [org.path[:i] for i in range(step, len(org.path), step)]
    return list(Organization.objects.filter(path__in=paths).order_by("depth"))


@dataclass(frozen=True)
class LineageLink:
    """One step of a unit's lineage: the other unit, and the reorganisation that linked them."""

    unit: Organization
    event: Reorganisation | None
    visible: bool
    #: The day the change took effect when no reorganisation names this pair (a unit carried
    #: along below the one moved or merged): the day after the earlier unit ended.
    since: dt.date | None = None

    @property
    def effective(self):
        return self.event.effective if self.event else self.since


def lineage(user, org: Organization) -> tuple[list[LineageLink], list[LineageLink]]:
    """(predecessors, successors) of ``org`` with the dated reorganisations that made them.

    Units outside the user's scope are named (the history would not read otherwise) but not
    linked: their pages stay a 404.
    """
    def links(units, events_of, since) -> list[LineageLink]:
        out = []
        for unit in units:
            event = events_of.get(unit.pk)
            out.append(LineageLink(unit, event, can_access(user, unit), since(unit)))
        return sorted(out, key=lambda link: (link.effective or dt.date.min, link.unit.name))

    def after(day: dt.date | None) -> dt.date | None:
        return day + dt.timedelta(days=1) if day else None

    preds = list(Organization.objects.filter(successors=org))
    succs = list(org.successors.all())
    by_pred: dict[int, Reorganisation] = {}
    for event in Reorganisation.objects.filter(targets=org).prefetch_related("sources"):
        for source in event.sources.all():
            by_pred.setdefault(source.pk, event)
    by_succ: dict[int, Reorganisation] = {}
    for event in Reorganisation.objects.filter(sources=org).prefetch_related("targets"):
        for target in event.targets.all():
            by_succ.setdefault(target.pk, event)
    return (links(preds, by_pred, lambda pred: after(pred.valid_to) or org.valid_from),
            links(succs, by_succ, lambda succ: succ.valid_from or after(org.valid_to)))
