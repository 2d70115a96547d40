"""Operators' admin for meetings, reports and their links.

Reports and links change only through the product's entry and workflow (versions, review,
history, summary refresh): here operators read them, every field read-only. A meeting's
own fields may be corrected, through ``services.meeting_update``.
"""
from __future__ import annotations

from django.contrib import admin

from config.admin import ReadOnlyAdminMixin, ServiceAdminMixin

from . import services
from .models import (
    CitedSpan,
    ImplementationLink,
    Meeting,
    MeetingParticipant,
    Report,
    TargetContribution,
)


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class ParticipantInline(ReadOnlyInline):
    model = MeetingParticipant
    fields = ["person", "role", "position", "position_label"]
    readonly_fields = fields


class ReportInline(ReadOnlyInline):
    model = Report
    fields = ["title", "kind", "period_kind", "period_start", "period_end", "status"]
    readonly_fields = fields
    show_change_link = True


MEETING_FIELDS = ("kind", "title", "date", "term", "sequence", "place", "attendance", "expected_attendance")


@admin.register(Meeting)
class MeetingAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["title", "organization", "kind", "sequence", "date"]
    list_filter = ["kind", "date"]
    search_fields = ["title", "organization__name", "organization__code"]
    date_hierarchy = "date"
    list_select_related = ["organization"]
    fields = ["organization", *MEETING_FIELDS, "created_by"]
    readonly_fields = ["organization", "created_by"]
    raw_id_fields = ["term"]
    inlines = [ParticipantInline, ReportInline]

    def has_add_permission(self, request) -> bool:
        return False  # meetings are recorded in the product, with their reports

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def service_save(self, request, obj, form, change):
        return services.meeting_update(actor=request.user, meeting=obj, **{
            name: form.cleaned_data[name] for name in MEETING_FIELDS if name in form.changed_data})


class LinkInline(ReadOnlyInline):
    model = ImplementationLink
    fields = ["directive", "assessment", "note"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Report)
class ReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "organization", "period_kind", "period_end", "status"]
    list_filter = ["status", "kind", "period_kind"]
    search_fields = ["title", "organization__name", "organization__code"]
    date_hierarchy = "period_end"
    list_select_related = ["organization"]
    inlines = [LinkInline]


class SpanInline(ReadOnlyInline):
    model = CitedSpan
    fields = readonly_fields = ["start", "end", "text"]


class ContributionInline(ReadOnlyInline):
    model = TargetContribution
    fields = readonly_fields = ["target", "value", "note"]


@admin.register(ImplementationLink)
class ImplementationLinkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["report", "directive", "assessment"]
    list_filter = ["assessment"]
    list_select_related = ["report", "directive"]
    inlines = [SpanInline, ContributionInline]
