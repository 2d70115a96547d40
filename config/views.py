"""Views that belong to no app: operational endpoints and the site's own refusal pages."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability for load balancers and the compose healthcheck."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception as exc:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "error", "detail": exc.__class__.__name__}, status=503)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: the site's page, in the user's language, instead of Django's.

    Django's own page explains CSRF to a developer; a clerk meets it when a form was left open
    too long or a login in another tab changed the token, and needs to know what to do.
    """
    return render(request, "403_csrf.html", {"no_cookie": reason == REASON_NO_CSRF_COOKIE}, status=403)


def locked_out(request: HttpRequest, original_response: HttpResponse | None = None,
               credentials: dict | None = None) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the lock-out page in the site's layout, with the wait in minutes.

    django-axes' template context gives the cool-off as a timedelta, which a template cannot
    turn into minutes; its default answer is an English sentence on a blank page.
    """
    from axes.helpers import get_client_username, get_failure_limit

    return render(request, "registration/locked_out.html", {
        "username": get_client_username(request, credentials) or "",
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }, status=settings.AXES_HTTP_RESPONSE_CODE)
