"""Admin for the organisation tree, organs, terms, people and roles.

Admins are ordinary users holding an *admin* role: they see and change only their subtree.
Superusers (operators) see everything. The tree is shown as a tree (treebeard) with
drag-free "move under" through the node form.
"""
from __future__ import annotations

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import Organ, Organization, Person, Position, Role, RoleKind, Term
from .selectors import scope_paths, scope_q
from .text import search_key


class ScopedAdminMixin:
    """Restrict an admin to rows inside the user's admin scope.

    ``scope_field`` is the path to the row's organisation ("" for Organization itself,
    None for rows without one, which only operators may change).
    """

    scope_field: str | None = "organization"

    def _is_admin(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or bool(scope_paths(user, [RoleKind.ADMIN])))

    def has_module_permission(self, request) -> bool:
        return self._is_admin(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._is_admin(request) and self._obj_in_scope(request, obj)

    def has_add_permission(self, request, *args) -> bool:
        return self._is_admin(request) and (self.scope_field is not None or request.user.is_superuser)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_view_permission(request, obj) and (self.scope_field is not None or request.user.is_superuser)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def _obj_in_scope(self, request, obj) -> bool:
        if obj is None or request.user.is_superuser or self.scope_field is None:
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser or self.scope_field is None:
            return qs
        return qs.filter(scope_q(request.user, self.scope_field, kinds=[RoleKind.ADMIN]))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Organization and not request.user.is_superuser:
            kwargs["queryset"] = Organization.objects.filter(scope_q(request.user, "", kinds=[RoleKind.ADMIN]))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class InlineOfScopedParent(admin.TabularInline):
    """Inline rows follow their parent object's permission (checked by the parent's ScopedAdminMixin)."""

    extra = 0

    def has_view_permission(self, request, obj=None) -> bool:
        return True

    def has_change_permission(self, request, obj=None) -> bool:
        return True

    def has_add_permission(self, request, obj=None) -> bool:
        return True

    def has_delete_permission(self, request, obj=None) -> bool:
        return True


@admin.register(Organization)
class OrganizationAdmin(ScopedAdminMixin, TreeAdmin):
    scope_field = ""
    form = movenodeform_factory(Organization, fields=["code", "name", "short_name", "kind", "member_count",
                                                      "valid_from", "valid_to", "successors"])
    list_display = ["name", "code", "kind", "member_count", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "code", "search_text"]
    filter_horizontal = ["successors"]

    def get_queryset(self, request):
        """The tree's top level for an admin is the units where they hold the role, not the roots."""
        at_top_level = (
            hasattr(request, "_treebeard_parent_id") and not request._treebeard_parent_id
            and not getattr(request, "_ignore_treebeard_filters", False) and not self.is_filtered(request)
        )
        if at_top_level and not request.user.is_superuser:
            request._treebeard_parent = None
            return Organization.objects.filter(path__in=scope_paths(request.user, [RoleKind.ADMIN]) or [])
        return super().get_queryset(request)

    def get_search_results(self, request, queryset, search_term):
        """Accent-insensitive: 'dang uy khoi' finds 'Đảng ủy Khối'."""
        key = search_key(search_term)
        if not key:
            return queryset, False
        return queryset.filter(Q(search_text__contains=key) | Q(code__iexact=search_term.strip())), False

    def save_model(self, request, obj, form, change) -> None:
        obj.clean()
        super().save_model(request, obj, form, change)


@admin.register(Organ)
class OrganAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "symbol_code", "organization"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "symbol_code"]


@admin.register(Term)
class TermAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "ordinal", "start_year", "end_year"]
    list_filter = ["start_year"]
    search_fields = ["name", "organization__name", "organ__name"]


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(Person)
class PersonAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_field = "positions__organization"
    list_display = ["full_name", "note"]
    search_fields = ["full_name", "search_text"]
    inlines = [PositionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    def save_model(self, request, obj, form, change) -> None:
        obj.clean()
        super().save_model(request, obj, form, change)


@admin.register(Role)
class RoleAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "kind", "organization"]
    list_filter = ["kind"]
    search_fields = ["user__username", "organization__name"]
    autocomplete_fields = ["organization"]
    list_select_related = ["user", "organization"]


admin.site.site_header = _("Resolution Tracker — administration")
admin.site.site_title = _("Resolution Tracker")
admin.site.index_title = _("Administration")
