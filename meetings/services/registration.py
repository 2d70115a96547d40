"""Asking for a cited document to be registered, from the report that cites it.

The request itself is the register's (``resolutions.RegistrationRequest``); what only this
app knows is the report: that the actor writes for its unit, and that its text really cites
something the register does not know at that place. The finder is run again on the stored
text rather than trusting the page: a page drawn before an edit, or before the document was
registered, must not produce a request for a citation that is no longer there or no longer
unknown.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from organizations.actors import is_operator
from organizations.selectors import can_access
from resolutions.models import RegistrationRequest
from resolutions.services_register import registration_request_open

from ..linking import find_in_text
from ..models import Report
from .common import EDITOR_ROLES

#: Characters of the report kept on each side of the citation, so admins read it in context.
CONTEXT_CHARS = 200


def can_request_registration(user, report: Report) -> bool:
    return is_operator(user) or can_access(user, report.organization, kinds=EDITOR_ROLES)


@transaction.atomic
def registration_request_from_report(*, actor, report_id: int, start: int, text: str) -> RegistrationRequest:
    report = Report.objects.select_related("organization").get(pk=report_id)
    if not can_request_registration(actor, report):
        raise PermissionDenied(_("You do not write reports for this unit."))
    citation = next((c for c in find_in_text(report.body, report.organization, report.period_end)
                     if getattr(c, "registrable", False) and c.start == start and c.text == text), None)
    if citation is None:
        raise ValidationError(_("This citation is no longer an unknown one in the report's text: "
                                "the text changed or the document has been registered since the page was drawn."))
    mention = citation.mention
    context = report.body[max(0, citation.start - CONTEXT_CHARS):citation.end + CONTEXT_CHARS]
    parts = {"kind": mention.kind, "number": mention.number, "year": mention.year, "date": mention.date,
             "issuer_code": mention.issuer_code, "issuer_words": mention.issuer_words, "symbol": mention.symbol}
    return registration_request_open(actor=actor, organization=report.organization, report_id=report.pk,
                                     report_title=report.title, citing_text=citation.text, context=context, parts=parts)
