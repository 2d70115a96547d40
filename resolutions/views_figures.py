"""The glossary "Cách tính": how each figure is computed, from the read model's definitions.

Every figure table links here; its entries are ``resolutions.dashboards.figures.GLOSSARY``,
the definitions the code applies, so the page and the figures cannot drift apart.
"""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import dashboards as D


@require_GET
def figures_glossary(request: HttpRequest) -> HttpResponse:
    """Signed-in users (the site requires a login): no figure is shown, only definitions."""
    return render(request, "dashboard/glossary.html", {"entries": D.glossary()})
