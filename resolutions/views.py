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
from .filters import query_int


def directive_list(request: HttpRequest) -> HttpResponse:
    filterset = selectors.directive_list(request.GET)
    page = Paginator(filterset.qs, settings.PAGE_SIZE).get_page(query_int(request.GET.get("page")) or 1)
    return render(request, "resolutions/directive_list.html", {
        "filter": filterset, "page_obj": page, "directives": page.object_list,
    })


def directive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    detail = selectors.directive_detail(request.user, pk)
    return render(request, "resolutions/directive_detail.html", {"d": detail.directive, "detail": detail})
