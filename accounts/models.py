"""What the product keeps about an account beyond ``auth.User``.

One row per user: the folded search key (so "nguyen van an" finds "Nguyễn Văn An" on
PostgreSQL and SQLite alike, the way units and people are searched) and the flag that sends a
user to the password-change page until they replace a temporary password an admin handed them.
A field here rather than a custom user model: the project started on ``auth.User`` and swapping
the user model afterwards is a migration no deployment should have to run.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.text import search_key


class Account(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account",
                                verbose_name=_("user"))
    must_change_password = models.BooleanField(
        _("must change password"), default=False,
        help_text=_("Set when an administrator issues a temporary password; cleared when the user chooses their own."))
    search_text = models.CharField(max_length=600, editable=False, default="")

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return str(self.user)


def account_search_text(user) -> str:
    """The folded key an account is found by: user name, full name and e-mail."""
    return search_key(f"{user.username} {user.first_name} {user.last_name} {user.email}")[:600]
