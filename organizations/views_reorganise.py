"""Merger and split pages: fill in, see in words what will change, then apply.

Thin views: the form names the units, ``services.plan_*`` checks scope and says what will
change, ``services.reorganise`` plans again and applies. A refusal re-renders the form with
everything typed and the reason; nothing is written before the last step.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import services
from .forms_reorganise import MergeForm, SplitForm
from .models import Organization, RoleKind
from .selectors import organization_in_scope_or_404
from .services.succession import subtree_valid_on


def CHANGED_SINCE_PREVIEW() -> str:  # noqa: N802 — a message, built in the request's language
    return _("The change is not the one previewed (something was edited, or the tree changed): "
             "check the lines below again, then apply.")


def _report_refusal(form, exc: Exception) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in getattr(exc, "messages", None) or [str(exc)]:
            form.add_error(None, message)


def _run(request: HttpRequest, form, planner, unit: Organization, template: str, extra: dict) -> HttpResponse:
    plan = None
    if request.method == "POST" and form.is_valid():
        try:
            plan = planner(actor=request.user, **form.plan_kwargs())
            if request.POST.get("step") == "apply" and request.POST.get("digest") != services.plan_digest(plan):
                messages.warning(request, CHANGED_SINCE_PREVIEW())
            elif request.POST.get("step") == "apply":
                event = services.reorganise(actor=request.user, plan=plan)
                messages.success(request, _("Recorded: %(change)s from %(day)s.") % {
                    "change": event.get_kind_display(), "day": event.effective.strftime("%d/%m/%Y")})
                successor = event.targets.order_by("pk").first()
                return redirect("organization-detail", (successor or unit).pk)
        except (ValidationError, PermissionDenied) as exc:
            plan = None
            _report_refusal(form, exc)
    return render(request, template, {"org": unit, "form": form, "plan": plan, **extra,
                                      "plan_digest": services.plan_digest(plan) if plan else ""})


def merge(request: HttpRequest, pk: int) -> HttpResponse:
    unit = organization_in_scope_or_404(request.user, pk, kinds=[RoleKind.ADMIN])
    form = MergeForm(request.POST or None, user=request.user, unit=unit)
    return _run(request, form, services.plan_merge, unit, "organizations/reorganise/merge.html", {})


def split(request: HttpRequest, pk: int) -> HttpResponse:
    unit = organization_in_scope_or_404(request.user, pk, kinds=[RoleKind.ADMIN])
    children = [c for c in subtree_valid_on(unit, timezone.localdate()) if c.depth == unit.depth + 1]
    form = SplitForm(request.POST or None, user=request.user, unit=unit, children=children)
    return _run(request, form, services.plan_split, unit, "organizations/reorganise/split.html", {})
