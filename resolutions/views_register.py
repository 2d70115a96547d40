"""Committee admins' register pages: register and edit documents, assign them, set targets,
and decide the registration requests staff send from reports.

Thin views: a page needs an admin role (403 without one); an object outside the admin's
subtree — another issuer's document, another committee's assignment, target or request —
is a 404. A refused or invalid save re-renders the form with what was typed.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from organizations.text import clean_line

from . import selectors_register as sel
from . import services, services_register
from .filters import query_int
from .forms_register import (
    AssignmentEndForm,
    AssignmentForm,
    DeclineForm,
    DirectiveForm,
    TargetForm,
)
from .models import Assignment, Directive, RequestStatus, Target

GET_POST = require_http_methods(["GET", "POST"])


def _require_admin(user) -> None:
    if not sel.is_register_admin(user):
        raise PermissionDenied(_("Only administrators keep the register."))


def _errors_into(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _save(form, call) -> object | None:
    """Run a service; its refusal or validation errors land on the form (nothing typed is lost)."""
    try:
        return call()
    except ValidationError as exc:
        _errors_into(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
    return None


@require_http_methods(["GET"])
def register_home(request: HttpRequest) -> HttpResponse:
    _require_admin(request.user)
    query = clean_line(request.GET.get("q", ""))[:100]
    page = Paginator(sel.own_directives(request.user, query), settings.PAGE_SIZE).get_page(
        query_int(request.GET.get("page")) or 1)
    return render(request, "resolutions/register/home.html", {
        "page_obj": page, "directives": page.object_list, "q": query,
        "open_requests": sel.registration_requests(request.user).count(),
        "can_register": sel.issuer_organs(request.user).exists(),
    })


def _directive_form(request: HttpRequest, instance: Directive, initial=None) -> DirectiveForm:
    kwargs = {"organs": sel.issuer_organs(request.user), "terms": sel.register_terms(request.user), "instance": instance}
    if request.method == "POST":
        return DirectiveForm(request.POST, **kwargs)
    return DirectiveForm(initial=initial, **kwargs)


@GET_POST
def directive_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request.user)
    source = None
    request_id = query_int(request.POST.get("request") if request.method == "POST" else request.GET.get("request"))
    if request_id:
        source = sel.registration_request_or_404(request.user, request_id)
        if source.status != RequestStatus.OPEN:
            messages.info(request, _("This request has already been decided."))
            return redirect("registration-request", pk=source.pk)
    initial = services_register.prefill_from_request(source, sel.issuer_organs(request.user)) if source else None
    form = _directive_form(request, Directive(), initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(form, lambda: services_register.directive_register(
            actor=request.user, directive=form.instance, request_id=source.pk if source else None))
        if saved is not None:
            messages.success(request, _("Registered: %(label)s.") % {"label": saved.label})
            return redirect("directive-detail", pk=saved.pk)
    return render(request, "resolutions/register/directive_form.html", {"form": form, "source": source})


@GET_POST
def directive_edit(request: HttpRequest, pk: int) -> HttpResponse:
    directive = sel.directive_for_edit_or_404(request.user, pk)
    form = _directive_form(request, directive)
    if request.method == "POST" and form.is_valid():
        saved = _save(form, lambda: services_register.directive_register(actor=request.user, directive=form.instance))
        if saved is not None:
            messages.success(request, _("Saved: %(label)s.") % {"label": saved.label})
            return redirect("directive-detail", pk=saved.pk)
    return render(request, "resolutions/register/directive_form.html", {"form": form, "directive": directive})


@GET_POST
def assignment_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request.user)
    directive = sel.directive_or_404(pk)
    units = sel.assignable_units(request.user)
    instance = Assignment(directive=directive)
    form = (AssignmentForm(request.POST, instance=instance, units=units) if request.method == "POST"
            else AssignmentForm(instance=instance, units=units))
    if request.method == "POST" and form.is_valid():
        saved = _save(form, lambda: services.assignment_save(actor=request.user, assignment=form.instance))
        if saved is not None:
            messages.success(request, _("Assigned to %(unit)s.") % {"unit": saved.organization})
            return redirect("directive-detail", pk=directive.pk)
    return render(request, "resolutions/register/assignment_form.html", {"form": form, "directive": directive})


@GET_POST
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = sel.assignment_in_scope_or_404(request.user, pk)
    form = AssignmentEndForm(request.POST or None, initial={"end": assignment.end})
    if request.method == "POST" and form.is_valid():
        saved = _save(form, lambda: services_register.assignment_end(
            actor=request.user, assignment_id=assignment.pk, end=form.cleaned_data["end"]))
        if saved is not None:
            messages.success(request, _("The assignment to %(unit)s ends on %(day)s.") % {
                "unit": saved.organization, "day": saved.end.strftime("%d/%m/%Y")})
            return redirect("directive-detail", pk=assignment.directive_id)
    return render(request, "resolutions/register/assignment_end.html", {"form": form, "assignment": assignment})


def _target_page(request: HttpRequest, directive: Directive, instance: Target) -> HttpResponse:
    units = sel.target_units(request.user, directive)
    if units is None:
        raise Http404
    everyone = sel.can_edit_directive(request.user, directive)
    kwargs = {"instance": instance, "units": units, "everyone": everyone}
    form = TargetForm(request.POST, **kwargs) if request.method == "POST" else TargetForm(**kwargs)
    if request.method == "POST" and form.is_valid():
        saved = _save(form, lambda: services.target_save(actor=request.user, target=form.instance))
        if saved is not None:
            messages.success(request, _("Target saved: %(name)s.") % {"name": saved.name})
            return redirect("directive-detail", pk=directive.pk)
    return render(request, "resolutions/register/target_form.html", {
        "form": form, "directive": directive, "target": instance if instance.pk else None})


@GET_POST
def target_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request.user)
    directive = sel.directive_or_404(pk)
    return _target_page(request, directive, Target(directive=directive))


@GET_POST
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = sel.target_in_scope_or_404(request.user, pk)
    return _target_page(request, target.directive, target)


STATUS_FILTERS = {"": RequestStatus.OPEN, "open": RequestStatus.OPEN, "registered": RequestStatus.REGISTERED,
                  "declined": RequestStatus.DECLINED, "all": None}


@require_http_methods(["GET"])
def request_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request.user)
    status_key = request.GET.get("status", "")
    if status_key not in STATUS_FILTERS:
        status_key = ""
    page = Paginator(sel.registration_requests(request.user, STATUS_FILTERS[status_key]), settings.PAGE_SIZE).get_page(
        query_int(request.GET.get("page")) or 1)
    return render(request, "resolutions/register/requests.html", {
        "page_obj": page, "requests": page.object_list, "status": status_key or "open",
        "statuses": [("open", _("Waiting for a decision")), ("registered", _("Registered")),
                     ("declined", _("Declined")), ("all", _("All"))],
    })


@GET_POST
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: the citing text and the report, and the two answers (register, decline)."""
    item = sel.registration_request_or_404(request.user, pk)
    form = DeclineForm(request.POST or None)
    if request.method == "POST":
        if item.status != RequestStatus.OPEN:
            messages.info(request, _("This request has already been decided."))
            return redirect("registration-request", pk=item.pk)
        if form.is_valid():
            saved = _save(form, lambda: services_register.registration_request_decline(
                actor=request.user, request_id=item.pk, reason=form.cleaned_data["reason"]))
            if saved is not None:
                messages.success(request, _("Request declined; the requester sees your reason."))
                return redirect("registration-requests")
    return render(request, "resolutions/register/request_detail.html", {"item": item, "form": form})
