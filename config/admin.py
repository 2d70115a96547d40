"""The Django admin as an operator's tool: only active superusers reach ``/quan-tri/``.

Committee admins work in the product's own screens, which write through the scoped
services; the admin has no scoping of its own to get wrong. What operators change here
still goes through the services (``ServiceAdminMixin``) and onto the audit trail.
"""
from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _


class OperatorAdminSite(admin.AdminSite):
    site_header = _("Resolution Tracker — operators")
    site_title = _("Resolution Tracker")
    index_title = _("Operation")

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)


class OperatorAdminConfig(AdminConfig):
    default_site = "config.admin.OperatorAdminSite"


class ServiceAdminMixin:
    """Saves and deletions call the app's services (with the operator as actor).

    Subclasses implement ``service_save(request, obj, form, change)`` and, where rows may
    be deleted, ``service_delete(request, obj)``; a refusal from a service becomes an error
    message on the page instead of a half-applied change.
    """

    def service_save(self, request, obj, form, change):  # pragma: no cover - abstract
        raise NotImplementedError

    def service_delete(self, request, obj) -> None:
        raise PermissionDenied

    def save_model(self, request, obj, form, change) -> None:
        saved = self.service_save(request, obj, form, change)
        if saved is not None and saved is not obj:
            obj.pk = saved.pk
            obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})

    def delete_model(self, request, obj) -> None:
        self.service_delete(request, obj)

    def changeform_view(self, request, *args, **kwargs):
        return self._refusals_as_messages(request, super().changeform_view, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._refusals_as_messages(request, super().delete_view, *args, **kwargs)

    def _refusals_as_messages(self, request, view, *args, **kwargs):
        # The admin's own transaction has been rolled back by the time the refusal gets here.
        try:
            return view(request, *args, **kwargs)
        except ValidationError as exc:
            messages.error(request, validation_messages(exc))
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("This change is not allowed."))
        return HttpResponseRedirect(request.get_full_path())

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.service_delete(request, obj)


class ReadOnlyAdminMixin:
    """Rows that change only through the product's workflow: operators read them here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def validation_messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)
