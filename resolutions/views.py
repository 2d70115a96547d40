"""The directive register: a filtered, paginated list and one directive's page.

Readable by every signed-in user (the register is shared across the tree); views only bind
the query string, call a selector and render.
"""
from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


def directive_list(request: HttpRequest) -> HttpResponse:
    filterset = selectors.directive_list(request.GET)
    page = Paginator(filterset.qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "resolutions/directive_list.html", {
        "filter": filterset, "page_obj": page, "directives": page.object_list,
    })


def directive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    detail = selectors.directive_detail(pk)
    return render(request, "resolutions/directive_detail.html", {"d": detail.directive, "detail": detail})
