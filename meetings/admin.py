"""Admin for meetings with their participants and reports, and reports with their links."""
from __future__ import annotations

from django.contrib import admin

from organizations.admin import InlineOfScopedParent, ScopedAdminMixin

from .models import (
    CitedSpan,
    ImplementationLink,
    Meeting,
    MeetingParticipant,
    Report,
    TargetContribution,
)


class ParticipantInline(InlineOfScopedParent):
    model = MeetingParticipant
    autocomplete_fields = ["person"]
    raw_id_fields = ["position"]


class ReportInline(InlineOfScopedParent):
    model = Report
    fields = ["title", "kind", "period_kind", "period_start", "period_end", "status"]
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "organization", "kind", "sequence", "date"]
    list_filter = ["kind", "date"]
    search_fields = ["title", "organization__name", "organization__code"]
    date_hierarchy = "date"
    autocomplete_fields = ["organization"]
    list_select_related = ["organization"]
    raw_id_fields = ["term", "created_by"]
    inlines = [ParticipantInline, ReportInline]


class LinkInline(InlineOfScopedParent):
    model = ImplementationLink
    autocomplete_fields = ["directive"]
    show_change_link = True


@admin.register(Report)
class ReportAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "organization", "period_kind", "period_end", "status"]
    list_filter = ["status", "kind", "period_kind"]
    search_fields = ["title", "organization__name", "organization__code"]
    date_hierarchy = "period_end"
    autocomplete_fields = ["organization"]
    raw_id_fields = ["meeting", "author", "reviewed_by"]
    list_select_related = ["organization"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [LinkInline]


class SpanInline(InlineOfScopedParent):
    model = CitedSpan


class ContributionInline(InlineOfScopedParent):
    model = TargetContribution


@admin.register(ImplementationLink)
class ImplementationLinkAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_field = "report__organization"
    list_display = ["report", "directive", "assessment"]
    list_filter = ["assessment"]
    autocomplete_fields = ["directive"]
    raw_id_fields = ["report"]
    list_select_related = ["report", "directive"]
    inlines = [SpanInline, ContributionInline]
