"""The committee admins' tree workspace (``/to-chuc/quan-ly/``): their subtree, one level per
request, with search and the unit actions (create below, edit, move, close).

Thin views: reads come from ``organizations.workspace``, writes from the services, which
check the actor's scope themselves; a refusal (``PermissionDenied``) or a rule broken
(``ValidationError``) comes back as a message on the page with everything typed kept.
Only admins (and operators) reach the workspace: the page itself is a 403 for anyone else,
and every unit id in a URL is looked up within the admin scope — outside it (and for anyone
without an admin role, whose admin scope is empty), a 404.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import services
from . import workspace as W
from .forms_workspace import QUERY_MAX, CloseForm, MoveForm, PickForm, UnitForm
from .models import Organization
from .selectors import ancestors, can_access, organization_in_scope_or_404
from .text import clean_line, search_key

GET_POST = require_http_methods(["GET", "POST"])


def _admin_unit(request: HttpRequest, pk) -> Organization:
    return organization_in_scope_or_404(request.user, pk, kinds=W.ADMIN)


def _require_workspace(request: HttpRequest) -> None:
    if not W.can_use_workspace(request.user):
        raise PermissionDenied(_("The tree workspace is for the administrators of a committee."))


def _flag(request: HttpRequest, name: str) -> bool:
    return request.GET.get(name) in ("1", "on", "true")


def _int(value, default: int = 0, maximum: int = 1_000_000) -> int:
    try:
        return max(0, min(int(value), maximum))
    except (TypeError, ValueError):
        return default


def workspace_url(org: Organization | None = None, *, closed: bool = False) -> str:
    """The workspace opened at ``org`` (its row marked and scrolled to)."""
    params = {}
    if org is not None:
        params["open"] = org.pk
    if closed:
        params["closed"] = 1
    url = reverse("organization-workspace") + (f"?{urlencode(params)}" if params else "")
    return url + (f"#unit-{org.pk}" if org is not None else "")


def _crumbs(request: HttpRequest, org: Organization, *, itself: bool = False) -> list[Organization]:
    """The way down to a unit within the admin's scope (nothing above their role is named)."""
    chain = ancestors(org) + ([org] if itself else [])
    return [a for a in chain if can_access(request.user, a, kinds=W.ADMIN)]


def _refusal(exc: Exception) -> list[str]:
    return list(getattr(exc, "messages", None) or [str(exc)])


def _add_service_errors(form, exc: Exception) -> None:
    """Put a service's ValidationError on the form fields it names (else on the form)."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error)
        return
    for message in _refusal(exc):
        form.add_error(None, message)


# --------------------------------------------------------------------------------------
# The tree
# --------------------------------------------------------------------------------------
@require_GET
def workspace(request: HttpRequest) -> HttpResponse:
    _require_workspace(request)
    show_closed = _flag(request, "closed")
    query = clean_line(request.GET.get("q", ""))[:QUERY_MAX]
    hits = W.workspace_search(request.user, query, show_closed=show_closed) if query else []
    target = None
    opened = request.GET.get("open", "")
    if opened and opened != "0":  # "0": everything folded (the roots' own fold button without script)
        target = _admin_unit(request, opened)
    elif len(hits) == 1 and not opened:
        target = hits[0]  # one hit: jump straight to it
    rows = W.opened_tree(request.user, target, show_closed=show_closed, expand_single_root=opened != "0")
    hit_parents = W.hit_parents(hits)
    return render(request, "organizations/workspace/workspace.html", {
        "rows": W.set_levels(rows, W.base_depth(request.user)), "target": target, "query": query,
        "hits": [(h, hit_parents.get(h.path)) for h in hits], "hit_limit": W.SEARCH_LIMIT,
        "show_closed": show_closed, "page_size": W.CHILDREN_PAGE,
    })


@require_GET
def workspace_children(request: HttpRequest, pk: int) -> HttpResponse:
    """One level below a unit: a fragment for the page's script, a page of its own without it
    (the "more units" link of a long level)."""
    org = _admin_unit(request, pk)
    show_closed = _flag(request, "closed")
    offset = _int(request.GET.get("offset"))
    rows, more = W.child_rows(request.user, org, show_closed=show_closed, offset=offset)
    context = {
        "parent": org, "rows": W.set_levels(rows, W.base_depth(request.user)), "more": more,
        "next_offset": offset + W.CHILDREN_PAGE, "show_closed": show_closed, "page_size": W.CHILDREN_PAGE,
    }
    if getattr(request, "htmx", False):
        return render(request, "organizations/workspace/_children.html", context)
    return render(request, "organizations/workspace/children.html", {
        **context, "offset": offset, "crumbs": _crumbs(request, org, itself=True)})


# --------------------------------------------------------------------------------------
# Actions
# --------------------------------------------------------------------------------------
@GET_POST
def workspace_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new unit below ``pk``."""
    parent = _admin_unit(request, pk)
    form = UnitForm(request.POST or None)
    if request.method == "POST" and not parent.is_active:
        form.add_error(None, _("“%(name)s” is closed: no unit can be added below it.") % {"name": parent.name})
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_create(actor=request.user, parent=parent, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Unit “%(name)s” created below %(parent)s.") % {
                "name": org.name, "parent": parent})
            return redirect(workspace_url(org))
    return render(request, "organizations/workspace/unit_form.html", {
        "form": form, "parent": parent, "org": None, "crumbs": _crumbs(request, parent, itself=True),
    })


@GET_POST
def workspace_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a unit, or change its kind, members or start date."""
    org = _admin_unit(request, pk)
    form = UnitForm.for_unit(org, request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Only what changed: the kind and dates are for the admins above the unit, and an
        # admin renaming the unit their own role sits on must not be refused for a kind
        # they left as it was.
        changed = {name: value for name, value in form.cleaned_data.items() if getattr(org, name) != value}
        try:
            if changed:
                org = services.organization_update(actor=request.user, organization=org, **changed)
        except (ValidationError, PermissionDenied) as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Unit “%(name)s” saved.") % {"name": org.name} if changed
                             else _("Nothing to save: the unit was left as it was."))
            return redirect(workspace_url(org))
    return render(request, "organizations/workspace/unit_form.html", {
        "form": form, "parent": None, "org": org, "crumbs": _crumbs(request, org),
    })


def _apply(request: HttpRequest, form, planner, kwargs: dict):
    """Plan the change (its effects in words); on "apply", record it. Returns (plan, event):
    a refusal puts the service's reasons on the form and leaves both empty.

    In one transaction, so the plan shown and the change applied come from one consistent
    reading of the tree (the planners lock the rows they read)."""
    try:
        with transaction.atomic():
            return _plan_and_apply(request, form, planner, kwargs)
    except (ValidationError, PermissionDenied) as exc:
        _add_service_errors(form, exc)
        return None, None


def _plan_and_apply(request: HttpRequest, form, planner, kwargs: dict):
    plan = planner(actor=request.user, effective=form.cleaned_data["effective"],
                   reason=form.cleaned_data["reason"], **kwargs)
    if request.POST.get("step") == "apply":
        if request.POST.get("digest") == services.plan_digest(plan):
            return plan, services.reorganise(actor=request.user, plan=plan)
        from .views_reorganise import CHANGED_SINCE_PREVIEW

        messages.warning(request, CHANGED_SINCE_PREVIEW())
    return plan, None


@GET_POST
def workspace_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Transfer a unit from a date: find the new parent (accents optional), then see what the
    change does — the subtree that goes along, the reports that stay filed where they were
    written — and apply it."""
    org = _admin_unit(request, pk)
    data = request.POST if request.method == "POST" else request.GET
    pick = PickForm(data if "q" in data else None)
    query = pick.cleaned_data.get("q", "") if pick.is_valid() else ""
    parent = _admin_unit(request, data["parent"]) if data.get("parent") else None
    context = {"org": org, "pick": pick, "query": query, "crumbs": _crumbs(request, org)}
    if parent is None:
        hits = W.parent_candidates(request.user, org, query) if query else []
        if request.method == "POST":
            messages.error(request, _("Choose the unit to move it under."))
        return render(request, "organizations/workspace/move.html", {
            **context, "hits": hits, "hit_limit": W.SEARCH_LIMIT})
    form = MoveForm(request.POST if request.method == "POST" else None,
                    initial={"effective": timezone.localdate()})
    plan = None
    if request.method == "POST" and form.is_valid():
        plan, event = _apply(request, form, services.plan_move, {"unit": org, "new_parent": parent})
        if event is not None:
            moved = event.targets.order_by("pk").first() or org
            messages.success(request, _("“%(name)s” lies below %(parent)s from %(day)s.") % {
                "name": moved.name, "parent": parent, "day": event.effective.strftime("%d/%m/%Y")})
            return redirect(workspace_url(moved))
    return render(request, "organizations/workspace/move_confirm.html", {
        **context, "parent": parent, "impact": W.move_impact(org), "form": form, "plan": plan,
        "plan_digest": services.plan_digest(plan) if plan else "",
        "parent_crumbs": _crumbs(request, parent, itself=True),
    })


@GET_POST
def workspace_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a unit from a date: dissolved, or merged into a successor chosen by search;
    previewed in words before it is applied."""
    org = _admin_unit(request, pk)
    form = CloseForm(request.POST or None, initial={"effective": timezone.localdate()})
    hits: list[Organization] = []
    successor = plan = None
    if request.method == "POST" and form.is_valid():
        successor, hits = _successor(request, org, form)
        if not form.errors:
            plan, event = _apply(request, form, services.plan_dissolve, {"unit": org, "successor": successor})
            if event is not None:
                messages.success(request, _("“%(name)s” is closed from %(day)s.") % {
                    "name": org.name, "day": event.effective.strftime("%d/%m/%Y")})
                return redirect(workspace_url(org, closed=True))
    return render(request, "organizations/workspace/close.html", {
        "org": org, "form": form, "hits": hits, "successor": successor, "crumbs": _crumbs(request, org),
        "impact": W.move_impact(org), "plan": plan,
        "plan_digest": services.plan_digest(plan) if plan else "",
    })


def _successor(request: HttpRequest, org: Organization, form: CloseForm) -> tuple[Organization | None, list]:
    """The successor the user chose, or the one unit their words name; else the hits to choose from."""
    chosen = form.cleaned_data.get("successor")
    query = form.cleaned_data.get("successor_q", "")
    if chosen:
        candidate = _admin_unit(request, chosen)
        if query and search_key(query) not in candidate.search_text:
            return _successor_from_words(request, org, form, query)  # the words were changed since
        if candidate.pk == org.pk or not candidate.is_active:
            form.add_error("successor_q", _("Choose an open unit other than the one being closed."))
            return None, []
        return candidate, []
    if not query:
        return None, []
    return _successor_from_words(request, org, form, query)


def _successor_from_words(request: HttpRequest, org: Organization, form: CloseForm, query: str):
    hits = W.successor_candidates(request.user, org, query)
    exact = [h for h in hits if h.code.casefold() == query.casefold()]
    if len(exact) == 1:
        return exact[0], []
    if not hits:
        form.add_error("successor_q", _("No open unit in your part of the tree matches “%(q)s”.") % {"q": query})
    else:
        # Never merge into a unit the user has not seen named: even a single hit is shown
        # for them to tick before anything is closed.
        form.add_error("successor_q", _("Choose below the unit its work goes to, then confirm."))
    return None, hits
