"""Summary pages for leaders: the period's figures, missing reports, the summary document.

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
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from organizations.models import Organization, RoleKind
from organizations.selectors import can_access, organization_in_scope_or_404
from resolutions import periods as P
from resolutions.dashboards import period_label, select_period
from resolutions.filters import query_int
from resolutions.models import SummaryDocument
from resolutions.periods import Period

from .documents import summary_document_request
from .missing import missing_reports
from .summaries import closed_period, summary_rows

LEADER = [RoleKind.LEADER]


def _period(request: HttpRequest, org: Organization) -> tuple[Period, str]:
    """The period asked for, or a default one and why the asked one cannot be shown.

    Without a period the previous month is meant (its reports are due by now). A value that
    is not a period, or a period outside the years of the register (``periods.known_bounds``),
    gets a message in the user's language and falls back to the latest month with figures
    (else the previous month), so the page always shows something.
    """
    raw = (request.GET.get("period") or request.POST.get("period") or "").strip()
    previous_month = P.period_of(P.MONTH, timezone.localdate()).previous()
    if not raw:
        return previous_month, ""
    try:
        period = P.parse_period(raw)
    except ValueError:
        error = _("This is not a period: use 2019-11, 2019-Q4, 2019-H2, 2019 or 2016-2020.")
    else:
        bounds = P.known_bounds()
        if bounds.admits(period):
            return period, ""
        error = _("Periods run from %(first)s to %(last)s.") % {"first": bounds.first_year, "last": bounds.last_year}
    latest = select_period(org, P.MONTH)
    shown = latest.period if latest.has_data else previous_month
    showing = _("Showing %(period)s.") % {"period": period_label(shown)}
    return shown, f"{error} {showing}"


@require_GET
def summary_overview(request: HttpRequest, org_id: int) -> HttpResponse:
    org = organization_in_scope_or_404(request.user, org_id, kinds=LEADER)
    period, error = _period(request, org)
    rows = list(summary_rows(organization=org, period=period))
    documents = SummaryDocument.objects.filter(organization=org).order_by("-created_at")[:10]
    return render(request, "summaries/overview.html", {
        "organization": org, "period": period, "period_error": error, "rows": rows,
        "period_input": _typed(request, period, error),
        "closed": closed_period(period), "documents": documents,
    })


@require_GET
def missing_list(request: HttpRequest, org_id: int) -> HttpResponse:
    org = organization_in_scope_or_404(request.user, org_id, kinds=LEADER)
    period, error = _period(request, org)
    items = missing_reports(organization=org, period=period)
    page = Paginator(items, 50).get_page(query_int(request.GET.get("page")) or 1)
    return render(request, "summaries/missing.html", {
        "organization": org, "period": period, "period_error": error, "page_obj": page, "total": len(items),
        "period_input": _typed(request, period, error),
    })


@require_POST
def document_request(request: HttpRequest, org_id: int) -> HttpResponse:
    org = organization_in_scope_or_404(request.user, org_id, kinds=LEADER)
    period, error = _period(request, org)
    if error:
        messages.error(request, error)
        return redirect(reverse("summary-overview", args=[org.pk]) + "?" + urlencode({"period": period.key}))
    doc = summary_document_request(actor=request.user, organization=org, period=period)
    return redirect("summary-document", pk=doc.pk)


def _typed(request: HttpRequest, period: Period, error: str) -> str:
    """What the period field shows: what the user typed when it was refused (nothing is lost)."""
    return (request.GET.get("period") or "").strip() if error else period.key


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
