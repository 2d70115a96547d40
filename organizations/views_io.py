"""Import and export of the tree in the browser (admins), under /to-chuc/nhap-xuat/.

Upload a CSV or XLSX file → its dry run (counts, what is created, changed and moved, every
problem by row and column) → apply, which runs as a background job whose progress the page
follows (htmx polling, as the summary documents do). The file stays on the server between
the two steps; applying plans it again there, so nothing the browser sends back is trusted.
Exports are of a unit's subtree inside the admin's scope. Anyone without an admin role gets
a 404, as does an import that is not one's own or a unit outside one's admin subtree.
"""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .actors import is_operator
from .models import ImportStatus, Organization, OrgKind, RoleKind
from .selectors import organization_in_scope_or_404, user_roles
from .services import import_jobs
from .services.tree_io import (
    MAX_BYTES,
    MAX_ROWS,
    ImportFileError,
    export_filename,
    export_organizations,
)
from .services.tree_io.export import CSV_TYPE, FORMATS, XLSX_TYPE
from .services.tree_io.messages import row_message

#: Rows of a dry run's table shown a page.
PAGE_SIZE = 100
TABLES = ("errors", "created", "changed", "moved")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (CSV or XLSX)"),
        help_text=gettext_lazy("At most 5 MB and 20,000 rows. Nothing changes until you have seen the dry run "
                               "and applied it."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx", "class": "form-control"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # An empty file gets the import's own message; a file the upload handler stopped keeping
        # (past ATTACHMENT_MAX_BYTES, see meetings.uploads) arrives empty too, with its ``limit``.
        self.fields["file"].allow_empty_file = True

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if getattr(upload, "limit", None) is None and upload.size == 0:
            raise ValidationError(ImportFileError("empty").message)
        if upload.size > MAX_BYTES or getattr(upload, "limit", None) is not None:
            raise ValidationError(_("The file is larger than %(limit_mb)s MB.") % {"limit_mb": MAX_BYTES // 1024 // 1024})
        return upload


def _admin_roots(user) -> list[Organization]:
    """The units whose subtrees the user administers (the roots of the tree for an operator)."""
    if is_operator(user):
        return list(Organization.objects.filter(depth=1).order_by("path"))
    return [r.organization for r in user_roles(user) if r.kind == RoleKind.ADMIN and r.organization.is_active]


def _require_admin_page(request: HttpRequest) -> list[Organization]:
    roots = _admin_roots(request.user)
    if not roots:
        raise Http404
    return roots


@require_http_methods(["GET", "POST"])
def import_index(request: HttpRequest) -> HttpResponse:
    roots = _require_admin_page(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_jobs.import_upload(actor=request.user, data=upload.read(), filename=upload.name,
                                            remote_addr=request.META.get("REMOTE_ADDR"))
        except ImportFileError as problem:
            form.add_error("file", problem.message)
        except PermissionDenied:
            raise Http404 from None
        else:
            return redirect("organization-import", job.pk)
    recent = import_jobs.recent_imports(request.user)
    return render(request, "organizations/io/index.html", {
        "form": form, "roots": roots, "recent": recent, "columns": _column_help(), "max_rows": MAX_ROWS})


def _column_help() -> list[tuple[str, str]]:
    kinds = ", ".join(f"{value} ({label})" for value, label in OrgKind.choices)
    return [
        ("code", _("The unit's code: it identifies the unit; a code not in the tree yet creates a unit. Required.")),
        ("name", _("Full name. Required.")),
        ("short_name", _("Short name, may be blank.")),
        ("kind", _("Kind of unit, one of: %(kinds)s. Required.") % {"kinds": kinds}),
        ("parent_code", _("Code of the unit directly above, in the tree or in the same file (any row). "
                          "A different parent moves the unit with everything below it.")),
        ("member_count", _("Number of party members, a whole number (blank is 0).")),
        ("valid_from", _("Date the unit started, as 2020-01-31 (may be blank).")),
        ("valid_to", _("Date the unit ended, as 2020-01-31 (blank while it exists).")),
    ]


def _job_or_404(request: HttpRequest, pk: int):
    _require_admin_page(request)
    job = import_jobs.import_for(request.user, pk)
    if job is None:
        raise Http404
    return job


def _kind_label(value: str) -> str:
    return dict(OrgKind.choices).get(value, value)


def _display(field: str, value) -> str:
    if value in (None, ""):
        return "—"
    if field == "kind":
        return str(_kind_label(value))
    if field in ("valid_from", "valid_to"):
        year, month, day = str(value).split("-")
        return f"{day}/{month}/{year}"
    return str(value)


def _rows(job, table: str) -> list:
    report = job.report or {}
    if table == "errors":
        return [{"row": r, "column": c, "message": row_message(code, params)} for r, c, code, params in report.get("errors", [])]
    if table == "created":
        return [{"row": r, "code": code, "name": name, "kind": _kind_label(kind), "parent": parent or "—"}
                for r, code, name, kind, parent in report.get("created", [])]
    if table == "changed":
        return [{"row": r, "code": code, "fields": [(f, _display(f, old), _display(f, new)) for f, old, new in fields]}
                for r, code, fields in report.get("changed", [])]
    return [{"row": r, "code": code, "old": old or "—", "new": new}
            for r, code, old, new in report.get("moved", [])]


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    progress = import_jobs.current_progress(job)
    context = {"job": job, "progress": progress, "counts": (job.report or {}).get("counts", {}),
               "expired": import_jobs.expired(job), "Status": ImportStatus}
    if getattr(request, "htmx", False):
        return render(request, "organizations/io/_status.html", context)
    counts = context["counts"]
    present = [t for t in TABLES if (job.report or {}).get(t)]
    table = request.GET.get("show")
    if table not in present:
        table = present[0] if present else None
    page = None
    if table:
        page = Paginator(_rows(job, table), PAGE_SIZE).get_page(request.GET.get("page"))
    tabs = [(t, counts.get(t if t != "errors" else "errors", 0)) for t in present]
    context.update({"table": table, "page_obj": page, "tabs": tabs})
    return render(request, "organizations/io/detail.html", context)


@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    try:
        import_jobs.import_request_apply(actor=request.user, job=job)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    except PermissionDenied:
        raise Http404 from None
    return redirect("organization-import", job.pk)


@require_GET
def export_download(request: HttpRequest, org_id: int, fmt: str) -> HttpResponse:
    _require_admin_page(request)
    if fmt not in FORMATS:
        raise Http404
    root = organization_in_scope_or_404(request.user, org_id, kinds=[RoleKind.ADMIN])
    try:
        data = export_organizations(request.user, root, fmt)
    except PermissionDenied:
        raise Http404 from None
    response = HttpResponse(data, content_type=CSV_TYPE if fmt == "csv" else XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(root, fmt)}"'
    return response
