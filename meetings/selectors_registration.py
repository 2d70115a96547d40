"""What a report's links page shows of its registration requests (the register keeps them)."""
from __future__ import annotations

from organizations.text import search_key
from resolutions.selectors_register import requests_for_report

from .models import Report
from .services.registration import can_request_registration


def registration_context(user, report: Report, unresolved: list) -> dict:
    """The report's requests (newest first) and, on each unknown citation, its latest request.

    A citation's request is found by its folded text, so one asked for before an edit that
    moved it is still shown against it. Ambiguous citations (with candidates) are the user's
    to choose among, never a registration request.
    """
    requests = requests_for_report(report.pk)
    latest: dict[str, object] = {}
    for item in requests:
        latest.setdefault(item.key, item)
    for u in unresolved:
        u.request = latest.get(search_key(u.text)) if not u.candidates else None
    return {"registration_requests": requests, "can_request_registration": can_request_registration(user, report)}
