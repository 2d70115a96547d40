"""One's own password change, which also ends the use of a temporary password."""
from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _


class OwnPasswordChangeForm(PasswordChangeForm):
    """Django's form, refusing a "new" password equal to the current one: a temporary password
    an administrator read out must not simply be confirmed."""

    def clean(self):
        cleaned = super().clean()
        new, old = cleaned.get("new_password1"), cleaned.get("old_password")
        if new and old and new == old and "new_password2" not in self.errors:
            self.add_error("new_password2", forms.ValidationError(
                _("Choose a password different from the current one."), code="password_unchanged"))
        return cleaned
