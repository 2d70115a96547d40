"""Reads for the committee admins' tree workspace (``/to-chuc/quan-ly/``).

A national tree holds ~120,000 units, so the workspace never draws more than one level of
it per request: a unit's children come from the ``(depth, path)`` index (one depth, one
path prefix), and their figures — people in post today, their own reports, their children —
are counted for that one level in a handful of grouped queries, never per row. Opening the
tree at a unit (a search hit, ``?open=<pk>``) draws the levels along its ancestors' path
only. Reports belong to ``meetings``; they are counted through ``organizations.hooks``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from .actors import is_operator
from .hooks import count_for, count_in_subtree
from .models import Organization, Position, Reorganisation, ReorganisationKind, RoleKind
from .selectors import ancestors, organizations_in_scope, user_roles
from .text import search_key

ADMIN = (RoleKind.ADMIN,)
#: Children drawn at once under one unit; more come by "show more" (a district may have
#: hundreds of grassroots units, the country's root only ~60 provinces).
CHILDREN_PAGE = 100
#: Search hits listed at once; a narrower query is the way to more.
SEARCH_LIMIT = 30


def can_use_workspace(user) -> bool:
    """Operators, and users holding an admin role at a unit still in existence."""
    if is_operator(user):
        return True
    return any(r.kind == RoleKind.ADMIN and r.organization.is_active for r in user_roles(user))


def workspace_roots(user) -> list[Organization]:
    """The top of each subtree the user administers (operators: the tree's roots)."""
    if is_operator(user):
        return list(Organization.objects.get_root_nodes())
    roots: list[Organization] = []
    for role in user_roles(user):  # ordered by path: a unit below an earlier root is covered by it
        org = role.organization
        if role.kind == RoleKind.ADMIN and org.is_active and not any(org.path.startswith(r.path) for r in roots):
            roots.append(org)
    return roots


def _in_tree(user) -> QuerySet[Organization]:
    """Units of the workspace's subtrees. The admin scope also holds, through the lineage, ended
    predecessors now outside them (a transferred unit's old place): they have no row in this
    tree, so search and pickers leave them out (their pages stay reachable from the unit page)."""
    qs = organizations_in_scope(user, kinds=ADMIN)
    if is_operator(user):
        return qs
    q = Q(pk__in=[])
    for root in workspace_roots(user):
        q |= Q(path__startswith=root.path)
    return qs.filter(q)


def _open_q(today: dt.date) -> Q:
    return Q(valid_to__isnull=True) | Q(valid_to__gte=today)


@dataclass
class UnitRow:
    """One unit of the workspace with the figures its row shows."""

    org: Organization
    children: int = 0
    people: int = 0
    reports: int = 0
    #: Meeting and document numbers missing or repeated within a term (``meetings.numbering``).
    numbering: int = 0
    successors: list[Organization] = field(default_factory=list)
    #: Children drawn under this row (only along an opened path), and whether more remain.
    child_rows: list[UnitRow] | None = None
    more_children: int = 0
    highlighted: bool = False
    #: Indentation below the workspace's top (CSS classes ws-l0 … ws-l9: no inline style).
    level: int = 0
    parent_pk: int | None = None

    @property
    def closed(self) -> bool:
        return not self.org.is_active

    #: How it ended: a ``ReorganisationKind`` value, "" when closed without a recorded reorganisation.
    ending: str = ""
    #: Transferred units: the parent their new version sits under (when the user may see it).
    moved_under: Organization | None = None

    @property
    def successor_names(self) -> str:
        return ", ".join(str(s) for s in self.successors)

    @property
    def ended_from(self) -> dt.date | None:
        """The first day without the unit (a reorganisation's effective date)."""
        return self.org.valid_to + dt.timedelta(days=1) if self.org.valid_to else None


def unit_rows(user, orgs: list[Organization], *, show_closed: bool) -> list[UnitRow]:
    """Rows for units of one level (or a few roots), their figures counted in grouped queries."""
    if not orgs:
        return []
    today = timezone.localdate()
    ids = [o.pk for o in orgs]
    people = _people_in_post(ids, today)
    reports = count_for("reports", ids)
    numbering = count_for("numbering_issues", ids)
    children = _child_counts(orgs, today, show_closed)
    closed = [o for o in orgs if not o.is_active]
    successors = _visible_successors(user, closed)
    endings = _endings(closed)
    rows = [UnitRow(org=o, children=children.get(o.path, 0), people=people.get(o.pk, 0),
                    reports=reports.get(o.pk, 0), numbering=numbering.get(o.pk, 0),
                    successors=successors.get(o.pk, []), ending=endings.get(o.pk, ""))
            for o in orgs]
    for row in rows:
        # Units carried along below a moved or merged unit have no event of their own: their
        # one successor is their own new version, which kept the code (the old one has
        # ``<code>@<last day>``, services/succession.history_code).
        if row.closed and not row.ending and len(row.successors) == 1 \
                and row.org.code.startswith(row.successors[0].code + "@"):
            row.ending = ReorganisationKind.MOVE
    _new_places(user, [r for r in rows if r.ending == ReorganisationKind.MOVE and r.successors])
    return rows


def with_endings(user, orgs: list[Organization]) -> list[Organization]:
    """``orgs`` with, on each closed one, ``ending_row``: how it ended ("merged into …",
    "transferred under …") for lists of units drawn elsewhere than the workspace — a merged
    unit listed as "dissolved" tells the wrong story."""
    closed = [o for o in orgs if not o.is_active]
    for row in unit_rows(user, closed, show_closed=True):
        row.org.ending_row = row
    return orgs


def _endings(closed: list[Organization]) -> dict[int, str]:
    """The kind of reorganisation each closed unit ended by (one query)."""
    if not closed:
        return {}
    rows = Reorganisation.sources.through.objects.filter(organization_id__in=[o.pk for o in closed])
    return dict(rows.values_list("organization_id", "reorganisation__kind"))


def _new_places(user, rows: list[UnitRow]) -> None:
    """Where transferred units went: the parent of their new version, if the user may see it."""
    step = Organization.steplen
    paths = {r.successors[0].path[:-step] for r in rows}
    if not paths:
        return
    parents = {o.path: o for o in organizations_in_scope(user).filter(path__in=paths)}
    for row in rows:
        row.moved_under = parents.get(row.successors[0].path[:-step])


def _people_in_post(ids: list[int], today: dt.date) -> dict[int, int]:
    """People holding a post at each unit today (a person with two posts there counts once)."""
    rows = (Position.objects.filter(organization_id__in=ids)
            .filter(Q(start__isnull=True) | Q(start__lte=today), Q(end__isnull=True) | Q(end__gte=today))
            .order_by().values("organization_id").annotate(n=Count("person_id", distinct=True)))
    return {row["organization_id"]: row["n"] for row in rows}


def _child_counts(orgs: list[Organization], today: dt.date, show_closed: bool) -> dict[str, int]:
    """Children of each unit, by its path, in one query per depth (the ``(depth, path)`` index)."""
    counts: dict[str, int] = {}
    step = Organization.steplen
    by_depth: dict[int, list[Organization]] = {}
    for org in orgs:
        if org.numchild:
            by_depth.setdefault(org.depth, []).append(org)
    for depth, parents in by_depth.items():
        prefix_q = Q()
        for parent in parents:
            prefix_q |= Q(path__startswith=parent.path)
        qs = Organization.objects.filter(prefix_q, depth=depth + 1)
        if not show_closed:
            qs = qs.filter(_open_q(today))
        rows = (qs.order_by().annotate(parent_path=Substr("path", 1, step * depth))
                .values("parent_path").annotate(n=Count("id")))
        counts.update({row["parent_path"]: row["n"] for row in rows})
    return counts


def _visible_successors(user, closed: list[Organization]) -> dict[int, list[Organization]]:
    """Where each closed unit's work went — only successors the user may see are named."""
    if not closed:
        return {}
    through = Organization.successors.through
    links = list(through.objects.filter(from_organization_id__in=[o.pk for o in closed])
                 .values_list("from_organization_id", "to_organization_id"))
    visible = {o.pk: o for o in organizations_in_scope(user).filter(pk__in=[to for _, to in links])}
    out: dict[int, list[Organization]] = {}
    for src, dst in links:
        if dst in visible:
            out.setdefault(src, []).append(visible[dst])
    return out


def children_page(org: Organization, *, show_closed: bool, offset: int = 0) -> tuple[list[Organization], int]:
    """One page of a unit's children (by code) and how many come after it."""
    qs: QuerySet[Organization] = Organization.objects.filter(path__startswith=org.path, depth=org.depth + 1)
    if not show_closed:
        qs = qs.filter(_open_q(timezone.localdate()))
    page = list(qs.order_by("path")[offset:offset + CHILDREN_PAGE + 1])
    if len(page) <= CHILDREN_PAGE:
        return page, 0
    return page[:CHILDREN_PAGE], qs.count() - offset - CHILDREN_PAGE


def child_rows(user, org: Organization, *, show_closed: bool, offset: int = 0) -> tuple[list[UnitRow], int]:
    children, more = children_page(org, show_closed=show_closed, offset=offset)
    return _below(unit_rows(user, children, show_closed=show_closed), org), more


def _below(rows: list[UnitRow], parent: Organization) -> list[UnitRow]:
    for row in rows:
        row.parent_pk = parent.pk
    return rows


def set_levels(rows: list[UnitRow], base_depth: int) -> list[UnitRow]:
    """Each row's indentation under the workspace's top (capped: deeper levels line up)."""
    for row in rows:
        row.level = max(0, min(row.org.depth - base_depth, 9))
        if row.child_rows:
            set_levels(row.child_rows, base_depth)
    return rows


def base_depth(user) -> int:
    return min((o.depth for o in workspace_roots(user)), default=1)


def opened_tree(user, target: Organization | None, *, show_closed: bool, expand_single_root: bool = True
                ) -> list[UnitRow]:
    """The workspace's roots; with ``target``, opened level by level down to it (and it marked).

    Only the levels along the path are drawn: at each one the siblings of the next unit on
    the way, so the page stays as small as the tree is shallow.
    """
    roots = unit_rows(user, workspace_roots(user), show_closed=show_closed)
    if target is None:
        for row in roots:  # one root (the usual admin): show its first level at once
            if expand_single_root and len(roots) == 1 and row.children:
                row.child_rows, row.more_children = child_rows(user, row.org, show_closed=show_closed)
        return roots
    chain = {o.pk for o in ancestors(target)} | {target.pk}
    rows = roots
    while rows:
        on_path = next((r for r in rows if r.org.pk in chain), None)
        if on_path is None:
            break
        if on_path.org.pk == target.pk:
            on_path.highlighted = True
            if on_path.children:
                on_path.child_rows, on_path.more_children = child_rows(user, on_path.org, show_closed=show_closed)
            break
        on_path.child_rows, on_path.more_children = _children_including(user, on_path.org, chain,
                                                                         show_closed=show_closed)
        rows = on_path.child_rows
    return roots


def _children_including(user, org: Organization, chain: set[int], *, show_closed: bool) -> tuple[list[UnitRow], int]:
    """The first page of children, with the unit on the way down added if it fell beyond it
    (or is closed while closed units are hidden: a search hit is always shown)."""
    children, more = children_page(org, show_closed=show_closed)
    if not any(c.pk in chain for c in children):
        extra = Organization.objects.filter(path__startswith=org.path, depth=org.depth + 1, pk__in=chain).first()
        if extra is not None:
            children = sorted([*children, extra], key=lambda o: o.path)
    return _below(unit_rows(user, children, show_closed=show_closed), org), more


def workspace_search(user, query: str, *, show_closed: bool = False, limit: int = SEARCH_LIMIT) -> list[Organization]:
    """Accent-insensitive search by name or code inside the user's *admin* scope; closed units
    only when the tree shows them (after a merger, the old and the new ward share a name)."""
    key = search_key(query)
    if not key:
        return []
    qs = _in_tree(user).filter(search_text__contains=key)
    if not show_closed:
        qs = qs.filter(_open_q(timezone.localdate()))
    return list(qs.order_by("depth", "path")[:limit])


def hit_parents(hits: list[Organization]) -> dict[str, Organization]:
    """The parent of each search hit, by the hit's path (one query): "Chi bộ 1" is in every ward."""
    step = Organization.steplen
    paths = {h.path[:-step] for h in hits if h.depth > 1}
    parents = {o.path: o for o in Organization.objects.filter(path__in=paths)}
    return {h.path: parents[h.path[:-step]] for h in hits if h.path[:-step] in parents}


def parent_candidates(user, org: Organization, query: str, limit: int = SEARCH_LIMIT) -> list[Organization]:
    """Units ``org`` may be moved under: in the admin scope, open, not in its own subtree,
    not its present parent."""
    key = search_key(query)
    if not key:
        return []
    today = timezone.localdate()
    qs = _in_tree(user).filter(_open_q(today), search_text__contains=key).exclude(path__startswith=org.path)
    parent_path = org.path[:-Organization.steplen]
    if parent_path:
        qs = qs.exclude(path=parent_path)
    return list(qs.order_by("depth", "path")[:limit])


def successor_candidates(user, org: Organization, query: str, limit: int = SEARCH_LIMIT) -> list[Organization]:
    """Units a closing unit's work may go to: open units of the admin scope outside its own subtree."""
    key = search_key(query)
    if not key:
        return []
    today = timezone.localdate()
    qs = _in_tree(user).filter(_open_q(today), search_text__contains=key).exclude(path__startswith=org.path)
    return list(qs.order_by("depth", "path")[:limit])


@dataclass(frozen=True)
class MoveImpact:
    """What moves along with a unit: the figures the confirmation page states."""

    units: int
    reports: int
    meetings: int


def move_impact(org: Organization) -> MoveImpact:
    units = Organization.objects.filter(path__startswith=org.path).count()
    return MoveImpact(units=units, reports=count_in_subtree("reports", org.path),
                      meetings=count_in_subtree("meetings", org.path))
