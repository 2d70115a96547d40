"""The search page: a thin view over ``search.selectors`` (sign-in is required by the middleware)."""
from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from resolutions.filters import query_int

from . import selectors
from .forms import KIND_CHOICES, KIND_LABELS, SearchForm
from .query import parse


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET, user=request.user)
    values = form.values()
    query = parse(values.get("q") or "")
    results = selectors.search(request.user, query, values, kind=values.get("kind") or "",
                               page=query_int(request.GET.get("page")) or 1)
    labels = dict(KIND_CHOICES)
    browse = _report_list_url(values) if not query.raw and form.filtered else ""
    return render(request, "search/results.html", {
        "form": form, "results": results, "page_obj": results,
        "tabs": [(c.kind, labels[c.kind], c) for c in results.counts],
        "kind_labels": KIND_LABELS, "searched": bool(query.raw), "filters_open": form.filtered,
        "browse_url": browse,
    })


#: The search's filters as the report list names them (that list browses without words).
_REPORT_LIST_NAMES = {"organization": "organization", "date_from": "period_from", "date_to": "period_to",
                      "report_kind": "kind", "status": "status", "directive": "directive"}


def _report_list_url(values: dict) -> str:
    """The report list with the valid filters set here: filters without a word to look for
    are a browse, which the report list does (every report, not a window of 200)."""
    params = {}
    for name, target in _REPORT_LIST_NAMES.items():
        value = values.get(name)
        if value:
            params[target] = value.isoformat() if hasattr(value, "isoformat") else getattr(value, "pk", value)
    return f"{reverse('report-list')}?{urlencode(params)}" if params else ""


@require_GET
def legacy_search(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """``/search/`` (typed in English, or an old bookmark) is ``/tim-kiem/`` for good: a 301
    that keeps the whole query (``q``, filters, page), re-encoded so nothing but our own
    page's parameters can follow the path."""
    query = request.GET.urlencode()
    return HttpResponsePermanentRedirect(f"{reverse('search')}?{query}" if query else reverse("search"))
