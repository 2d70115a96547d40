"""Report and meeting entry: create, edit, link to directives, submit, review, attachments.

Thin views: bind the form, check the scope, call one service, render. A validation error
or a refused save re-renders the form with everything the user typed.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from organizations.models import RoleKind
from organizations.selectors import organizations_in_scope, scope_q
from organizations.text import clean_line, search_key
from resolutions import periods as P
from resolutions.filters import query_int
from resolutions.models import Directive

from . import services
from .forms import MeetingForm, ReportForm, ReturnForm
from .linking import segments, suggestions_for
from .models import Assessment, Attachment, Meeting, Report

EDITORS = (RoleKind.STAFF, RoleKind.ADMIN)


def _report_or_404(user, pk: int) -> Report:
    """A report the user may see; any other id is a 404, never data."""
    qs = Report.objects.select_related("organization", "meeting", "author", "reviewed_by")
    return get_object_or_404(qs.filter(scope_q(user, "organization")), pk=pk)


def _editable_orgs(user):
    return organizations_in_scope(user, kinds=EDITORS).filter(valid_to__isnull=True)


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


# --- meetings -------------------------------------------------------------------------------

def meeting_create(request: HttpRequest) -> HttpResponse:
    orgs = _editable_orgs(request.user)
    if not orgs.exists():
        raise PermissionDenied(_("You have no organisation to record meetings for."))
    form = MeetingForm(request.POST or None, organizations=orgs, initial={"organization": request.GET.get("org")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            meeting = services.meeting_create(actor=request.user, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The meeting was recorded. Now enter its report."))
            return redirect(reverse("report-create") + f"?meeting={meeting.pk}")
    return render(request, "meetings/meeting_form.html", {"form": form})


# --- reports --------------------------------------------------------------------------------

def _report_form(request, *, report: Report | None = None):
    orgs = _editable_orgs(request.user)
    meetings = Meeting.objects.filter(organization__in=orgs).order_by("-date")[:200]
    meetings = Meeting.objects.filter(pk__in=[m.pk for m in meetings]).select_related("organization")
    initial = {}
    if report is not None:
        initial = {"organization": report.organization_id, "meeting": report.meeting_id, "kind": report.kind,
                   "period_kind": report.period_kind, "period_start": report.period_start,
                   "period_end": report.period_end, "title": report.title, "body": report.body,
                   "version": report.version}
    elif (meeting_id := query_int(request.GET.get("meeting"))) is not None:
        # A meeting id that is not a number (or no meeting of the user's) just opens an empty form.
        meeting = meetings.filter(pk=meeting_id).first()
        if meeting:
            month = P.period_of(P.MONTH, meeting.date)  # a monthly report covers the whole calendar month
            initial = {"organization": meeting.organization_id, "meeting": meeting.pk, "title": meeting.title,
                       "period_start": month.start, "period_end": month.end,
                       "kind": "periodic", "period_kind": "month"}
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    return ReportForm(data, files, organizations=orgs, meetings=meetings, initial=initial)


def _read_upload(form) -> tuple[str, bytes] | None:
    upload = form.cleaned_data.get("upload")
    if not upload:
        return None
    return upload.name, upload.read()


def report_create(request: HttpRequest) -> HttpResponse:
    if not _editable_orgs(request.user).exists():
        raise PermissionDenied(_("You have no organisation to enter reports for."))
    form = _report_form(request)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("organization", "meeting", "kind", "period_kind", "period_start",
                                                  "period_end", "title")}
        upload = _read_upload(form)
        body = form.cleaned_data["body"]
        try:
            if upload:
                from .extract import extract_text

                extracted = extract_text(*upload)  # validate before creating anything
                body = body if body.strip() else extracted.text
            report = services.report_create(actor=request.user, body=body, **data)
            if upload:
                services.attachment_add(actor=request.user, report=report, name=upload[0], data=upload[1])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Draft saved. Check the directives found in the text and confirm the links."))
            return redirect("report-links", pk=report.pk)
    return render(request, "meetings/report_form.html", {"form": form, "report": None})


def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_404(request.user, pk)
    if not services.can_edit_report(request.user, report):
        messages.error(request, _("This report is %(status)s and cannot be edited.") % {"status": report.get_status_display()})
        return redirect("report-detail", pk=report.pk)
    form = _report_form(request, report=report)
    conflict = None
    if request.method == "POST" and form.is_valid():
        fields = {"organization_id": form.cleaned_data["organization"].pk,
                  "meeting_id": form.cleaned_data["meeting"].pk if form.cleaned_data["meeting"] else None,
                  **{k: form.cleaned_data[k] for k in ("kind", "period_kind", "period_start", "period_end", "title")}}
        upload = _read_upload(form)
        body = form.cleaned_data["body"]
        try:
            if upload:
                attachment, text = services.attachment_add(actor=request.user, report=report, name=upload[0], data=upload[1])
                body = body if body.strip() else text
            report = services.report_update(actor=request.user, report_id=report.pk,
                                            expected_version=form.cleaned_data["version"] or 0, body=body, **fields)
        except services.ConcurrentEditError as exc:
            conflict = exc.current
            messages.error(request, _("Not saved: %(who)s saved this report while you were editing it. "
                                      "Your text is still below; compare it with the saved version, then save again.")
                           % {"who": _last_editor(conflict)})
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("report-links", pk=report.pk)
    if conflict is not None:
        data = form.data.copy()
        data["version"] = conflict.version  # the next save knowingly replaces the saved version
        form = ReportForm(data, organizations=form.fields["organization"].queryset,
                          meetings=form.fields["meeting"].queryset)
        form.is_valid()
    status = 409 if conflict is not None else 200
    return render(request, "meetings/report_form.html", {"form": form, "report": report, "conflict": conflict},
                  status=status)


def _last_editor(report: Report) -> str:
    event = report.events.select_related("actor").order_by("-id").first()
    if event and event.actor:
        return event.actor.get_full_name() or event.actor.get_username()
    return _("someone")


def report_links(request: HttpRequest, pk: int) -> HttpResponse:
    """The linking step: found citations highlighted, links pre-filled, user confirms/removes/adds."""
    report = _report_or_404(request.user, pk)
    editable = services.can_edit_report(request.user, report)
    suggestions, unresolved = suggestions_for(report)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("This report cannot be changed now."))
        links = _links_from_post(request.POST)
        try:
            services.report_set_links(actor=request.user, report=report, links=links)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Links saved: %(n)d directive(s).") % {"n": len(links)})
            if "submit" in request.POST:
                return report_submit(request, pk)
            return redirect("report-links", pk=report.pk)
    spans = [(s, e, sug.directive.pk, False) for sug in suggestions for s, e in sug.spans]
    spans += [(u.start, u.end, None, True) for u in unresolved]
    return render(request, "meetings/report_links.html", {
        "report": report, "suggestions": suggestions, "unresolved": unresolved, "editable": editable,
        "segments": segments(report.body, spans), "assessment_choices": Assessment.choices,
    })


def _links_from_post(post) -> list[services.LinkInput]:
    """Rows are named link-<directive id>-<field>; contributions link-<id>-target-<target id>."""
    links = []
    for directive_id in post.getlist("directive"):
        if not directive_id.isdigit() or post.get(f"link-{directive_id}-keep") != "on":
            continue
        prefix = f"link-{directive_id}-"
        spans = []
        for part in filter(None, post.get(prefix + "spans", "").split(";")):
            start, _sep, end = part.partition(":")
            if start.isdigit() and end.isdigit():
                spans.append((int(start), int(end)))
        contributions = {int(k[len(prefix) + 7:]): v for k, v in post.items()
                         if k.startswith(prefix + "target-") and k[len(prefix) + 7:].isdigit()}
        links.append(services.LinkInput(directive_id=int(directive_id), assessment=post.get(prefix + "assessment", "in_progress"),
                                        note=post.get(prefix + "note", ""), spans=spans, contributions=contributions))
    return links


def _workflow_step(request: HttpRequest, pk: int, step, done_message: str) -> HttpResponse:
    """Run one workflow service on a report in scope; a refusal becomes a message, not an error page."""
    report = _report_or_404(request.user, pk)
    try:
        step(actor=request.user, report_id=report.pk)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, done_message)
    return redirect("report-detail", pk=report.pk)


@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow_step(request, pk, services.report_submit,
                          _("Report submitted to the organisation above for review."))


@require_POST
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow_step(request, pk, services.report_accept, _("Report accepted."))


def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_404(request.user, pk)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_return(actor=request.user, report_id=report.pk, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _form_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("report-detail", pk=report.pk)
        else:
            messages.success(request, _("Report returned to its authors with your reason."))
            return redirect("report-detail", pk=report.pk)
    return render(request, "meetings/report_return.html", {"report": report, "form": form})


@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Attachments are never served from a public URL: only to users whose scope covers the report."""
    attachment = get_object_or_404(Attachment.objects.select_related("report__organization"), pk=pk)
    _report_or_404(request.user, attachment.report_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                        content_type=attachment.content_type)


@require_GET
def directive_search(request: HttpRequest) -> HttpResponse:
    """Search-as-you-type over the register for adding a link (accent-insensitive)."""
    key = search_key(clean_line(request.GET.get("q", "")))  # no NUL reaches PostgreSQL
    results = []
    if len(key) >= 2:
        results = list(Directive.objects.filter(Q(search_text__contains=key) | Q(aliases__key__contains=key))
                       .select_related("issuer").distinct().order_by("-issue_date")[:15])
    return render(request, "meetings/_directive_options.html", {"results": results, "q": request.GET.get("q", "")})
