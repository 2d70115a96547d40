"""Links out of the app, by URL name: ``resolutions`` never imports ``meetings`` (DESIGN §3).

A row links to its unit's reports on the directive in the period; a page to the periodic
summary document of the unit, where that page exists.
"""
from __future__ import annotations

from urllib.parse import urlencode

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

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


_SENTINELS = (987654321, 876543219)
_url_formats: dict[tuple, str] = {}


def url_format(name: str, arity: int) -> str:
    """``reverse(name, args=…)`` as a ``str.format`` string for integer ids, computed once.

    A table links every row or cell, and ``reverse`` is slow enough to show in a page of a
    hundred rows. Keyed by the script prefix and the active URLconf, as ``reverse`` itself
    depends on both. Plain text: the template escapes it.
    """
    key = (name, arity, get_script_prefix(), get_urlconf())
    if key not in _url_formats:
        url = reverse(name, args=list(_SENTINELS[:arity]))
        for sentinel in _SENTINELS[:arity]:
            url = url.replace(str(sentinel), "\0", 1)
        if url.count("\0") != arity:
            raise ValueError(f"{name} does not take {arity} integer arguments")
        _url_formats[key] = url.replace("{", "{{").replace("}", "}}").replace("\0", "{}")
    return _url_formats[key]
