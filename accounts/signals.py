"""Keep ``Account.search_text`` in step with the user, however the user was saved.

Users are created here, in the Django admin, by the demo loader and by ``createsuperuser``:
listening to ``post_save`` covers them all, where a call in each service would miss some.
"""
from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Account, account_search_text


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts-search-text")
def _keep_search_text(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw:
        return
    if update_fields is not None and not ({"username", "first_name", "last_name", "email"} & set(update_fields)):
        return  # a login (last_login) or a password change: nothing the key is made of
    key = account_search_text(instance)
    updated = Account.objects.filter(user=instance).exclude(search_text=key).update(search_text=key)
    if not updated and not Account.objects.filter(user=instance).exists():
        Account.objects.create(user=instance, search_text=key)
