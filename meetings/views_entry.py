"""Report and meeting entry: create, edit, link to directives, submit, review, attachments.

Thin views: bind the form, check the scope, call one service, render. A validation error
or a refused save re-renders the form with everything the user typed.
"""
from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from organizations.models import RoleKind
from organizations.people import people_in_post, term_on
from organizations.selectors import organizations_in_scope, scope_q
from organizations.text import clean_line, search_key
from resolutions import periods as P
from resolutions.filters import query_int
from resolutions.models import Directive

from . import services
from .forms import (
    LinkRowForm,
    LinksForm,
    ReportForm,
    ReturnForm,
    WorkflowForm,
    parse_id,
)
from .forms_meeting import MeetingForm
from .linking import added_row, segments, suggestions_for
from .models import Attachment, Meeting, Report
from .numbering import SequenceCheck, check_sequence
from .selectors_registration import registration_context

EDITORS = (RoleKind.STAFF, RoleKind.ADMIN)


def _report_or_404(user, pk: int) -> Report:
    """A report the user may see; any other id is a 404, never data."""
    qs = Report.objects.select_related("organization", "meeting", "author", "reviewed_by")
    return get_object_or_404(qs.filter(scope_q(user, "organization")), pk=pk)


#: How long an ended unit stays offered in the entry forms: its last reports (a year's, filed
#: weeks after the year ends) come after it ends. Older history is reached through its page.
ENDED_UNITS_OFFERED_FOR = dt.timedelta(days=400)


def _editable_orgs(user):
    recent = timezone.localdate() - ENDED_UNITS_OFFERED_FOR
    return organizations_in_scope(user, kinds=EDITORS).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=recent))


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
    """Record a meeting and who took part.

    The chair and participants are offered from the people in post at the chosen
    organisation on the meeting's day; "Show the people in post" redraws the form for the
    organisation and day typed, keeping everything else. A number that leaves a gap in its
    series is a warning the user confirms, never a refusal; a number already borne is
    refused (one meeting per number) with the day it was used.
    """
    orgs = _editable_orgs(request.user)
    if not orgs.exists():
        raise PermissionDenied(_("You have no organisation to record meetings for."))
    posted = request.method == "POST"
    source = request.POST if posted else request.GET
    org = orgs.filter(pk=query_int(source.get("organization") or source.get("org"))).first()
    day = _day(source.get("date"))
    posts = people_in_post(org, day) if org and day else []
    refresh = posted and "show_posts" in request.POST
    if refresh:  # redrawn with the new list, nothing saved and no error shown yet
        initial = _initial_from(request.POST, MeetingForm)
        if not initial.get("term") and org and day and (term := term_on(org, day)):
            initial["term"] = term.pk  # the unit's term of that day, a likely choice
        form = MeetingForm(initial=initial, organizations=orgs, posts=posts)
    else:
        form = MeetingForm(request.POST if posted else None, organizations=orgs, posts=posts,
                           initial={"organization": request.GET.get("org"), "date": request.GET.get("date")})
    warnings, ack = [], ""
    if posted and not refresh and form.is_valid():
        data = form.meeting_data()
        warnings, ack = _numbering_warnings(form, data)
        if not warnings or request.POST.get("numbering_ack") == ack:
            try:
                meeting = services.meeting_create(actor=request.user, participants=form.participant_inputs(), **data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("The meeting was recorded. Now enter its report."))
                return redirect(reverse("report-create") + f"?meeting={meeting.pk}")
            warnings = []
    return render(request, "meetings/meeting_form.html", {
        "form": form, "posts_for": (org, day) if org and day else None, "warnings": warnings, "ack": ack,
    })


def _day(value) -> dt.date | None:
    try:
        return MeetingForm.base_fields["date"].to_python(value) if value else None
    except ValidationError:
        return None


def _initial_from(post, form_class) -> dict:
    return {name: post.getlist(name) if isinstance(field, forms.MultipleChoiceField) else post.get(name)
            for name, field in form_class.base_fields.items()}


def _numbering_warnings(form: MeetingForm, data: dict) -> tuple[list[str], str]:
    """Warnings about the number typed, and the key a "save anyway" sends back to confirm them.

    A repeat goes on the number field as an error (the database keeps one meeting per
    number); a gap is a warning, confirmed for that very number only.
    """
    term, sequence = data.get("term"), data.get("sequence")
    if term is None or sequence is None:
        return [], ""
    check = check_sequence(organization=data["organization"], term=term, kind=data["kind"], sequence=sequence)
    if check.taken_by:
        for message in SequenceCheck(gaps=[], taken_by=check.taken_by).warnings:
            form.add_error("sequence", message)
        return [], ""
    ack = f"{data['organization'].pk}-{term.pk}-{data['kind']}-{sequence}"
    return check.warnings, ack


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


def _read_upload(form) -> services.UploadInput | None:
    upload = form.cleaned_data.get("upload")
    if not upload:
        return None
    return services.UploadInput(name=upload.name, data=upload.read())


def report_create(request: HttpRequest) -> HttpResponse:
    if not _editable_orgs(request.user).exists():
        raise PermissionDenied(_("You have no organisation to enter reports for."))
    form = _report_form(request)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("organization", "meeting", "kind", "period_kind", "period_start",
                                                  "period_end", "title", "body")}
        try:
            report = services.report_create(actor=request.user, attachment=_read_upload(form), **data)
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
                  **{k: form.cleaned_data[k] for k in ("kind", "period_kind", "period_start", "period_end", "title",
                                                       "body")}}
        try:
            report = services.report_update(actor=request.user, report_id=report.pk,
                                            expected_version=form.cleaned_data["version"] or 0,
                                            attachment=_read_upload(form), **fields)
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
    return render(request, "meetings/report_form.html", {
        "form": form, "report": report, "conflict": conflict,
        # A browser cannot be given a file back: say so, since the file was not kept.
        "upload_dropped": conflict is not None and bool(request.FILES.get("upload")),
    }, status=status)


def _last_editor(report: Report) -> str:
    event = report.events.select_related("actor").order_by("-id").first()
    if event and event.actor:
        return event.actor.get_full_name() or event.actor.get_username()
    return _("someone")


def _posted_directives(post) -> tuple[list[int], bool]:
    """The directive rows the page sent, in page order; and whether any id was not one."""
    ids: list[int] = []
    bad = False
    for raw in post.getlist("directive"):
        directive_id = parse_id(raw)
        if directive_id is None:
            bad = True
        elif directive_id not in ids:
            ids.append(directive_id)
    return ids, bad


def report_links(request: HttpRequest, pk: int) -> HttpResponse:
    """The linking step: found citations highlighted, links pre-filled, user confirms/removes/adds.

    Nothing the user typed or chose is lost: a page with a bad value comes back as it was
    sent with the value marked, and a page saved from a stale version comes back (409) with
    what is stored now beside it.
    """
    report = _report_or_404(request.user, pk)
    editable = services.can_edit_report(request.user, report)
    if request.method == "GET" and "row" in request.GET:
        return _link_row(request, report, editable)
    conflict = None
    if request.method != "POST":
        rows, unresolved = suggestions_for(report)
        form = LinksForm(rows=rows, version=report.version, editable=editable)
        return _render_links(request, report, form, unresolved, editable)
    if not editable:
        raise PermissionDenied(_("This report cannot be changed now."))
    posted, bad_ids = _posted_directives(request.POST)
    rows, unresolved = suggestions_for(report, added=posted, order=posted)
    form = LinksForm(request.POST, rows=rows, posted=set(posted))
    if bad_ids or set(posted) - {row.directive.pk for row in rows}:
        form.add_error(_("A directive on this page is not in the register any more; it was left out."))
    if form.is_valid():
        try:
            saved = services.report_set_links(actor=request.user, report_id=report.pk,
                                              expected_version=form.expected_version, links=form.links(),
                                              dismissed=form.dismissed())
        except services.ConcurrentEditError as exc:
            conflict = exc.current
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("report-detail", pk=report.pk)
        else:
            n = len(form.links())
            messages.success(request, ngettext("Links saved: %(n)d directive.", "Links saved: %(n)d directives.", n)
                             % {"n": n})
            if "submit" in request.POST:
                return _submit(request, saved, saved.version)
            return redirect("report-links", pk=report.pk)
    if conflict is None:
        return _render_links(request, report, form, unresolved, editable)
    return _links_conflict(request, conflict, posted)


def _links_conflict(request: HttpRequest, current: Report, posted: list[int]) -> HttpResponse:
    """Someone saved the report since the page was drawn: keep everything the user sent, show
    what is stored now beside it, and let the next save knowingly replace it."""
    messages.error(request, _("Not saved: %(who)s saved this report while you were editing it. "
                              "Your choices are still below; compare them with the saved links, then save again.")
                   % {"who": _last_editor(current)})
    rows, unresolved = suggestions_for(current, added=posted, order=posted)
    data = request.POST.copy()
    data["version"] = str(current.version)
    for row in rows:  # positions in the text as it is now, not as it was when the page was drawn
        data[f"link-{row.directive.pk}-spans"] = row.spans_value
    editable = services.can_edit_report(request.user, current)
    form = LinksForm(data, rows=rows, posted=set(posted), editable=editable)
    form.is_valid()
    stored = [row for row in rows if row.existing]
    return _render_links(request, current, form, unresolved, editable, conflict=current, stored=stored, status=409)


def _render_links(request: HttpRequest, report: Report, form: LinksForm, unresolved, editable: bool, *,
                  conflict: Report | None = None, stored=None, status: int = 200) -> HttpResponse:
    spans = [(s, e, row.row.directive.pk, False) for row in form.rows for s, e in row.row.spans]
    spans += [(u.start, u.end, None, True) for u in unresolved]
    summary = form.error_summary() if form.is_bound else []
    return render(request, "meetings/report_links.html", {
        "report": report, "form": form, "unresolved": unresolved, "editable": editable,
        "segments": segments(report.body, spans), "error_summary": summary, "conflict": conflict,
        "stored": stored or [], **registration_context(request.user, report, unresolved),
    }, status=status)


def _link_row(request: HttpRequest, report: Report, editable: bool) -> HttpResponse:
    """One row for a directive the user adds from the search, drawn by the same template as
    the others (with its targets' contribution fields)."""
    directive_id = parse_id(request.GET.get("row"))
    row = added_row(directive_id, report) if editable and directive_id is not None else None
    if row is None:
        raise Http404
    return render(request, "meetings/_link_row.html", {"row": LinkRowForm(row=row), "editable": True})


def _workflow_step(request: HttpRequest, report: Report, step, version: int | None, done: str) -> HttpResponse:
    """Run one workflow service on the version the user saw; a refusal is a message, nothing changed."""
    if version is None:
        messages.error(request, _("Nothing was done: this page is out of date. Read the report again, then decide."))
        return redirect("report-detail", pk=report.pk)
    try:
        step(actor=request.user, report_id=report.pk, expected_version=version)
    except services.ConcurrentEditError as exc:
        messages.error(request, _stale_message(exc.current))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, done)
    return redirect("report-detail", pk=report.pk)


def _submit(request: HttpRequest, report: Report, version: int | None) -> HttpResponse:
    return _workflow_step(request, report, services.report_submit, version,
                          _("Report submitted to the organisation above for review."))


def _stale_message(current: Report) -> str:
    return _("Nothing was done: %(who)s changed the report since you opened it. Read it again, then decide.") % {
        "who": _last_editor(current)}


def _version_from(request: HttpRequest) -> int | None:
    form = WorkflowForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else None


@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit the version the author saw (the page's hidden version)."""
    return _submit(request, _report_or_404(request.user, pk), _version_from(request))


@require_POST
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept the version the leader read (the page's hidden version)."""
    return _workflow_step(request, _report_or_404(request.user, pk), services.report_accept, _version_from(request),
                          _("Report accepted."))


def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Return with a reason the version the leader read: the report page's link carries it."""
    report = _report_or_404(request.user, pk)
    version = parse_id(request.GET.get("version")) if request.method == "GET" else None
    if request.method == "GET" and version is None:
        messages.error(request, _("Open the report and read it before you return it."))
        return redirect("report-detail", pk=report.pk)
    form = ReturnForm(request.POST or None, initial={"version": version})
    if request.method == "POST" and not form.is_valid() and "version" in form.errors:
        messages.error(request, _("Nothing was done: this page is out of date. Read the report again, then decide."))
        return redirect("report-detail", pk=report.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_return(actor=request.user, report_id=report.pk, reason=form.cleaned_data["reason"],
                                   expected_version=form.cleaned_data["version"])
        except services.ConcurrentEditError as exc:
            messages.error(request, _stale_message(exc.current))
            return redirect("report-detail", pk=report.pk)
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
