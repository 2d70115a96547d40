"""Account pages for committee admins (and operators), under /tai-khoan/quan-ly/.

Thin views: reads from ``selectors``, writes through ``services`` (which check the scope
again). The list, the create form and the import are for users holding an admin role (a 403
for others); an account outside the viewer's part of the tree is a 404, like any object
outside a user's scope. A temporary password is shown once, in the answer to the request
that drew it (never stored, never in a redirect's URL; the page is ``no-store`` like every
signed-in page).
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import services
from .forms import (
    AccountCreateForm,
    AccountEditForm,
    AccountFilterForm,
    ImportUploadForm,
    RoleGrantForm,
)
from .middleware import forget_flag
from .passwords import OwnPasswordChangeForm
from .selectors import (
    account_in_scope_or_404,
    account_search,
    is_account_manager,
    must_change_password,
    reason_text,
    role_of_account_or_404,
)
from .spreadsheet import (
    COLUMNS,
    SpreadsheetError,
    check_rows,
    read_upload,
    rows_from_dicts,
    template_workbook,
)

IMPORT_SALT = "accounts.import"
#: How long a checked spreadsheet may wait for its confirmation.
IMPORT_MAX_AGE = 3600


def _require_manager(request: HttpRequest) -> None:
    if not is_account_manager(request.user):
        raise PermissionDenied(_("Only administrators manage accounts."))


def _messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@require_GET
def account_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = AccountFilterForm(request.GET, actor=request.user)
    values = form.values()
    status = values.get("status")
    page = account_search(request.user, query=values.get("q") or "", unit=values.get("unit"),
                          active={"active": True, "disabled": False}.get(status or ""),
                          page=request.GET.get("page", 1))
    return render(request, "accounts/account_list.html", {"form": form, "page_obj": page, "accounts": page.object_list})


@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    if request.method != "POST":
        return render(request, "accounts/account_create.html", {"form": AccountCreateForm(actor=request.user)})
    form = AccountCreateForm(request.POST, actor=request.user)
    if "find_unit" in request.POST:  # the picker's search: back to the form, everything typed kept
        return render(request, "accounts/account_create.html", {"form": form.without_errors(), "searched": True})
    if form.is_valid():
        data = form.cleaned_data
        try:
            user, password = services.account_create(
                actor=request.user, username=data["username"], full_name=data["full_name"], email=data["email"],
                organization=data["organization"], kind=data["kind"])
        except ValidationError as exc:
            _attach(form, exc)
        else:
            return render(request, "accounts/password_issued.html", {
                "account": user, "password": password, "created": True})
    return render(request, "accounts/account_create.html", {"form": form})


def _attach(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@require_GET
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, access = account_in_scope_or_404(request.user, pk)
    return _detail(request, user, access, RoleGrantForm(actor=request.user))


def _detail(request, user, access, grant_form, status: int = 200) -> HttpResponse:
    return render(request, "accounts/account_detail.html", {
        "account": user, "access": access, "note": reason_text(access.reason), "grant_form": grant_form,
        "must_change": must_change_password(user),
    }, status=status)


@require_http_methods(["GET", "POST"])
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user, access = account_in_scope_or_404(request.user, pk)
    if not access.manageable:
        raise PermissionDenied(_("You cannot change this account."))
    if request.method == "POST":
        form = AccountEditForm(request.POST)
        if form.is_valid():
            try:
                services.account_update(actor=request.user, user=user, **form.cleaned_data)
            except ValidationError as exc:
                _attach(form, exc)
            else:
                messages.success(request, _("The account was saved."))
                return redirect("account-detail", pk=user.pk)
    else:
        form = AccountEditForm(initial={"full_name": user.get_full_name(), "email": user.email})
    return render(request, "accounts/account_edit.html", {"account": user, "form": form})


@require_POST
def account_role_grant(request: HttpRequest, pk: int) -> HttpResponse:
    user, access = account_in_scope_or_404(request.user, pk)
    if not access.manageable:
        raise PermissionDenied(_("You cannot change this account."))
    form = RoleGrantForm(request.POST, actor=request.user)
    if "find_unit" in request.POST:
        form.without_errors()
    elif form.is_valid():
        try:
            role = services.account_role_grant(actor=request.user, user=user,
                                               organization=form.cleaned_data["organization"],
                                               kind=form.cleaned_data["kind"])
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Role granted: %(role)s at %(unit)s.")
                             % {"role": role.get_kind_display(), "unit": role.organization})
            return redirect("account-detail", pk=user.pk)
    user, access = account_in_scope_or_404(request.user, pk)
    return _detail(request, user, access, form)


@require_http_methods(["GET", "POST"])
def account_role_revoke(request: HttpRequest, pk: int, role_pk: int) -> HttpResponse:
    user, access = account_in_scope_or_404(request.user, pk)
    role = role_of_account_or_404(user, access, role_pk)
    if not access.can_revoke:
        raise PermissionDenied(_("You cannot change this account."))
    if request.method == "POST":
        try:
            services.account_role_revoke(actor=request.user, role=role)
        except ValidationError as exc:
            messages.error(request, _messages_of(exc))
        else:
            messages.success(request, _("Role revoked: %(role)s at %(unit)s.")
                             % {"role": role.get_kind_display(), "unit": role.organization})
        return redirect("account-detail", pk=user.pk)
    return render(request, "accounts/confirm.html", {
        "account": user, "action": "revoke", "role": role,
        "title": _("Revoke a role"), "button": _("Revoke the role"), "danger": True})


@require_http_methods(["GET", "POST"])
def account_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    user, access = account_in_scope_or_404(request.user, pk)
    if not access.manageable:
        raise PermissionDenied(_("You cannot change this account."))
    if request.method == "POST":
        password = services.account_password_reset(actor=request.user, user=user)
        return render(request, "accounts/password_issued.html", {"account": user, "password": password})
    return render(request, "accounts/confirm.html", {
        "account": user, "action": "reset", "title": _("Reset the password"),
        "button": _("Issue a temporary password"), "danger": False})


def _set_active(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    user, access = account_in_scope_or_404(request.user, pk)
    if not access.manageable:
        raise PermissionDenied(_("You cannot change this account."))
    if request.method == "POST":
        services.account_set_active(actor=request.user, user=user, active=active)
        messages.success(request, _("The account was enabled.") if active else _("The account was disabled."))
        return redirect("account-detail", pk=user.pk)
    return render(request, "accounts/confirm.html", {
        "account": user, "action": "enable" if active else "disable",
        "title": _("Enable the account") if active else _("Disable the account"),
        "button": _("Enable the account") if active else _("Disable the account"), "danger": not active})


@require_http_methods(["GET", "POST"])
def account_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, False)


@require_http_methods(["GET", "POST"])
def account_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, True)


@require_http_methods(["GET", "POST"])
def account_import(request: HttpRequest) -> HttpResponse:
    """Upload → a dry run listing every error by row and column (or the accounts to create) →
    confirm → all created, or none. The checked rows travel back in a signed field, and are
    checked again when confirmed."""
    _require_manager(request)
    context: dict = {"columns": COLUMNS}
    if request.method == "POST" and "payload" in request.POST:
        try:
            items = signing.loads(request.POST["payload"], salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
            rows = rows_from_dicts(items)
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            messages.error(request, _("The checked spreadsheet has expired: upload it again."))
            return redirect("account-import")
        try:
            created = services.account_import(actor=request.user, rows=rows)
        except services.ImportRejected as exc:
            context.update(form=ImportUploadForm(), errors=exc.row_errors, rows=rows)
            return render(request, "accounts/account_import.html", context)
        return render(request, "accounts/import_done.html", {"created": created})
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                rows = read_upload(form.cleaned_data["file"])
            except SpreadsheetError as exc:
                form.add_error("file", str(exc))
            else:
                errors, _resolved = check_rows(request.user, rows)
                context.update(rows=rows, errors=errors, checked=True)
                if not errors:
                    context["payload"] = signing.dumps([r.as_dict() for r in rows], salt=IMPORT_SALT, compress=True)
                    context["preview"] = [(r, *_resolved[r.row]) for r in rows]
    else:
        form = ImportUploadForm()
    context["form"] = form
    return render(request, "accounts/account_import.html", context)


@require_GET
def account_import_template(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    response = HttpResponse(template_workbook(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="mau-tai-khoan.xlsx"'
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """One's own password change; choosing a new password clears a temporary one's flag."""

    form_class = OwnPasswordChangeForm

    def form_valid(self, form):
        response = super().form_valid(form)
        services.own_password_changed(actor=self.request.user)
        forget_flag(self.request)
        return response

