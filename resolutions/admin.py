"""Operators' admin for the directive register; every save goes through ``resolutions.services``."""
from __future__ import annotations

from django.contrib import admin

from config.admin import ServiceAdminMixin
from organizations.text import search_key

from . import services
from .models import Assignment, Directive, DirectiveAlias, Target


class AliasInline(admin.TabularInline):
    model = DirectiveAlias
    fields = ["text"]
    extra = 0


class TargetInline(AliasInline):
    model = Target
    fields = ["name", "organization", "unit", "value", "deadline", "aggregation"]
    autocomplete_fields = ["organization"]


class AssignmentInline(AliasInline):
    model = Assignment
    fields = ["organization", "reporter_kind", "frequency", "start", "end", "due_days"]
    autocomplete_fields = ["organization"]


ROW_SERVICES = {DirectiveAlias: ("alias", services.alias_save), Target: ("target", services.target_save),
                Assignment: ("assignment", services.assignment_save)}


@admin.register(Directive)
class DirectiveAdmin(ServiceAdminMixin, admin.ModelAdmin):
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

    def get_search_results(self, request, queryset, search_term):
        key = search_key(search_term)
        if not key:
            return queryset, False
        return queryset.filter(search_text__contains=key), False

    def service_save(self, request, obj, form, change):
        return services.directive_save(actor=request.user, directive=obj)

    def save_related(self, request, form, formsets, change) -> None:
        services.directive_save(actor=request.user, directive=form.instance,
                                implements=list(form.cleaned_data["implements"]))
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change) -> None:
        for row in formset.save(commit=False):
            keyword, save = ROW_SERVICES[type(row)]
            save(actor=request.user, **{keyword: row})
        for row in formset.deleted_objects:
            services.register_row_delete(actor=request.user, row=row)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # reports link to directives; a document is repealed (status), not deleted
