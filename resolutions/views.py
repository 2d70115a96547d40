"""The directive register: a filtered, paginated list and one directive's page.

Readable by every signed-in user (the register is shared across the tree; a directive's
assignments and targets only where they concern the user); views only bind the query
string, call a selector and render.
"""
from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from . import selectors_register as register
from .filters import query_int


def directive_list(request: HttpRequest) -> HttpResponse:
    filterset = selectors.directive_list(request.GET)
    page = Paginator(filterset.qs, settings.PAGE_SIZE).get_page(query_int(request.GET.get("page")) or 1)
    return render(request, "resolutions/directive_list.html", {
        "filter": filterset, "page_obj": page, "directives": page.object_list,
        "register_admin": register.is_register_admin(request.user),
    })


def directive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    detail = selectors.directive_detail(request.user, pk)
    return render(request, "resolutions/directive_detail.html", {
        "d": detail.directive, "detail": detail, "keeping": _keeping(request.user, detail.directive)})


def _keeping(user, directive) -> dict | None:
    """What an admin may do to this document here (the buttons drawn); None for everyone else."""
    if not register.is_register_admin(user):
        return None
    return {
        "edit": register.can_edit_directive(user, directive),
        "targets": register.target_units(user, directive) is not None,
        "assignments": register.assignments_in_scope(user, directive),
        "own_targets": register.targets_in_scope(user, directive),
    }
