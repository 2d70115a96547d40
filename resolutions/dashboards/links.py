"""Links out of the app, by URL name: ``resolutions`` never imports ``meetings`` (DESIGN §3).

A row links to its unit's reports on the directive in the period; a page to the periodic
summary document of the unit, where that page exists.
"""
from __future__ import annotations

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from organizations.models import Organization

from ..models import Directive
from ..periods import Period


def report_list_url(org: Organization, directive: Directive, period: Period, base: str = "") -> str:
    """The report list filtered to one unit's reports on one directive in the period.

    ``base``: the list's path when a table links many units (reversed once, not per row).
    """
    # What ``urlencode`` would write: ids and ISO dates have nothing to quote (one call per row otherwise).
    query = (f"organization={int(org.pk)}&directive={int(directive.pk)}"
             f"&period_from={period.start.isoformat()}&period_to={period.end.isoformat()}")
    return f"{base or reverse('report-list')}?{query}"


def summary_document_url(org: Organization, period: Period) -> str | None:
    """Where the periodic summary document of the unit is requested; None if that page is absent."""
    for name in ("summary-document-list", "summary-overview"):
        try:
            return f"{reverse(name, args=[org.pk])}?{urlencode({'period': period.key})}"
        except NoReverseMatch:
            continue
    return None
