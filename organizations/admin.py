"""Operators' admin for the organisation tree, organs, terms, people and roles.

Only operators reach the admin (``config.admin.OperatorAdminSite``); every save here calls
the services of ``organizations.services`` with the operator as actor, so the tree is
changed one way only, and the audit trail records it. The tree keeps treebeard's
expandable change list; a unit's place is chosen by naming its parent, and drag-and-drop
moves go through ``organization_move`` too.
"""
from __future__ import annotations

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from treebeard.admin import TreeAdmin

from config.admin import ServiceAdminMixin, validation_messages

from . import services
from .models import Organ, Organization, Person, Position, Role, Term
from .text import search_key


class OrganizationForm(forms.ModelForm):
    """A unit's fields plus its parent; moving is re-parenting (siblings are sorted by code)."""

    parent_code = forms.CharField(
        label=_lazy("Code of the parent unit"), required=False, max_length=64,
        help_text=_lazy("Leave empty only for the root of the whole tree."),
    )

    class Meta:
        model = Organization
        fields = ["parent_code", "code", "name", "short_name", "kind", "member_count", "valid_from", "valid_to",
                  "successors"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            parent = Organization.objects.get_parent(self.instance)
            self.fields["parent_code"].initial = parent.code if parent else ""
            self.fields["code"].disabled = True  # a stable identifier, never reused or renamed

    def clean_parent_code(self) -> str:
        code = (self.cleaned_data.get("parent_code") or "").strip()
        self.cleaned_data["parent"] = None
        if code:
            self.cleaned_data["parent"] = Organization.objects.filter(code=code).first()
            if self.cleaned_data["parent"] is None:
                raise ValidationError(_("No unit has the code “%(code)s”.") % {"code": code})
        return code

    def clean(self):
        cleaned = super().clean()
        parent, org = cleaned.get("parent"), self.instance
        if org.pk and parent is not None and parent.path.startswith(org.path):
            self.add_error("parent_code", _("A unit cannot be moved under itself or its own descendants."))
        if org.pk and org in (cleaned.get("successors") or []):
            self.add_error("successors", _("A unit cannot be its own successor."))
        if not org.pk and parent is None and Organization.objects.exists():
            self.add_error("parent_code", _("Choose the parent unit: the tree already has its root."))
        return cleaned


@admin.register(Organization)
class OrganizationAdmin(ServiceAdminMixin, TreeAdmin):
    form = OrganizationForm
    list_display = ["name", "code", "kind", "member_count", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "code", "search_text"]
    raw_id_fields = ["successors"]  # a national tree is too large for a list of every unit

    def get_search_results(self, request, queryset, search_term):
        """Accent-insensitive: 'dang uy khoi' finds 'Đảng ủy Khối'."""
        key = search_key(search_term)
        if not key:
            return queryset, False
        return queryset.filter(Q(search_text__contains=key) | Q(code__iexact=search_term.strip())), False

    def service_save(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            return services.organization_create(
                actor=request.user, parent=data.get("parent"), code=data["code"], name=data["name"],
                short_name=data.get("short_name", ""), kind=data["kind"], member_count=data.get("member_count") or 0,
                valid_from=data.get("valid_from"))
        fields = {name: data[name] for name in services.ORG_EDITABLE if name in form.changed_data}
        # Setting the end of an open unit closes it: the dissolution service checks the date.
        closing = fields.get("valid_to") and Organization.objects.get(pk=obj.pk).valid_to is None
        on = fields.pop("valid_to") if closing else None
        org = services.organization_update(actor=request.user, organization=obj, **fields)
        if closing:
            org = services.organization_dissolve(actor=request.user, organization=org, on=on)
        parent = data.get("parent")
        if "parent_code" in form.changed_data and parent is not None:
            org = services.organization_move(actor=request.user, organization=org, new_parent=parent)
        return org

    def save_related(self, request, form, formsets, change) -> None:
        if "successors" in form.changed_data:
            services.organization_update(actor=request.user, organization=form.instance,
                                         successors=list(form.cleaned_data["successors"]))

    def service_delete(self, request, obj) -> None:
        # Units are never deleted: their reports must stay attached to them. Close them instead.
        raise PermissionDenied

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        # treebeard sets up the tree level for GET only; a POST (an action) needs it as well.
        request._treebeard_parent_id = None
        return super().changelist_view(request, extra_context)

    def children_view(self, request, parent_id):
        if not (parent_id.isascii() and parent_id.isdigit() and len(parent_id) < 19):
            raise Http404
        return super().children_view(request, parent_id)

    def move_node(self, request):
        """Drag-and-drop in the tree: re-parent through ``organization_move``."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        node, target = (_org_or_none(request.POST.get(key, "")) for key in ("node", "target"))
        relation = request.POST.get("relation")
        if node is None or target is None or relation not in ("child", "sibling"):
            return HttpResponseBadRequest("Invalid form data provided")
        parent = target if relation == "child" else Organization.objects.get_parent(target)
        if parent is None:
            messages.error(request, _("A unit cannot be placed beside the root of the tree."))
            return HttpResponseBadRequest("no parent")
        try:
            services.organization_move(actor=request.user, organization=node, new_parent=parent)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, validation_messages(exc) if isinstance(exc, ValidationError) else str(exc))
            return HttpResponseBadRequest("refused")
        messages.info(request, _("Moved “%(node)s” under “%(parent)s”.") % {"node": node, "parent": parent})
        return HttpResponse("OK")


def _org_or_none(raw: str) -> Organization | None:
    return Organization.objects.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


@admin.register(Organ)
class OrganAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "symbol_code", "organization"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "symbol_code"]
    autocomplete_fields = ["organization"]

    def service_save(self, request, obj, form, change):
        return services.organ_save(actor=request.user, organ=obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # documents name their issuer


@admin.register(Term)
class TermAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "ordinal", "start_year", "end_year"]
    list_filter = ["start_year"]
    search_fields = ["name", "organization__name", "organ__name"]
    autocomplete_fields = ["organization"]

    def get_readonly_fields(self, request, obj=None):
        return ["organization", "organ"] if obj else []

    def service_save(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            return services.term_create(actor=request.user, organization=data.get("organization"),
                                        organ=data.get("organ"), ordinal=data["ordinal"],
                                        start_year=data["start_year"], end_year=data["end_year"],
                                        name=data.get("name", ""))
        return services.term_update(actor=request.user, term=obj, **{
            name: data[name] for name in ("ordinal", "start_year", "end_year", "name") if name in form.changed_data})

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(Person)
class PersonAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["full_name", "note"]
    search_fields = ["full_name", "search_text"]
    inlines = [PositionInline]

    def service_save(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            return services.person_create(actor=request.user, full_name=data["full_name"], note=data.get("note", ""))
        return services.person_update(actor=request.user, person=obj, full_name=data["full_name"],
                                      note=data.get("note", ""))

    def save_formset(self, request, form, formset, change) -> None:
        """Positions are assigned, changed and ended through the services, one by one."""
        formset.save(commit=False)  # sorts the rows into new, changed and deleted; writes nothing
        for position in formset.deleted_objects:
            services.position_remove(actor=request.user, position=position)
        for position in formset.new_objects:
            services.position_assign(actor=request.user, person=form.instance, organization=position.organization,
                                     title=position.title, label=position.label, start=position.start,
                                     end=position.end)
        for position, changed in formset.changed_objects:
            services.position_update(actor=request.user, position=position, **{
                name: getattr(position, name) for name in changed
                if name in ("organization", "title", "label", "start", "end")})

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Role)
class RoleAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Roles are granted and revoked, never edited: a changed role would hide what it was."""

    list_display = ["user", "kind", "organization"]
    list_filter = ["kind"]
    search_fields = ["user__username", "organization__name"]
    autocomplete_fields = ["organization"]
    list_select_related = ["user", "organization"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def service_save(self, request, obj, form, change):
        data = form.cleaned_data
        return services.role_grant(actor=request.user, user=data["user"], organization=data["organization"],
                                   kind=data["kind"])

    def service_delete(self, request, obj) -> None:
        services.role_revoke(actor=request.user, role=obj)


# Accounts are disabled, never deleted: the audit trail and every report's history name them.
admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# The audit trail: operators read it; nobody changes or deletes it (the database refuses too).
admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class ReadOnlyLogEntryAdmin(LogEntryAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        return False
