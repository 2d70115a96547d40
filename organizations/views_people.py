"""People, positions and terms of a unit: who held which post when, and the unit's terms.

Thin views: reads come from ``people`` (scoped), writes from ``services``. Anything outside
the user's subtree is a 404; inside it, any role may read and only admins change (403).
A refused or invalid form comes back with everything typed and the reason by the field.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import services
from .forms import AppointForm, DayForm, PersonSearchForm, PositionForm, TermForm
from .models import Person, RoleKind
from .people import (
    person_in_scope_or_404,
    person_positions,
    person_search,
    position_in_scope_or_404,
    positions_in_scope,
    posts_on,
    term_in_scope_or_404,
    terms_of,
)
from .selectors import ALL_KINDS, ancestors, can_access, organization_in_scope_or_404

ADMIN = (RoleKind.ADMIN,)


def _crumbs(user, org) -> list:
    return [a for a in ancestors(org) if can_access(user, a)] + [org]


def _require_admin_here(user, org) -> None:
    if not can_access(user, org, kinds=ADMIN):
        raise PermissionDenied(_("Only administrators of this unit or above it can change its people and terms."))


def organization_people(request: HttpRequest, pk: int) -> HttpResponse:
    """People in post on a day (today unless asked), past posts and posts to come."""
    org = organization_in_scope_or_404(request.user, pk)
    form = DayForm(request.GET or None)
    day = (form.cleaned_data.get("ngay") if form.is_valid() else None) or timezone.localdate()
    return render(request, "organizations/people/unit_people.html", {
        "org": org, "crumbs": _crumbs(request.user, org), "form": form, "posts": posts_on(org, day),
        "is_today": day == timezone.localdate(), "can_change": can_access(request.user, org, kinds=ADMIN),
    })


def organization_people_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a post at the unit, for someone found by name or for a new person."""
    org = organization_in_scope_or_404(request.user, pk)
    _require_admin_here(request.user, org)
    search = PersonSearchForm(request.GET or None)
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    found = person_search(request.user, query) if query else []
    form = AppointForm(request.POST or None, initial={"person": request.GET.get("nguoi")})
    picked = _picked_person(request, form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            position = services.person_appoint(
                actor=request.user, organization=org, person=picked, full_name="" if picked else data["full_name"],
                note=data["note"], title=data["title"], label=data["label"], start=data["start"], end=data["end"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("%(name)s was recorded as %(post)s.") % {
                "name": position.person.full_name, "post": position.display_title})
            return redirect("organization-people", pk=org.pk)
    return render(request, "organizations/people/appoint_form.html", {
        "org": org, "crumbs": _crumbs(request.user, org), "search": search, "query": query, "found": found,
        "form": form, "picked": picked,
    })


def _picked_person(request: HttpRequest, form: AppointForm) -> Person | None:
    """The person chosen from the search, if the user may pick them (as ``person_search`` offers)."""
    raw = request.POST.get("person") if request.method == "POST" else request.GET.get("nguoi")
    if not (raw or "").isdigit() or len(raw) > 12:
        return None
    person = Person.objects.filter(pk=int(raw)).first()
    if person is None:
        return None
    if person.positions.exists() and not positions_in_scope(request.user).filter(person=person).exists():
        return None  # someone of another committee: as if never picked
    return person


def position_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change or end a post (an end date); the person's other posts are untouched."""
    position = position_in_scope_or_404(request.user, pk, ALL_KINDS)
    org = position.organization
    _require_admin_here(request.user, org)
    initial = {"title": position.title, "label": position.label, "start": position.start, "end": position.end}
    form = PositionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.position_update(actor=request.user, position=position, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The position was saved."))
            return redirect("organization-people", pk=org.pk)
    return render(request, "organizations/people/position_form.html", {
        "org": org, "crumbs": _crumbs(request.user, org), "position": position, "form": form,
    })


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's posts over time — those in the user's scope only."""
    person = person_in_scope_or_404(request.user, pk)
    positions = person_positions(request.user, person)
    for position in positions:
        position.can_change = can_access(request.user, position.organization, kinds=ADMIN)
    return render(request, "organizations/people/person_detail.html", {"person": person, "positions": positions})


def organization_terms(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's terms (khóa, congress, years) and, for its admins, a form to add one."""
    org = organization_in_scope_or_404(request.user, pk)
    can_change = can_access(request.user, org, kinds=ADMIN)
    if request.method == "POST":
        _require_admin_here(request.user, org)
    form = TermForm(request.POST or None) if can_change else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            term = services.term_create(actor=request.user, organization=org, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Term %(term)s was recorded.") % {"term": term.roman})
            return redirect("organization-terms", pk=org.pk)
    return render(request, "organizations/people/unit_terms.html", {
        "org": org, "crumbs": _crumbs(request.user, org), "terms": terms_of(org), "form": form,
        "can_change": can_change,
    })


def term_edit(request: HttpRequest, pk: int) -> HttpResponse:
    term = term_in_scope_or_404(request.user, pk, ALL_KINDS)
    org = term.organization
    _require_admin_here(request.user, org)
    initial = {"ordinal": term.ordinal, "start_year": term.start_year, "end_year": term.end_year, "name": term.name}
    form = TermForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.term_update(actor=request.user, term=term, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The term was saved."))
            return redirect(reverse("organization-terms", args=[org.pk]))
    return render(request, "organizations/people/term_form.html", {
        "org": org, "crumbs": _crumbs(request.user, org), "term": term, "form": form,
    })


__all__ = ["organization_people", "organization_people_add", "organization_terms", "person_detail",
           "position_edit", "term_edit"]
