"""One's own password change, which also ends the use of a temporary password."""
from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _


class OwnPasswordChangeForm(PasswordChangeForm):
    """Django's form, refusing a "new" password equal to the current one: a temporary password
    an administrator read out must not simply be confirmed."""

    def clean_new_password2(self):
        password = super().clean_new_password2()
        old = self.cleaned_data.get("old_password")
        if password and old and password == old:
            raise forms.ValidationError(_("Choose a password different from the current one."),
                                        code="password_unchanged")
        return password
