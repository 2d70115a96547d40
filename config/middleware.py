"""Project-wide middleware: private caching and browser permissions; idle session expiry; the
client's address for the login lock-out."""
from __future__ import annotations

import ipaddress
from collections.abc import Callable

import auditlog.middleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

# Session keys (epoch seconds): when this session was first seen signed in, and when its expiry
# was last pushed forward.
STARTED_KEY = "_rt_started"
SEEN_KEY = "_rt_seen"

PRIVATE = "private, no-store"


class PrivateResponseMiddleware:
    """``Cache-Control: private, no-store`` on a signed-in user's pages and on every download.

    Pages show one user's scope of the tree and downloads carry reports and figures: neither
    may be kept by a shared proxy nor left in the browser's cache of a shared office computer
    after logout. Static files never reach this middleware (whitenoise answers them above it)
    and keep their long cache. Adds the Permissions-Policy header, which Django has no setting for.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        if (_is_download(response) or _signed_in(request)) and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = PRIVATE
        return response


def _is_download(response: HttpResponse) -> bool:
    return response.get("Content-Disposition", "").lower().startswith("attachment")


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class IdleSessionMiddleware:
    """Ends a session idle for ``SESSION_COOKIE_AGE`` or older than ``SESSION_MAX_HOURS``.

    The session backend already refuses a session past its expiry, which Django sets when the
    session is saved. Saving on every request (``SESSION_SAVE_EVERY_REQUEST``) would write the
    session row on every page and every htmx poll; here the expiry is pushed forward only when
    the last push is ``SESSION_IDLE_REFRESH`` seconds old, so a user idle for the timeout is
    logged out within that margin and an active user costs one write every few minutes. The
    same timestamps are checked here too, so the rule holds whatever the session backend.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _signed_in(request):
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = int(timezone.now().timestamp())
        started = session.get(STARTED_KEY)
        seen = session.get(SEEN_KEY)
        if started is None or seen is None:
            session[STARTED_KEY] = started or now
            session[SEEN_KEY] = now
            return
        if now - seen > settings.SESSION_COOKIE_AGE:
            logout(request)
            messages.info(request, _("Your session ended after %(minutes)s minutes without activity. Please log in again.")
                          % {"minutes": settings.SESSION_COOKIE_AGE // 60})
            return
        if now - started > settings.SESSION_MAX_HOURS * 3600:
            logout(request)
            messages.info(request, _("Your session ended after %(hours)s hours. Please log in again.")
                          % {"hours": settings.SESSION_MAX_HOURS})
            return
        if now - seen >= settings.SESSION_IDLE_REFRESH:
            session[SEEN_KEY] = now  # a modified session is saved, with a fresh expiry


@receiver(user_logged_in)
def _session_starts_at_login(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """A login starts the clock again, also when Django keeps the session's data across it
    (logging in again as the same user only changes the session's key)."""
    if request is not None and hasattr(request, "session"):
        now = int(timezone.now().timestamp())
        request.session[STARTED_KEY] = now
        request.session[SEEN_KEY] = now


def client_address(request: HttpRequest) -> str | None:
    """The address django-axes counts login failures against (``AXES_CLIENT_IP_CALLABLE``).

    Without proxies, ``REMOTE_ADDR``. Behind ``PROXY_COUNT`` reverse proxies, each appending
    the address it received the request from to ``X-Forwarded-For``, the entry that many places
    from the right: what the client wrote into the header itself sits further left and is
    never read, so it cannot dodge a lock-out by changing it.
    """
    count = settings.PROXY_COUNT
    if count:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


class AuditlogMiddleware(auditlog.middleware.AuditlogMiddleware):
    """django-auditlog's middleware, recording the address the lock-out counts as well.

    Its own reads the leftmost ``X-Forwarded-For`` entry, which the client writes itself (a
    forged address on the audit trail, and a value that is no address at all makes every
    audited write fail). This records ``client_address`` — ``REMOTE_ADDR``, or the entry
    ``PROXY_COUNT`` trusted proxies put there — and only if it is an IP address.
    """

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        address = client_address(request)
        try:
            return str(ipaddress.ip_address(address)) if address else None
        except ValueError:
            return None
