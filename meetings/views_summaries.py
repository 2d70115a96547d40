"""Summary pages for leaders: the period's figures, missing and late reports, the summary document.

Every figure comes from the read model (``resolutions.dashboards.figures``) and the lists of
``meetings.missing``, under the names the glossary ("Cách tính") defines.

Thin views: bind input, check scope (leaders only; anything out of scope is a 404), call one
service or selector, render. Included under ``/tong-hop/`` (see ``urls_summaries``).
"""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from organizations.models import Organization, RoleKind
from organizations.selectors import can_access, organization_in_scope_or_404
from resolutions import periods as P
from resolutions.dashboards import PeriodSelection, figures_for, select_period
from resolutions.filters import query_int
from resolutions.models import SummaryDocument, SummaryPeriod
from resolutions.periods import Period

from .documents import summary_document_request
from .missing import missing_and_late
from .selectors import distinct_reports
from .summaries import closed_period

LEADER = [RoleKind.LEADER]
#: The kinds of period the picker offers, as the dashboards do.
PERIOD_KINDS = SummaryPeriod.choices


def _selection(request: HttpRequest, org: Organization) -> PeriodSelection:
    """The period asked for (a kind and a period chosen from lists, as on the dashboards).

    Without a period, the current month — or, when it has no figures yet, the latest month
    that has (the page says so). A period written by hand in the address (an old link,
    ``?period=2019-Q4``) keeps working: its kind is taken from it. A value that is not a
    period, or outside the register's years, is never replaced silently: the page says, in
    the user's language, which period it shows instead.
    """
    data = request.GET if request.method == "GET" else request.POST
    key = (data.get("period") or "").strip()[:40]
    kind = (data.get("kind") or "").strip()
    error = ""
    if key:
        try:
            requested = P.parse_period(key)
        except ValueError:
            error = _("This is not a period: use 2019-11, 2019-Q4, 2019-H2, 2019 or 2016-2020.")
        else:
            kind = kind or requested.kind
            bounds = P.known_bounds()
            if not bounds.admits(requested):
                error = _("Periods run from %(first)s to %(last)s.") % {
                    "first": bounds.first_year, "last": bounds.last_year}
    if kind not in P.KINDS:
        kind = P.MONTH
    selection = select_period(org, kind, "" if error else key)
    if error:
        selection.error = f"{error} {_('Showing %(period)s.') % {'period': selection.label}}"
    return selection


def _period_context(selection: PeriodSelection) -> dict:
    """What the period picker (``summaries/_period_form.html``) draws."""
    return {"selection": selection, "period": selection.period, "period_kinds": PERIOD_KINDS}


@require_GET
def summary_overview(request: HttpRequest, org_id: int) -> HttpResponse:
    org = organization_in_scope_or_404(request.user, org_id, kinds=LEADER)
    selection = _selection(request, org)
    period = selection.period
    documents = SummaryDocument.objects.filter(organization=org).order_by("-created_at")[:10]
    return render(request, "summaries/overview.html", {
        "organization": org, **_period_context(selection), "rows": figures_for(org, period),
        "distinct_reports": distinct_reports(org, period),
        "closed": closed_period(period), "documents": documents,
    })


@require_GET
def missing_list(request: HttpRequest, org_id: int) -> HttpResponse:
    org = organization_in_scope_or_404(request.user, org_id, kinds=LEADER)
    selection = _selection(request, org)
    found = missing_and_late(organization=org, period=selection.period)
    missing = Paginator(found.missing, 50).get_page(query_int(request.GET.get("page")) or 1)
    late = Paginator(found.late, 50).get_page(query_int(request.GET.get("late_page")) or 1)
    return render(request, "summaries/missing.html", {
        "organization": org, **_period_context(selection), "found": found, "missing_page": missing,
        "late_page": late,
    })


@require_POST
def document_request(request: HttpRequest, org_id: int) -> HttpResponse:
    org = organization_in_scope_or_404(request.user, org_id, kinds=LEADER)
    selection = _selection(request, org)
    if selection.error or selection.fell_back:
        messages.error(request, selection.error or _("Choose a period with figures."))
        return redirect(reverse("summary-overview", args=[org.pk]) + "?" + urlencode({"period": selection.period.key}))
    doc = summary_document_request(actor=request.user, organization=org, period=selection.period)
    return redirect("summary-document", pk=doc.pk)


def _document_or_404(request: HttpRequest, pk: int) -> SummaryDocument:
    doc = get_object_or_404(SummaryDocument.objects.select_related("organization"), pk=pk)
    if not can_access(request.user, doc.organization, kinds=LEADER):
        raise Http404
    return doc


@require_GET
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document_or_404(request, pk)
    period = Period(doc.period_start, doc.period_end, doc.period_kind)
    template = "summaries/_document_status.html" if getattr(request, "htmx", False) else "summaries/document.html"
    return render(request, template, {"doc": doc, "period": period, "organization": doc.organization})


@require_GET
def document_download(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    doc = _document_or_404(request, pk)
    field = {"docx": doc.docx, "xlsx": doc.xlsx}.get(fmt)
    if not field:
        raise Http404
    period = Period(doc.period_start, doc.period_end, doc.period_kind)
    name = f"Bao-cao-tong-hop-{doc.organization.code}-{period.key}.{fmt}"
    try:
        handle = field.open("rb")
    except FileNotFoundError:  # the file was removed from the storage: nothing to send
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=name)
