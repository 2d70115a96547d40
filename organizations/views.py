"""Organisation pages: search within the user's scope and one unit with its place in the tree.

Thin views: every read (and the scope) comes from ``selectors``. An organisation outside
the user's scope is a 404 so that its existence is not revealed.
"""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .hooks import unit_panels
from .models import OrgKind, RoleKind
from .selectors import (
    ancestors,
    can_access,
    lineage,
    organization_children,
    organization_in_scope_or_404,
    organization_search,
    subtree_counts,
)
from .text import clean_line
from .workspace import with_endings

#: Search results shown at once; the tree is large, a narrower query is the way to more.
SEARCH_LIMIT = 50


def kind_count_rows(counts: dict[str, int]) -> list[tuple[str, int]]:
    """(kind label, number) in the order of the hierarchy, so tables read top-down."""
    return [(label, counts[value]) for value, label in OrgKind.choices if counts.get(value)]


def organization_list(request: HttpRequest) -> HttpResponse:
    """Accent-insensitive search by name or code ("dang uy khoi" finds "Đảng ủy Khối")."""
    # clean_line: a NUL (or any control character) in a query is no part of a name, and
    # PostgreSQL refuses NUL in text.
    query = clean_line(request.GET.get("q", ""))
    results = list(organization_search(request.user, query, limit=SEARCH_LIMIT))
    return render(request, "organizations/organization_list.html", {
        "query": query, "results": results, "limit": SEARCH_LIMIT,
    })


def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = organization_in_scope_or_404(request.user, pk)
    # Breadcrumbs show only the ancestors the user may open: a cell's staff never see links
    # to units above their role.
    crumbs = [a for a in ancestors(org) if can_access(request.user, a)]
    children = with_endings(request.user, list(organization_children(org)))
    predecessors, successors = lineage(request.user, org)
    return render(request, "organizations/organization_detail.html", {
        "predecessors": predecessors, "successors": successors,
        "can_reorganise": can_access(request.user, org, kinds=[RoleKind.ADMIN]) and org.is_active,
        "org": org,
        "crumbs": crumbs,
        "children": children,
        "kind_counts": kind_count_rows(subtree_counts(org)),
        # Sections owned by apps above (the numbering of meetings and documents per term).
        "panels": unit_panels(request.user, org),
    })
