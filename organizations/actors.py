"""Who may act: operators, and the named system actor that scheduled jobs act as.

Services take the acting user and check its scope; there is no ``None`` that means
"anyone". Operators are active superusers (the Django admin is theirs alone). Scheduled
jobs (nightly summaries, period closes, digests, summary documents) act as one named,
disabled account, so the audit trail says "Hệ thống" rather than nobody, and no one can
sign in as it.
"""
from __future__ import annotations

import functools
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

SYSTEM_USERNAME = "he-thong"
SYSTEM_DISPLAY_NAME = "Hệ thống"


def is_operator(user) -> bool:
    """An active superuser: the operators who run the deployment."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


def system_actor():
    """The account scheduled jobs act as (created on first use; disabled, no usable password)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"first_name": SYSTEM_DISPLAY_NAME, "is_active": False, "is_staff": False, "is_superuser": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def is_system_actor(user) -> bool:
    return getattr(user, "username", None) == SYSTEM_USERNAME and not getattr(user, "is_active", True)


def require_job_actor(actor) -> None:
    """Whole-tree jobs (summaries, period closes, digests, documents) run as the system actor,
    or by an operator's hand (a management command); nobody else may start them directly."""
    if not (is_system_actor(actor) or is_operator(actor)):
        raise PermissionDenied(_("Only the system or an operator can run this job."))


@contextmanager
def acting_as(user):
    """Put ``user`` on the audit trail of every change made inside the block.

    For work outside a request (Celery tasks, management commands), where the audit
    middleware has no user to record. django-auditlog's own context does not restore an
    enclosing one when it ends (a job run eagerly inside a request would leave the rest of
    the request's changes without their actor), so the enclosing one is put back here.
    """
    from auditlog.context import auditlog_value, set_actor

    enclosing = auditlog_value.get(None)
    try:
        with set_actor(user):
            yield user
    finally:
        if enclosing is not None:
            auditlog_value.set(enclosing)


def as_system(func):
    """Run ``func`` as the system actor (for scheduled jobs)."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        with acting_as(system_actor()):
            return func(*args, **kwargs)

    return run
