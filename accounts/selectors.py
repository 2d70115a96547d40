"""Reads of accounts with the scope of the admin who manages them.

An account belongs to the committees where it holds roles. A committee admin sees the
accounts holding a role inside the subtree of their admin roles, and may change one only
when *every* role it holds lies there: an account that also holds a role elsewhere belongs
to another committee too, whose admin has the same claim on it (it is shown read-only, its
roles outside the viewer's part of the tree neither listed nor named). Operators' accounts
(superusers, and any ``is_staff`` account) are for operators alone, in the Django admin; the
system actor that scheduled jobs act as is never listed. Everything here reads the ``Role``
table itself, not the roles a user acts through: a disabled account keeps its roles on
record, which is how its admin finds it to enable it again.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.http import Http404
from django.utils.translation import gettext as _

from organizations.actors import SYSTEM_USERNAME, is_operator
from organizations.models import Organization, Role, RoleKind
from organizations.selectors import scope_paths, scope_q
from organizations.text import search_key

from .models import Account

ADMIN = (RoleKind.ADMIN,)
#: Accounts on a page of the list.
PAGE_SIZE = 25
#: Units offered at once by the unit picker; typing more of the name narrows it.
UNIT_CHOICE_LIMIT = 50


def is_account_manager(user) -> bool:
    """Operators and every user holding an admin role at a unit still in existence."""
    return is_operator(user) or bool(scope_paths(user, ADMIN))


def _inside(paths: list[str] | None, org: Organization) -> bool:
    return paths is None or any(org.path.startswith(p) for p in paths)


def managed_units(actor) -> QuerySet[Organization]:
    """Units where ``actor`` may grant roles: the subtree of their admin roles (all, for operators)."""
    return Organization.objects.filter(scope_q(actor, "", ADMIN))


def unit_choices(actor, query: str = "", selected: Organization | None = None) -> list[Organization]:
    """Units for the picker: those whose name or code matches ``query`` (accents optional),
    the top of the scope first, at most ``UNIT_CHOICE_LIMIT``; the chosen unit is kept."""
    qs = managed_units(actor).filter(Q(valid_to__isnull=True) | Q(pk=getattr(selected, "pk", None)))
    key = search_key(query)
    if key:
        # Every word, in any order ("khoi dan chinh dang" finds "Đảng ủy Khối Dân - Chính - Đảng").
        words = Q()
        for word in key.split():
            words &= Q(search_text__contains=word)
        qs = qs.filter(words | Q(code__iexact=query.strip()))
    units = list(qs.order_by("depth", "path")[:UNIT_CHOICE_LIMIT])
    if selected is not None and all(u.pk != selected.pk for u in units):
        units.insert(0, selected)
    return units


def accounts_in_scope(actor) -> QuerySet:
    """Accounts ``actor`` may see: holding a role inside their admin subtree (operators: all)."""
    users = get_user_model().objects.exclude(username=SYSTEM_USERNAME)
    if is_operator(actor):
        return users
    inside = Role.objects.filter(scope_q(actor, "organization", ADMIN), user=OuterRef("pk"))
    return users.filter(Exists(inside))


def account_search(actor, *, query: str = "", unit: Organization | None = None, active: bool | None = None,
                   page: int | str = 1) -> Page:
    """One page of the accounts in scope, by user name, name or e-mail (accents optional),
    optionally only those holding a role at ``unit`` or below it; each with the roles the
    viewer may see (``visible_roles``) and how many it holds elsewhere (``roles_elsewhere``)."""
    qs = accounts_in_scope(actor)
    key = search_key(query)
    if key:
        words = Q()
        for word in key.split()[:10]:
            words &= Q(account__search_text__contains=word)
        qs = qs.filter(words | Q(username__icontains=query.strip()))
    if unit is not None:
        qs = qs.filter(Exists(Role.objects.filter(user=OuterRef("pk"), organization__path__startswith=unit.path)))
    if active is not None:
        qs = qs.filter(is_active=active)
    inside = scope_q(actor, "roles__organization", ADMIN)
    qs = qs.annotate(roles_total=Count("roles", distinct=True),
                     roles_inside=Count("roles", filter=inside, distinct=True) if inside else Count("roles", distinct=True))
    paginator = Paginator(qs.order_by("username", "pk"), PAGE_SIZE)
    page_obj = paginator.get_page(page)
    users = list(page_obj.object_list)
    visible = Role.objects.filter(scope_q(actor, "organization", ADMIN)).select_related("organization")
    prefetch_related_objects(users, Prefetch("roles", queryset=visible.order_by("organization__path", "kind"),
                                             to_attr="visible_roles"))
    for user in users:
        user.access = _access(actor, user, user.visible_roles, user.roles_total - user.roles_inside)
    page_obj.object_list = users
    return page_obj


@dataclass
class AccountAccess:
    """What ``actor`` may do with one account, and in words why not."""

    visible: bool
    manageable: bool = False
    #: Roles the viewer may see (inside their admin subtree).
    roles: list[Role] = field(default_factory=list)
    roles_elsewhere: int = 0
    #: Why the account is read-only (shown on its page); empty when it is not.
    reason: str = ""

    @property
    def can_revoke(self) -> bool:
        """Revoking a role inside one's own subtree is one's own call even on an account shared
        with another committee — but never on an operator's account, nor one's own."""
        return self.visible and (self.manageable or self.reason == SHARED)


SHARED = "shared"


def account_access(actor, user, roles: list[Role] | None = None) -> AccountAccess:
    """Whether ``actor`` sees and may change ``user``; ``roles`` are the user's roles if
    already read (with their units), else they are read here."""
    if user.username == SYSTEM_USERNAME:
        return AccountAccess(visible=False)
    if roles is None:
        roles = list(Role.objects.filter(user=user).select_related("organization").order_by("organization__path", "kind"))
    paths = None if is_operator(actor) else scope_paths(actor, ADMIN)
    inside = [r for r in roles if _inside(paths, r.organization)]
    return _access(actor, user, inside, len(roles) - len(inside))


def _access(actor, user, inside: list[Role], elsewhere: int) -> AccountAccess:
    if not inside and not is_operator(actor):
        return AccountAccess(visible=False)
    access = AccountAccess(visible=True, roles=inside, roles_elsewhere=elsewhere)
    if user.pk == actor.pk:
        access.reason = "self"
    elif user.is_superuser or user.is_staff:
        access.reason = "operator"
    elif elsewhere:
        access.reason = SHARED
    else:
        access.manageable = True
    return access


#: What a read-only account's page says, by reason.
def reason_text(reason: str) -> str:
    return {
        "self": _("This is your own account: change your password from the menu under your name; "
                  "another administrator manages your roles."),
        "operator": _("This is an operator's account: only operators manage it, in the administration site."),
        SHARED: _("This account also holds roles outside your part of the tree, so it belongs to other "
                  "committees too: you may revoke the roles shown here, and an operator manages the rest."),
    }.get(reason, "")


def account_in_scope_or_404(actor, pk) -> tuple:
    """The account and what ``actor`` may do with it; an account outside their view is a 404."""
    try:
        user = get_user_model().objects.exclude(username=SYSTEM_USERNAME).get(pk=pk)
    except (get_user_model().DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    access = account_access(actor, user)
    if not access.visible:
        raise Http404
    return user, access


def role_of_account_or_404(user, access: AccountAccess, role_pk) -> Role:
    """One of the roles the viewer sees on the account (a role outside their subtree is a 404)."""
    for role in access.roles:
        if str(role.pk) == str(role_pk):
            return role
    raise Http404


def must_change_password(user) -> bool:
    return Account.objects.filter(user=user, must_change_password=True).exists()


def username_taken(username: str) -> bool:
    """User names are compared without case: "NVA" and "nva" would be two people to the eye
    of an admin but one to the login lock-out."""
    return get_user_model().objects.filter(username__iexact=username).exists()
