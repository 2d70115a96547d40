"""Send a user who holds a temporary password to the password-change page.

An administrator who resets a password (or creates an account) sees the temporary password
once and hands it over; it must not stay in use. The flag is read once, when the user logs
in, and kept in the session: no page pays a query for it. A session opened before the reset
cannot escape it — changing the password changes the session's hash, so Django ends every
session of that user and the next login reads the flag again. Until the user has chosen their
own password, every page but the password change itself, logging out and the language switch
leads back there.
"""
from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Account

#: Session key set at login while the account's password is a temporary one.
SESSION_KEY = "_rt_must_change_password"
#: URL names a user with a temporary password may still reach.
ALLOWED = ("password_change", "password_change_done", "logout", "set_language", "healthz")


@receiver(user_logged_in, dispatch_uid="accounts-must-change-password")
def _remember_flag_at_login(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    if Account.objects.filter(user=user, must_change_password=True).exists():
        request.session[SESSION_KEY] = True
    else:
        request.session.pop(SESSION_KEY, None)


def forget_flag(request: HttpRequest) -> None:
    """The user chose their own password: the pages open again."""
    request.session.pop(SESSION_KEY, None)


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY) and request.user.is_authenticated \
                and not self._allowed(request):
            target = reverse("password_change")
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            messages.warning(request, _("You are using a temporary password: choose your own before you continue."))
            return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _allowed(request: HttpRequest) -> bool:
        path = request.path
        if settings.STATIC_URL and path.startswith(settings.STATIC_URL):
            return True
        return any(path == reverse(name) for name in ALLOWED)
