"""Writes to accounts, by committee admins and operators.

Every function is keyword-only and atomic, takes the acting user and checks, before it
touches anything, that the account is one ``actor`` may change (``selectors.account_access``:
every role it holds lies inside the subtree of the actor's admin roles; never an operator's
account, never one's own). Roles themselves go through ``organizations.services`` (which
checks the unit's scope and refuses self-grants).

Passwords: an admin never chooses one. Creating an account or resetting its password draws a
temporary password, returned once so the page can show it to the admin who hands it over,
and sets ``Account.must_change_password``, which sends the user to the password-change page
at their next login. Chosen over Django's reset link: the committees run on closed networks
where e-mail often does not reach, a link is long to read out over the telephone, and the
temporary password needs no extra page reachable without login. Only the hash is stored, and
the audit trail masks even that (``config/audit.py``). Enabling an account or resetting its
password also lifts a login lock-out on its user name (django-axes' ``reset``), else the user
handed a new password could still be refused for the rest of the lock-out.
"""
from __future__ import annotations

import secrets

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from organizations.models import Organization, Role, RoleKind
from organizations.services import _require_admin, role_grant, role_revoke
from organizations.text import clean_line

from .models import Account
from .selectors import account_access, username_taken

#: Letters and digits that cannot be mistaken for one another when read aloud or copied by hand.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def temporary_password() -> str:
    """Three groups of four characters (about 69 bits): easy to read out, hard to guess."""
    groups = ["".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3)]
    return "-".join(groups)


def _require_manageable(actor, user) -> None:
    access = account_access(actor, user)
    if not access.manageable:
        raise PermissionDenied(_("You cannot change this account."))


def _lock_user(user):
    return get_user_model().objects.select_for_update().get(pk=user.pk)


def _set_temporary_password(user, *, save: bool = True) -> str:
    password = temporary_password()
    user.set_password(password)
    if save:
        user.save(update_fields=["password"])
    return password


def _require_password_change(user) -> None:
    account, _created = Account.objects.get_or_create(user=user)
    if not account.must_change_password:
        account.must_change_password = True
        account.save(update_fields=["must_change_password"])


def _clean_account_fields(username: str | None, full_name: str, email: str) -> dict:
    out = {"first_name": clean_line(full_name), "last_name": "", "email": clean_line(email).lower()}
    if username is not None:
        out["username"] = clean_line(username)
    return out


@transaction.atomic
def account_create(*, actor, username: str, full_name: str, email: str = "", organization: Organization,
                   kind: str) -> tuple:
    """A new account with its first role at ``organization`` (inside the actor's admin subtree,
    so that someone can see the account at all); returns it with its temporary password."""
    _require_admin(actor, organization)
    if kind not in RoleKind.values:
        raise ValidationError({"kind": _("Choose a role.")})
    fields = _clean_account_fields(username, full_name, email)
    if not fields["first_name"]:
        raise ValidationError({"full_name": _("Enter the person's full name.")})
    if username_taken(fields["username"]):
        raise ValidationError({"username": _("This user name is already taken.")})
    user = get_user_model()(is_active=True, is_staff=False, is_superuser=False, **fields)
    password = _set_temporary_password(user, save=False)
    user.full_clean()
    user.save()
    _require_password_change(user)
    role_grant(actor=actor, user=user, organization=organization, kind=kind)
    return user, password


@transaction.atomic
def account_update(*, actor, user, full_name: str, email: str = ""):
    """Change the name and e-mail of an account (its user name stays: it is how one logs in)."""
    user = _lock_user(user)
    _require_manageable(actor, user)
    fields = _clean_account_fields(None, full_name, email)
    if not fields["first_name"]:
        raise ValidationError({"full_name": _("Enter the person's full name.")})
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(fields))
    return user


@transaction.atomic
def account_role_grant(*, actor, user, organization: Organization, kind: str) -> Role:
    """Grant a role on an account the actor manages, at a unit of their subtree."""
    user = _lock_user(user)
    _require_admin(actor, organization)
    _require_manageable(actor, user)
    if kind not in RoleKind.values:
        raise ValidationError({"kind": _("Choose a role.")})
    return role_grant(actor=actor, user=user, organization=organization, kind=kind)


@transaction.atomic
def account_role_revoke(*, actor, role: Role) -> None:
    """Revoke a role inside the actor's subtree — never an account's last one: an account with
    no role is seen by no committee (disable it instead, which keeps its history readable)."""
    user = _lock_user(role.user)
    role = Role.objects.select_related("organization").get(pk=role.pk)
    access = account_access(actor, user)
    if not access.can_revoke or all(r.pk != role.pk for r in access.roles):
        raise PermissionDenied(_("You cannot change this account."))
    if Role.objects.filter(user=user).count() <= 1:
        raise ValidationError(_("This is the account's only role: disable the account instead of revoking it."))
    role_revoke(actor=actor, role=role)


@transaction.atomic
def account_password_reset(*, actor, user) -> str:
    """A new temporary password (returned to show once); the user must change it at next login."""
    user = _lock_user(user)
    _require_manageable(actor, user)
    password = _set_temporary_password(user)
    _require_password_change(user)
    axes_reset(username=user.username)
    return password


@transaction.atomic
def account_set_active(*, actor, user, active: bool):
    """Disable an account (it keeps its roles on record but acts through none, and cannot log
    in) or enable it again (any login lock-out on its user name lifted)."""
    user = _lock_user(user)
    _require_manageable(actor, user)
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
    if active:
        axes_reset(username=user.username)
    return user


@transaction.atomic
def own_password_changed(*, actor) -> None:
    """The user chose their own password: the temporary one's flag is cleared."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    # Saved, not ``update()``d: the change belongs on the audit trail like any other.
    for account in Account.objects.select_for_update().filter(user=actor, must_change_password=True):
        account.must_change_password = False
        account.save(update_fields=["must_change_password"])


class ImportRejected(ValidationError):
    """The spreadsheet has errors: nothing was created. ``row_errors`` lists them all."""

    def __init__(self, row_errors) -> None:
        super().__init__(_("The spreadsheet has errors: no account was created."))
        self.row_errors = row_errors


@transaction.atomic
def account_import(*, actor, rows) -> list[tuple]:
    """Create every account of a checked spreadsheet, or none: the rows are checked again here
    (a user name may have been taken since the dry run), and any error rolls everything back.
    Returns ``(user, temporary password)`` for each row, in the file's order."""
    from .selectors import is_account_manager
    from .spreadsheet import check_rows

    if not is_account_manager(actor):
        raise PermissionDenied(_("Only administrators can do this."))
    errors, resolved = check_rows(actor, rows)
    if errors:
        raise ImportRejected(errors)
    from .spreadsheet import RowError

    created = []
    for row in rows:
        unit, kind = resolved[row.row]
        try:
            created.append(account_create(actor=actor, username=row.username, full_name=row.full_name,
                                          email=row.email, organization=unit, kind=kind))
        except (ValidationError, PermissionDenied) as exc:
            # Leaving the block undoes the rows already created: all or nothing.
            message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise ImportRejected([RowError(row.row, "", message)]) from exc
    return created
