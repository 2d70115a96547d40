"""The search page: a thin view over ``search.selectors`` (sign-in is required by the middleware)."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from resolutions.filters import query_int

from . import selectors
from .forms import KIND_CHOICES, SearchForm
from .query import parse


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET, user=request.user)
    values = form.values()
    query = parse(values.get("q") or "")
    results = selectors.search(request.user, query, values, kind=values.get("kind") or "",
                               page=query_int(request.GET.get("page")) or 1)
    labels = dict(KIND_CHOICES)
    return render(request, "search/results.html", {
        "form": form, "results": results, "page_obj": results,
        "tabs": [(c.kind, labels[c.kind], c) for c in results.counts],
        "kind_labels": labels, "searched": bool(query.raw), "filters_open": form.filtered,
    })
