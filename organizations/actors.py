"""Who may act: operators, and the named system actor that scheduled jobs act as.

Services take the acting user and check its scope; there is no ``None`` that means
"anyone". Operators are active superusers (the Django admin is theirs alone). Scheduled
jobs (nightly summaries, period closes, digests, summary documents) act as one named,
disabled account, so the audit trail says "Hệ thống" rather than nobody, and no one can
sign in as it.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model

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
