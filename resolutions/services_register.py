"""Committee admins keeping the register: registering documents, ending assignments, and the
registration requests staff send from reports.

The scope rules are those of ``resolutions.services`` (a document is its issuer's unit's,
an assignment or a target names a subtree of the actor's), checked before anything is
read for writing. Registering adds what the admin form needs beyond the model's own
invariants: the symbol as printed must say what the parts say (parsed with the citation
finder, the same reading reports get), and a symbol already registered for that year is
refused with the document it clashes with — numbering restarts every term, so the same
symbol in another year is a different document and is allowed.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.actors import is_operator
from organizations.models import Organization, RoleKind
from organizations.selectors import can_access
from organizations.text import clean_line, clean_text, search_key

from . import services
from .citations import canonical_issuer_code, find_citations
from .models import Assignment, Directive, RegistrationRequest, RequestStatus
from .symbols import KIND_WORDS, DirectiveKind, pad_number

#: A Quy định is often printed with the Quyết định code (1374-QĐ/TU): both read as one kind.
_TYPE_CODE_ALTERNATIVES = {DirectiveKind.QUY_DINH: {"QĐ"}}
REASON_MAX = 1000


def _require_request_admin(actor, request: RegistrationRequest) -> None:
    if not is_operator(actor) and not can_access(actor, request.organization, kinds=[RoleKind.ADMIN]):
        raise PermissionDenied(_("Only administrators above the requesting unit decide on this request."))


def check_printed_symbol(directive: Directive) -> None:
    """Fill the number from the printed symbol, and refuse a symbol whose parts disagree.

    The symbol is read as a report would cite it ("Kế hoạch số 156-KH/TU"): if the finder
    cannot read it whole, it is no symbol; if its number, type code or issuer code differ
    from the document's, one of the two is wrong and the admin must say which.
    """
    printed = clean_line(directive.symbol_printed or "")
    directive.symbol_printed = printed
    if not printed:
        return
    mention = None
    for phrase in (f"{KIND_WORDS.get(directive.kind, '')} số {printed}".strip(), printed):
        mention = next((m for m in find_citations(phrase) if m.start == 0 and m.end == len(phrase) and m.number), None)
        if mention is not None:
            break
    if mention is None or not mention.issuer_code:
        raise ValidationError({"symbol_printed": _(
            "This is not a document symbol in the usual form, e.g. 156-KH/TU or 54/2017/QH14.")})
    errors: dict[str, str] = {}
    if not directive.number:
        directive.number = mention.number
    elif pad_number(directive.number) != pad_number(mention.number):
        errors["number"] = _("The symbol says number %(printed)s, not %(number)s.") % {
            "printed": mention.number, "number": directive.number}
    code = mention.type_code
    if code and code != directive.kind:
        if code in _TYPE_CODE_ALTERNATIVES.get(directive.kind, set()):
            directive.type_code = code
        else:
            errors["kind"] = _("The symbol's type code %(code)s does not match the kind %(kind)s.") % {
                "code": code, "kind": KIND_WORDS.get(directive.kind, directive.kind)}
    expected = canonical_issuer_code(directive.issuer_code or (directive.issuer.symbol_code if directive.issuer_id else ""))
    if expected and canonical_issuer_code(mention.issuer_code) != expected:
        errors["symbol_printed"] = _("The symbol's issuer code %(code)s is not the issuer's (%(expected)s).") % {
            "code": mention.issuer_code, "expected": expected}
    if mention.year and directive.year and mention.year != directive.year:
        errors["year"] = _("The symbol says year %(printed)s.") % {"printed": mention.year}
    if mention.family and mention.family != directive.family and not errors:
        directive.family = mention.family
        if mention.year and not directive.year:
            directive.year = mention.year
    if errors:
        raise ValidationError(errors)


def _check_duplicate_symbol(directive: Directive) -> None:
    symbol = directive.compute_symbol()
    if not symbol:
        return
    year = directive.issue_date.year if directive.issue_date else directive.year
    clash = Directive.objects.filter(symbol=symbol).exclude(pk=directive.pk).select_related("issuer")
    if year:
        clash = clash.filter(year=year) | clash.filter(issue_date__year=year)
    elif directive.term_id:
        clash = clash.filter(term_id=directive.term_id)
    else:
        return
    other = clash.first()
    if other is not None:
        raise ValidationError({"number": _("%(symbol)s of this year is already registered: %(label)s, %(title)s.") % {
            "symbol": symbol, "label": other.label, "title": other.title[:80]}})


def _check_date(directive: Directive) -> None:
    if directive.issue_date and directive.issue_date > timezone.localdate():
        raise ValidationError({"issue_date": _("The issue date is in the future.")})
    if directive.issue_date and directive.issue_date.year < 1930:
        raise ValidationError({"issue_date": _("The issue date is before 1930.")})


@transaction.atomic
def directive_register(*, actor, directive: Directive, request_id: int | None = None) -> Directive:
    """Register a new document or save a change to one, optionally answering a request.

    Scope first (the issuer's unit, and the stored issuer on a change, must be the actor's;
    a request must come from their subtree), then the form's rules, then the save through
    ``services.directive_save`` (cleaning, model invariants, audit trail).
    """
    if directive.pk:
        services._require_register_admin(actor, Directive.objects.select_related("issuer__organization").get(pk=directive.pk))
    services._require_register_admin(actor, directive)
    request = None
    if request_id is not None:
        request = RegistrationRequest.objects.select_for_update().select_related("organization").get(pk=request_id)
        _require_request_admin(actor, request)
        if request.status != RequestStatus.OPEN:
            raise ValidationError(_("This request has already been decided."))
    check_printed_symbol(directive)
    _check_date(directive)
    if directive.issue_date and not directive.year:
        directive.year = directive.issue_date.year
    _check_duplicate_symbol(directive)
    saved = services.directive_save(actor=actor, directive=directive)
    if request is not None:
        _close_requests(actor, request, saved)
    return saved


def _close_requests(actor, request: RegistrationRequest, directive: Directive) -> None:
    """Mark the request registered, and the actor's other open requests citing the same symbol."""
    now = timezone.now()
    same = [request]
    if request.symbol and request.symbol == directive.symbol:
        others = (RegistrationRequest.objects.select_for_update().select_related("organization")
                  .filter(status=RequestStatus.OPEN, symbol=request.symbol).exclude(pk=request.pk))
        same += [r for r in others if is_operator(actor) or can_access(actor, r.organization, kinds=[RoleKind.ADMIN])]
    for row in same:
        row.status, row.directive, row.decided_by, row.decided_at = RequestStatus.REGISTERED, directive, actor, now
        row.save(update_fields=["status", "directive", "decided_by", "decided_at"])


@transaction.atomic
def assignment_end(*, actor, assignment_id: int, end: dt.date) -> Assignment:
    """End an assignment on ``end`` (kept, not deleted: past periods still expected reports)."""
    assignment = Assignment.objects.select_for_update().select_related("organization").get(pk=assignment_id)
    services._require_subtree(actor, assignment.organization)
    assignment.end = end
    return services.assignment_save(actor=actor, assignment=assignment)


@transaction.atomic
def registration_request_open(*, actor, organization: Organization, report_id: int, report_title: str,
                              citing_text: str, context: str = "", parts: dict | None = None) -> RegistrationRequest:
    """Ask the admins above ``organization`` to register a document cited in one of its reports.

    The caller (``meetings``) has checked that the report is the organisation's and that the
    text cites what the register does not know; here the actor must write for that unit.
    """
    if not is_operator(actor) and not can_access(actor, organization, kinds=[RoleKind.STAFF, RoleKind.ADMIN]):
        raise PermissionDenied(_("You do not write reports for this unit."))
    parts = parts or {}
    request = RegistrationRequest(
        organization=organization, report_id=report_id, report_title=clean_line(report_title)[:255],
        citing_text=clean_line(citing_text)[:500], context=clean_text(context)[:2000],
        kind=parts.get("kind") if parts.get("kind") in DirectiveKind.values else "",
        number=str(parts.get("number") or "")[:16], year=parts.get("year") if isinstance(parts.get("year"), int) else None,
        issue_date=parts.get("date") if isinstance(parts.get("date"), dt.date) else None,
        issuer_code=str(parts.get("issuer_code") or "")[:20], symbol=str(parts.get("symbol") or "")[:64],
        issuer_words=clean_line(str(parts.get("issuer_words") or ""))[:255],
        requested_by=actor,
    )
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def registration_request_decline(*, actor, request_id: int, reason: str) -> RegistrationRequest:
    request = RegistrationRequest.objects.select_for_update().select_related("organization").get(pk=request_id)
    _require_request_admin(actor, request)
    if request.status != RequestStatus.OPEN:
        raise ValidationError(_("This request has already been decided."))
    reason = clean_text(reason).strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the document is not registered.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("At most %(n)d characters.") % {"n": REASON_MAX}})
    request.status, request.reason = RequestStatus.DECLINED, reason
    request.decided_by, request.decided_at = actor, timezone.now()
    request.full_clean()
    request.save()
    return request


def prefill_from_request(request: RegistrationRequest, organs=()) -> dict:
    """Initial values of the registration form for a request (what the citation stated).

    The issuer is chosen only when exactly one of ``organs`` (those the admin may register
    for) has the cited issuer code and a name containing the cited issuer's words —
    "TU" alone is both the Thành ủy and its Ban Thường vụ.
    """
    initial: dict = {"title": "", "symbol_printed": request.symbol if request.symbol else ""}
    words = search_key(request.issuer_words)
    if words and request.issuer_code:
        code = canonical_issuer_code(request.issuer_code)
        matching = [o for o in organs if canonical_issuer_code(o.symbol_code or "") == code
                    and words in search_key(" ".join([o.name, o.short_name, o.aliases]))]
        if len(matching) == 1:
            initial["issuer"] = matching[0].pk
    if request.kind:
        initial["kind"] = request.kind
    if request.number:
        initial["number"] = request.number
    if request.issue_date:
        initial["issue_date"] = request.issue_date
    if request.year:
        initial["year"] = request.year
    return initial
