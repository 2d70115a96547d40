"""Read pages of the meetings app: the home page, the report list and a report or meeting.

Thin views: selectors own the scope and the joins, services own the permission rules for
what a user may do next (edit, submit, review). Anything outside the user's scope is a 404.
"""
from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from organizations.selectors import user_roles

from . import selectors, services


def home(request: HttpRequest) -> HttpResponse:
    """The user's organisation at a glance; a user without a role gets an explanation."""
    return render(request, "home.html", {
        "summary": selectors.home_summary(request.user),
        "can_enter": _can_enter_reports(request.user),
        "can_lead": request.user.is_superuser or any(r.kind == "leader" for r in user_roles(request.user)),
    })


def report_list(request: HttpRequest) -> HttpResponse:
    filterset = selectors.report_list(request.user, request.GET)
    page = Paginator(filterset.qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "meetings/report_list.html", {
        "filter": filterset, "page_obj": page, "reports": page.object_list,
        "can_enter": _can_enter_reports(request.user),
    })


def _can_enter_reports(user) -> bool:
    """Whether to offer the entry buttons: staff or admin somewhere (roles are cached, no query)."""
    return user.is_superuser or any(role.kind in services.EDITOR_ROLES for role in user_roles(user))


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    detail = selectors.report_detail(request.user, pk)
    report = detail.report
    return render(request, "meetings/report_detail.html", {
        "report": report,
        "detail": detail,
        "can_edit": services.can_edit_report(request.user, report),
        "can_review": services.can_review_report(request.user, report),
    })


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    detail = selectors.meeting_detail(request.user, pk)
    return render(request, "meetings/meeting_detail.html", {"meeting": detail.meeting, "detail": detail})
