"""Admin for the directive register: filters by kind, issuer and term; targets and assignments inline."""
from __future__ import annotations

from django.contrib import admin

from organizations.admin import InlineOfScopedParent, ScopedAdminMixin
from organizations.text import search_key

from .models import Assignment, Directive, DirectiveAlias, Target


class AliasInline(InlineOfScopedParent):
    model = DirectiveAlias
    fields = ["text"]


class TargetInline(AliasInline):
    model = Target
    fields = ["name", "organization", "unit", "value", "deadline", "aggregation"]
    autocomplete_fields = ["organization"]


class AssignmentInline(AliasInline):
    model = Assignment
    fields = ["organization", "reporter_kind", "frequency", "start", "end", "due_days"]
    autocomplete_fields = ["organization"]


@admin.register(Directive)
class DirectiveAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The register is shared: every admin reads it; an admin changes the documents of organs in their subtree."""

    scope_field = "issuer__organization"
    list_display = ["symbol", "kind", "short_title", "issuer", "issue_date", "term", "status"]
    list_filter = ["kind", "issuer", "term", "status", "family"]
    search_fields = ["symbol", "symbol_printed", "title", "search_text"]
    readonly_fields = ["symbol"]
    filter_horizontal = ["implements"]
    date_hierarchy = "issue_date"
    list_select_related = ["issuer", "term", "term__organization", "term__organ"]
    inlines = [AliasInline, TargetInline, AssignmentInline]
    fieldsets = [
        (None, {"fields": ["kind", "family", "number", "type_code", "issuer", "issuer_code", "year", "symbol",
                           "symbol_printed"]}),
        (None, {"fields": ["title", "issue_date", "term", "plenum", "status", "implements", "note"]}),
    ]

    @admin.display(description="trích yếu")
    def short_title(self, obj: Directive) -> str:
        return obj.title[:90]

    def get_queryset(self, request):
        # Reading the register is not scoped; changing is (see has_change_permission).
        return admin.ModelAdmin.get_queryset(self, request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._is_admin(request)

    def has_change_permission(self, request, obj=None) -> bool:
        if not self._is_admin(request):
            return False
        if obj is None or request.user.is_superuser:
            return True
        from organizations.selectors import can_access

        org = obj.issuer.organization
        return org is not None and can_access(request.user, org, kinds=["admin"])

    def has_add_permission(self, request, *args) -> bool:
        return self._is_admin(request)

    def get_search_results(self, request, queryset, search_term):
        key = search_key(search_term)
        if not key:
            return queryset, False
        return queryset.filter(search_text__contains=key), False

    def save_model(self, request, obj, form, change) -> None:
        obj.full_clean()
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change) -> None:
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, DirectiveAlias):
                instance.clean()
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()
