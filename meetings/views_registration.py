"""A report's "ask for registration" button: one POST from the links page, back to it."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations.text import clean_line
from resolutions.filters import query_int

from .services.registration import can_request_registration, registration_request_from_report
from .views_entry import _report_or_404


@require_POST
def report_registration_request(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_404(request.user, pk)
    if not can_request_registration(request.user, report):
        raise PermissionDenied(_("You do not write reports for this unit."))
    start = query_int(request.POST.get("start"), minimum=0)
    text = clean_line(request.POST.get("text", ""))[:500]
    try:
        if start is None or not text:
            raise ValidationError(_("Choose a citation of the text."))
        registration_request_from_report(actor=request.user, report_id=report.pk, start=start, text=text)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Registration requested: the administrators above your unit will register "
                                    "the document or tell you why not, here on this page."))
    return redirect("report-links", pk=report.pk)
