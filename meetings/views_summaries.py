"""Summary pages for leaders: the period's figures, missing reports, the summary document.

Thin views: bind input, check scope (leaders only; anything out of scope is a 404), call one
service or selector, render. Included under ``/tong-hop/`` (see ``urls_summaries``).
"""
from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from organizations.models import RoleKind
from organizations.selectors import can_access, organization_in_scope_or_404
from resolutions import periods as P
from resolutions.models import SummaryDocument
from resolutions.periods import Period

from .documents import summary_document_request
from .missing import missing_reports
from .summaries import closed_period, summary_rows

LEADER = [RoleKind.LEADER]


def _period(request: HttpRequest) -> tuple[Period, str]:
    raw = (request.GET.get("period") or request.POST.get("period") or "").strip()
    if raw:
        try:
            return P.parse_period(raw), ""
        except ValueError as exc:
            return P.period_of(P.MONTH, timezone.localdate()).previous(), str(exc)
    return P.period_of(P.MONTH, timezone.localdate()).previous(), ""


@require_GET
def summary_overview(request: HttpRequest, org_id: int) -> HttpResponse:
    org = organization_in_scope_or_404(request.user, org_id, kinds=LEADER)
    period, error = _period(request)
    rows = list(summary_rows(organization=org, period=period))
    documents = SummaryDocument.objects.filter(organization=org).order_by("-created_at")[:10]
    return render(request, "summaries/overview.html", {
        "organization": org, "period": period, "period_error": error, "rows": rows,
        "closed": closed_period(period), "documents": documents,
    })


@require_GET
def missing_list(request: HttpRequest, org_id: int) -> HttpResponse:
    org = organization_in_scope_or_404(request.user, org_id, kinds=LEADER)
    period, error = _period(request)
    items = missing_reports(organization=org, period=period)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "summaries/missing.html", {
        "organization": org, "period": period, "period_error": error, "page_obj": page, "total": len(items),
    })


@require_POST
def document_request(request: HttpRequest, org_id: int) -> HttpResponse:
    org = organization_in_scope_or_404(request.user, org_id, kinds=LEADER)
    period, error = _period(request)
    if error:
        raise Http404(error)
    doc = summary_document_request(actor=request.user, organization=org, period=period)
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
    return FileResponse(field.open("rb"), as_attachment=True, filename=name)
