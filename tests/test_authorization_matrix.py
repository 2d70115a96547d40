"""The authorization matrix, generated from the URLconf: every URL × every kind of actor ×
objects inside and outside the actor's scope, with GET and POST, against the answer a user
should get — the login page, a 404 (never a page that reveals the object exists), a 403,
or a page showing only what the actor's roles cover.

The URLs come from ``config.urls`` itself, the Django admin's included: a URL that has no
rule here fails ``test_every_url_has_a_rule``, so a new page cannot ship unexamined.

Actors: anonymous; staff, leader and admin of a unit A; the same three at A's sibling B and
at A1, a unit below A; a disabled account holding a role at A; an operator (superuser).
Objects: a cell below A1 (``A1a``: inside A and inside A1), a unit of A beside A1 (``A2``:
inside A, outside A1) and a unit of B (``B1``). Every name, title and narrative of the
world carries its unit's token (``ZQ-B1-QZ``), and no page an actor may open shows a token
of a unit outside what the actor's roles cover (or their ancestors, shown as context).

Each request runs in a savepoint that is rolled back, so cases do not affect each other;
PostgreSQL's per-transaction row counters (``pg_stat_xact_user_tables``) tell whether the
request changed anything. Every GET, and every POST that is refused, must change nothing.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from meetings.models import (
    Attachment,
    ImplementationLink,
    Meeting,
    MeetingKind,
    PeriodKind,
    Report,
    ReportKind,
    ReportStatus,
)
from organizations.models import (
    Organ,
    Organization,
    OrganKind,
    OrgKind,
    Person,
    Position,
    PositionTitle,
    Role,
    RoleKind,
    Term,
)
from resolutions.models import (
    Assignment,
    Directive,
    DocumentStatus,
    Frequency,
    RegistrationRequest,
    SummaryDocument,
    Target,
)
from resolutions.symbols import DirectiveKind

pytestmark = pytest.mark.django_db

PASSWORD = "Matrix-pw-2026"
#: Units of the world: code → (parent code, kind).
UNITS = {
    "ROOT": (None, OrgKind.PROVINCE),
    "A": ("ROOT", OrgKind.BLOC), "B": ("ROOT", OrgKind.DISTRICT),
    "A1": ("A", OrgKind.GRASSROOTS), "A2": ("A", OrgKind.GRASSROOTS), "B1": ("B", OrgKind.GRASSROOTS),
    "A1a": ("A1", OrgKind.CELL), "A1b": ("A1", OrgKind.CELL),
}
#: Where the objects of each case live.
CASES = ("A1a", "A2", "B1")
ROLE_PLACES = ("A", "B", "A1")


def token(code: str) -> str:
    return f"ZQ-{code}-QZ"


# --------------------------------------------------------------------------------------
# Actors
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Actor:
    name: str
    kind: str | None = None  # role kind
    at: str | None = None  # unit code of the role
    active: bool = True
    operator: bool = False

    @property
    def anonymous(self) -> bool:
        return self.name == "anonymous"

    @property
    def signed_in(self) -> bool:
        """Whether requests reach the views as this user (a disabled account does not)."""
        return not self.anonymous and self.active


ACTORS = (
    [Actor("anonymous")]
    + [Actor(f"{kind}_{at}", kind, at) for at in ROLE_PLACES for kind in (RoleKind.STAFF, RoleKind.LEADER, RoleKind.ADMIN)]
    + [Actor("inactive_A", RoleKind.ADMIN, "A", active=False), Actor("operator", operator=True)]
)


def _below(code: str, ancestor: str) -> bool:
    """Whether unit ``code`` is ``ancestor`` or lies below it."""
    while code is not None:
        if code == ancestor:
            return True
        code = UNITS[code][0]
    return False


def covers(actor: Actor, code: str, kinds=(RoleKind.STAFF, RoleKind.LEADER, RoleKind.ADMIN)) -> bool:
    if not actor.signed_in:
        return False
    if actor.operator:
        return True
    return actor.kind in kinds and _below(code, actor.at)


def visible_units(actor: Actor) -> set[str]:
    """Units whose names the actor may see: their scope and its ancestors (as context)."""
    if actor.operator:
        return set(UNITS)
    if not actor.signed_in or actor.kind is None:
        return set()
    seen = {code for code in UNITS if _below(code, actor.at)}
    code = actor.at
    while code is not None:
        seen.add(code)
        code = UNITS[code][0]
    return seen


# --------------------------------------------------------------------------------------
# The world, built once for the module inside a transaction that is rolled back at the end
# --------------------------------------------------------------------------------------
@dataclass
class World:
    orgs: dict[str, Organization]
    users: dict[str, object]
    directive: Directive
    drafts: dict[str, Report]
    submitted: dict[str, Report]
    meetings: dict[str, Meeting]
    attachments: dict[str, Attachment]
    documents: dict[str, SummaryDocument]
    admin_objects: dict[type, object]
    positions: dict[str, Position] = field(default_factory=dict)
    terms: dict[str, Term] = field(default_factory=dict)


def _build_world() -> World:
    User = get_user_model()
    orgs: dict[str, Organization] = {}
    for code, (parent, kind) in UNITS.items():
        org = Organization(code=f"M-{code}", name=f"Đơn vị {token(code)}", kind=kind, member_count=10)
        org.clean()
        orgs[code] = (Organization.objects.add_root(instance=org) if parent is None
                      else Organization.objects.add_child(Organization.objects.get(pk=orgs[parent].pk), instance=org))
    for org in orgs.values():
        org.refresh_from_db()
    users: dict[str, object] = {}
    for actor in ACTORS:
        if actor.anonymous:
            continue
        user = User.objects.create_user(actor.name, password=PASSWORD, is_active=actor.active,
                                        is_superuser=actor.operator, is_staff=actor.operator)
        if actor.kind:
            Role.objects.create(user=user, organization=orgs[actor.at], kind=actor.kind)
        users[actor.name] = user
    organ = Organ.objects.create(key="m-btv", name="Ban Thường vụ", kind=OrganKind.STANDING_COMMITTEE,
                                 organization=orgs["ROOT"], symbol_code="TU")
    term = Term.objects.create(organization=orgs["ROOT"], ordinal=11, start_year=2015, end_year=2020)
    directive = Directive(kind=DirectiveKind.CHI_THI, number="07", issuer=organ, term=term,
                          issue_date=dt.date(2016, 3, 1), title="Về tăng cường kỷ luật")
    directive.full_clean()
    directive.save()
    for code in ("A1", "A2", "B1"):
        Assignment.objects.create(directive=directive, organization=orgs[code], frequency=Frequency.MONTHLY,
                                  start=dt.date(2019, 1, 1), reporter_kind=OrgKind.CELL if code == "A1" else "")
        Target.objects.create(directive=directive, organization=orgs[code], name=f"Chỉ tiêu {token(code)}",
                              unit="đảng viên", value=10)
    drafts, submitted, meetings, attachments, documents = {}, {}, {}, {}, {}
    for code in CASES:
        org = orgs[code]
        author = User.objects.create_user(f"author_{code}", password=PASSWORD)
        Role.objects.create(user=author, organization=org, kind=RoleKind.STAFF)
        meetings[code] = Meeting.objects.create(organization=org, kind=MeetingKind.CELL_REGULAR,
                                                title=f"Họp {token(code)}", date=dt.date(2019, 3, 10),
                                                created_by=author)
        common = dict(organization=org, kind=ReportKind.PERIODIC, period_kind=PeriodKind.MONTH,
                      period_start=dt.date(2019, 3, 1), period_end=dt.date(2019, 3, 31), author=author,
                      body=f"Thực hiện Chỉ thị số 07-CT/TU. {token(code)}")
        drafts[code] = Report.objects.create(title=f"Dự thảo {token(code)}", meeting=meetings[code], **common)
        submitted[code] = Report.objects.create(title=f"Đã nộp {token(code)}", status=ReportStatus.SUBMITTED,
                                                submitted_at=dt.datetime(2019, 4, 2, tzinfo=dt.UTC), **common)
        for report in (drafts[code], submitted[code]):
            ImplementationLink.objects.create(report=report, directive=directive, note=f"Tường thuật {token(code)}")
        RegistrationRequest.objects.create(organization=org, report_id=drafts[code].pk, key=f"zq {code}",
                                           report_title=drafts[code].title, citing_text=f"Kế hoạch số 9-KH/{token(code)}")
        attachment = Attachment(report=drafts[code], original_name=f"{token(code)}.txt", content_type="text/plain",
                                size=5, sha256="0" * 64, uploaded_by=author)
        attachment.file.save(f"matrix-{code}.txt", ContentFile(token(code).encode()), save=False)
        attachment.save()
        attachments[code] = attachment
        doc = SummaryDocument(organization=org, period_kind="month", period_start=dt.date(2019, 3, 1),
                              period_end=dt.date(2019, 3, 31), status=DocumentStatus.DONE, progress=100)
        doc.docx.save(f"matrix-{code}.docx", ContentFile(b"PK docx"), save=False)
        doc.xlsx.save(f"matrix-{code}.xlsx", ContentFile(b"PK xlsx"), save=False)
        doc.save()
        documents[code] = doc
    positions, terms = {}, {}
    for code in CASES:
        person = Person.objects.create(full_name=f"Cán bộ {token(code)}", search_text=f"can bo {token(code).lower()}")
        positions[code] = Position.objects.create(person=person, organization=orgs[code], title=PositionTitle.SECRETARY,
                                                  label=f"Bí thư {token(code)}", start=dt.date(2015, 1, 1))
        terms[code] = Term.objects.create(organization=orgs[code], ordinal=1, start_year=2015, end_year=2020,
                                          name=f"Khóa I {token(code)}")
    from django.contrib import admin

    admin_objects = {model: model.objects.order_by("pk").last() for model in admin.site._registry}
    built = World(orgs, users, directive, drafts, submitted, meetings, attachments, documents, admin_objects,
                  positions, terms)
    # An uploaded tree file of admin_A's, with its dry run (the import pages are its uploader's only).
    from organizations.services.import_jobs import import_upload

    built.import_job = import_upload(actor=users["admin_A"], filename="don-vi.csv",
                                     data="code;name;kind;parent_code\nM-NEW;Chi bộ mới;cell;M-A1\n".encode())
    return built


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            built = _build_world()
            yield built
            transaction.set_rollback(True)
        for doc in built.documents.values():
            for field in (doc.docx, doc.xlsx):
                field.storage.delete(field.name)
        for attachment in built.attachments.values():
            attachment.file.storage.delete(attachment.file.name)


# --------------------------------------------------------------------------------------
# URLs from the URLconf
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Route:
    route: str  # the pattern as written, e.g. "bao-cao/<int:pk>/"
    name: str  # "report-detail", "admin:meetings_report_change", or "admin:?:move" for unnamed ones
    params: tuple[str, ...]

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("quan-tri/")


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            name = p.name or f"?:{getattr(p.callback, '__name__', 'view')}"
            params = tuple(a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route))
            yield Route(route, f"{namespace}:{name}" if namespace else name, params)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


# --------------------------------------------------------------------------------------
# Expected answers
# --------------------------------------------------------------------------------------
LOGIN = "login"  # 302 to the login page
ADMIN_LOGIN = "admin-login"  # 302 to the admin's login page
REDIRECT = "redirect"  # 302 elsewhere (done, or refused with a message on the page it leads to)


@dataclass(frozen=True)
class Expect:
    answers: frozenset  # acceptable statuses (ints) or LOGIN / ADMIN_LOGIN / REDIRECT
    may_change: bool = False  # the request may change the database (an allowed write)
    scoped_html: bool = False  # a 200 page must show no unit outside the actor's view


def ok(*answers, may_change=False, scoped=True) -> Expect:
    return Expect(frozenset(answers), may_change, scoped)


LEAD = (RoleKind.LEADER,)
ADMIN = (RoleKind.ADMIN,)
EDIT = (RoleKind.STAFF, RoleKind.ADMIN)
ALL = (RoleKind.STAFF, RoleKind.LEADER, RoleKind.ADMIN)


def _editor_anywhere(actor: Actor) -> bool:
    return actor.operator or actor.kind in EDIT


def _reviewer(actor: Actor, case: str) -> bool:
    """A leader of the unit above the report's unit (or above that)."""
    return actor.operator or (actor.kind == RoleKind.LEADER and covers(actor, UNITS[case][0], LEAD))


def expect(route: Route, actor: Actor, case: str | None, method: str) -> Expect:
    """What ``actor`` must get from ``method route`` with objects of unit ``case``."""
    name = route.name
    if route.is_admin:
        return _expect_admin(route, actor, method)
    if name == "healthz":
        return ok(200) if method == "GET" else ok(405)
    if name == "login":
        # Signed in: sent home. Otherwise the form, or (posted empty) the form with its errors.
        return ok(REDIRECT) if actor.signed_in else ok(200, scoped=False)
    if name == "logout":  # POST only; either way one ends on the login page
        return ok(405) if method == "GET" and actor.signed_in else ok(LOGIN, may_change=True)
    if name == "set_language":
        return ok(REDIRECT) if method == "POST" else ok(REDIRECT, 405)
    if not actor.signed_in:
        return ok(LOGIN)
    if name == "password_change":  # one's own password: the form, or (posted empty) its errors
        return ok(200)
    if name == "password_change_done":
        return ok(200) if method == "GET" else ok(405)
    if name.startswith("account-"):
        return _expect_account(name, actor, case, method)
    view = ALL
    if name in ("home", "report-list", "organization-list", "directive-list", "directive-search"):
        return ok(200) if method == "GET" else ok(405, 200)
    if name == "directive-detail":
        return ok(200) if method == "GET" else ok(405, 200)
    if name == "figures-glossary":  # definitions only, no figure: every signed-in user
        return ok(200, scoped=False) if method == "GET" else ok(405)
    if name == "search":  # every signed-in user; the hits are only those of the actor's scope
        return ok(200) if method == "GET" else ok(405)
    if name == "search-legacy":  # /search/ → /tim-kiem/ (301), the query kept
        return ok(REDIRECT) if method == "GET" else ok(405)
    if name in ("organization-detail", "organization-people", "person-detail"):
        return _in_scope(actor, case, view, method)
    if name in ("organization-people-add", "organization-terms", "position-edit", "term-edit"):
        # Any role in scope reads; only admins in scope change (a form posted empty: its errors).
        if not covers(actor, case, view):
            return ok(404, 405) if method == "POST" else ok(404)
        if not covers(actor, case, (RoleKind.ADMIN,)):
            return ok(200) if method == "GET" and name == "organization-terms" else ok(403)
        return ok(200)
    if name in ("organization-merge", "organization-split"):  # admins of the unit's subtree; a post
        # without the form's fields is the form again with its errors, and nothing changes
        return ok(200) if covers(actor, case, (RoleKind.ADMIN,)) else ok(404)
    if name in ("report-detail", "meeting-detail"):
        return _in_scope(actor, case, view, method)
    if name == "attachment-download":
        if method != "GET":
            return ok(405) if covers(actor, case, view) else ok(404, 405)
        return ok(200, scoped=False) if covers(actor, case, view) else ok(404)
    if name in ("report-create", "meeting-create"):
        if not _editor_anywhere(actor):
            return ok(403)
        return ok(200) if method == "GET" else ok(200, may_change=False)
    if name == "report-edit":
        if not covers(actor, case, view):
            return ok(404)
        if covers(actor, case, EDIT):
            return ok(200) if method == "GET" else ok(REDIRECT, may_change=True)  # saved, on to the links
        return ok(REDIRECT)  # a leader is sent to the report with a message
    if name == "report-links":
        if not covers(actor, case, view):
            return ok(404)
        if method == "GET":
            return ok(200)
        return ok(200, 409, REDIRECT, may_change=True) if covers(actor, case, EDIT) else ok(403)
    if name == "report-submit":
        if method == "GET":
            return ok(405)
        if not covers(actor, case, view):
            return ok(404)
        return ok(REDIRECT, may_change=covers(actor, case, EDIT))
    if name in ("report-accept", "report-return"):
        if method == "GET" and name == "report-accept":
            return ok(405)
        if not covers(actor, case, view):
            return ok(404)
        if name == "report-return" and method == "GET":
            return ok(200, REDIRECT)  # the form, or back to the report with why one may not return it
        return ok(REDIRECT, 200, may_change=_reviewer(actor, case))
    if name == "dashboard":
        if method == "POST":
            return ok(405)
        if not (actor.operator or actor.kind == RoleKind.LEADER):
            return ok(403)
        return ok(200) if method == "GET" else ok(405)
    if name in ("dashboard-org", "dashboard-directive", "dashboard-matrix", "summary-overview", "summary-missing"):
        if not covers(actor, case, LEAD):
            return ok(404, 405) if method == "POST" else ok(404)
        return ok(200) if method == "GET" else ok(405)
    if name == "dashboard-plain":
        if not actor.operator:
            return ok(404, 405) if method == "POST" else ok(404)
        return ok(200, scoped=False) if method == "GET" else ok(405)
    if name == "summary-document-request":
        if method == "GET":
            return ok(405)
        return ok(REDIRECT, 200, may_change=True) if covers(actor, case, LEAD) else ok(404)
    if name in ("summary-document", "summary-document-download"):
        if not covers(actor, case, LEAD):
            return ok(404, 405) if method == "POST" else ok(404)
        return ok(200, scoped=name == "summary-document") if method == "GET" else ok(405)
    if name == "organization-io":  # import and export: admins of any unit, operators; a 404 for the rest
        if not (actor.operator or actor.kind == RoleKind.ADMIN):
            return ok(404)
        return ok(200)  # the page, or (posted without a file) the form with its error
    if name == "organization-export":  # a file of a subtree inside the admin's scope
        if method == "POST":
            return ok(405)
        return ok(200, scoped=False) if covers(actor, case, (RoleKind.ADMIN,)) else ok(404)
    if name in ("organization-import", "organization-import-apply"):  # the uploader's own file only
        owner = actor.name == "admin_A"
        if (name == "organization-import") == (method == "POST"):
            return ok(405)
        if name == "organization-import":
            return ok(200) if owner else ok(404)
        return ok(REDIRECT, may_change=True) if owner else ok(404)
    if name == "organization-workspace":  # admins and operators; anyone else the product's 403
        if method == "POST":
            return ok(405)
        return ok(200) if actor.operator or actor.kind == RoleKind.ADMIN else ok(403)
    if name == "organization-workspace-children":
        if not covers(actor, case, ADMIN):
            return ok(404, 405) if method == "POST" else ok(404)
        return ok(200) if method == "GET" else ok(405)
    if name in ("organization-workspace-create", "organization-workspace-edit", "organization-workspace-move",
                "organization-workspace-close"):
        if not covers(actor, case, ADMIN):
            return ok(404)
        return ok(200)  # the form; posted empty, the form again with what is missing (nothing changed)
    register = _expect_register(name, actor, case, method)
    if register is not None:
        return register
    raise LookupError(f"no rule for {name} ({route.route})")


ADMIN_ROLE = (RoleKind.ADMIN,)


def _expect_account(name: str, actor: Actor, case: str | None, method: str) -> Expect:
    """The account pages: the list, creation and import for admins (and operators), 403 for
    others; one account (``author_<case>``, staff at the case's unit) for the admins whose
    subtree holds its role, 404 for everyone else."""
    manager = actor.operator or actor.kind == RoleKind.ADMIN
    if name in ("account-list", "account-import-template"):
        if method == "POST":
            return ok(405)
        return ok(200, scoped=name == "account-list") if manager else ok(403)
    if name in ("account-create", "account-import"):
        return ok(200) if manager else ok(403)  # POSTed empty: the form with its errors, nothing created
    if name == "account-detail":
        if method == "POST":
            return ok(405)
        return ok(200) if covers(actor, case, ADMIN_ROLE) else ok(404)
    if name == "account-role-grant":
        if method == "GET":
            return ok(405)
        return ok(200) if covers(actor, case, ADMIN_ROLE) else ok(404)  # no unit chosen: the page with why
    if not covers(actor, case, ADMIN_ROLE):
        return ok(404)
    if method == "GET":  # the confirmation page, or the edit form
        return ok(200)
    if name == "account-edit":
        return ok(200)  # posted empty: the form with its errors
    if name == "account-role-revoke":
        return ok(REDIRECT)  # the author's only role: refused with a message, nothing changed
    if name == "account-password-reset":
        return ok(200, may_change=True)  # the page showing the temporary password once
    return ok(REDIRECT, may_change=True)  # disabled or enabled


#: Where the objects of the register pages of each case live: a case's target and assignment
#: are at the case's unit, but for the cell A1a, which has none: its grassroots unit A1's.
REGISTER_UNIT = {"A1a": "A1", "A2": "A2", "B1": "B1"}


def _expect_register(name: str, actor: Actor, case: str | None, method: str) -> Expect | None:
    """Committee admins' register pages: an admin role anywhere opens the shared ones (others:
    403); a document, assignment, target or request outside the admin's subtree is a 404."""
    admin = actor.operator or actor.kind == RoleKind.ADMIN
    if name in ("register-home", "registration-requests"):
        if method == "POST":
            return ok(405)
        return ok(200) if admin else ok(403)
    if name in ("directive-register", "assignment-create", "target-create"):
        return ok(200) if admin else ok(403)  # a form posted empty comes back with its errors
    if name == "directive-edit":  # the world's document is issued at ROOT: operators' alone here
        return ok(200) if actor.operator else ok(404)
    if name in ("assignment-end", "target-edit"):
        return ok(200) if covers(actor, REGISTER_UNIT[case], (RoleKind.ADMIN,)) else ok(404)
    if name == "registration-request":
        return ok(200) if covers(actor, case, (RoleKind.ADMIN,)) else ok(404)
    if name == "report-registration-request":
        if method == "GET":
            return ok(405)
        if not covers(actor, case):
            return ok(404)
        return ok(REDIRECT, may_change=True) if covers(actor, case, EDIT) else ok(403)
    return None


def _in_scope(actor, case, kinds, method) -> Expect:
    if not covers(actor, case, kinds):
        return ok(404, 405) if method == "POST" else ok(404)
    return ok(200) if method == "GET" else ok(200, 405)


#: Admin views that answer before the operator check (they are how one signs in or out).
ADMIN_PUBLIC = {"admin:login", "admin:logout"}


def _expect_admin(route: Route, actor: Actor, method: str) -> Expect:
    if route.name in ADMIN_PUBLIC:
        if route.name == "admin:logout":  # harmless whoever asks: one ends signed out, or where one was
            return ok(405, REDIRECT, LOGIN, ADMIN_LOGIN, may_change=True, scoped=False)
        if route.name == "admin:login" and actor.operator:
            return ok(REDIRECT, 200, scoped=False)
        return ok(200, REDIRECT, scoped=False)
    if not actor.signed_in:
        return ok(LOGIN, ADMIN_LOGIN)
    if route.name == "admin:javascript-catalog":  # the tree's translated words, for any signed-in page
        return ok(200, scoped=False) if method == "GET" else ok(405)
    if not actor.operator:
        return ok(ADMIN_LOGIN)
    # The operator sees everything; read-only models refuse writes with a 403, a form posted
    # empty comes back with its errors, a missing object is a 404 or a redirect to the index.
    if method == "GET":
        return ok(200, 403, 404, 405, REDIRECT, scoped=False)
    return ok(200, 400, 403, 404, 405, REDIRECT, scoped=False)


# --------------------------------------------------------------------------------------
# Running a request
# --------------------------------------------------------------------------------------
IGNORED_TABLES = ("django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog")


def row_changes() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables "
                       "WHERE relname <> ALL(%s)", [list(IGNORED_TABLES)])
        return int(cursor.fetchone()[0])


def build_url(route: Route, world: World, case: str | None) -> str:
    """Fill the route's parameters with the objects of ``case``."""
    values: dict[str, str] = {}
    for param in route.params:
        values[param] = _param_value(route, param, world, case)
    url = "/" + route.route
    for param, value in values.items():
        url = re.sub(rf"<(?:\w+:)?{param}>", value, url)
    if route.route.startswith("quan-tri/^"):  # the admin's app index
        url = "/quan-tri/" + values.get("app_label", "meetings") + "/"
    elif "(?P<url>" in url:
        url = "/quan-tri/khong-co-trang-nay/"
    if route.name == "search":  # a query every unit's token matches: the page lists hits of all kinds
        url += "?q=zq"
    if route.name == "report-return" and case:  # the report page's link carries the version shown
        url += f"?version={world.submitted[case].version}"
    return url


def _param_value(route: Route, param: str, world: World, case: str | None) -> str:
    name = route.name
    if param == "app_label":
        return "meetings"
    if param == "url":
        return "khong-co-trang-nay/"
    if param == "fmt":
        return "csv" if route.name == "organization-export" else "docx"
    if param == "directive_id":
        return str(world.directive.pk)
    if param in ("org_id", "parent_id"):
        return str(world.orgs[case or "A1a"].pk)
    if param == "content_type_id":
        from django.contrib.contenttypes.models import ContentType

        return str(ContentType.objects.get_for_model(Organization).pk)
    if param == "object_id" or (param == "id" and route.is_admin):
        model = _admin_model(route)
        if model is None:
            return str(world.orgs[case or "A1a"].pk)
        obj = world.admin_objects.get(model)
        if model is get_user_model():
            obj = world.users["staff_A"]
        return str(obj.pk) if obj is not None else "999999"
    if name in ("organization-import", "organization-import-apply"):
        return str(world.import_job.pk)
    code = case or "A1a"
    if name.startswith("account-"):
        author = get_user_model().objects.get(username=f"author_{code}")
        return str(author.pk) if param == "pk" else str(Role.objects.get(user=author).pk)
    if name in ("report-accept", "report-return"):
        return str(world.submitted[code].pk)
    if name.startswith("report-"):
        return str(world.drafts[code].pk)
    if name == "meeting-detail":
        return str(world.meetings[code].pk)
    if name == "attachment-download":
        return str(world.attachments[code].pk)
    if name.startswith("summary-document"):
        return str(world.documents[code].pk)
    if name in ("organization-detail", "organization-people", "organization-people-add", "organization-terms",
                "organization-merge", "organization-split") or name.startswith("organization-workspace"):
        return str(world.orgs[code].pk)
    if name == "person-detail":
        return str(world.positions[code].person_id)
    if name == "position-edit":
        return str(world.positions[code].pk)
    if name == "term-edit":
        return str(world.terms[code].pk)
    if name in ("directive-detail", "directive-edit", "assignment-create", "target-create"):
        return str(world.directive.pk)
    if name == "assignment-end":
        return str(Assignment.objects.get(directive=world.directive, organization=world.orgs[REGISTER_UNIT[code]]).pk)
    if name == "target-edit":
        return str(Target.objects.get(directive=world.directive, organization=world.orgs[REGISTER_UNIT[code]]).pk)
    if name == "registration-request":
        return str(RegistrationRequest.objects.get(organization=world.orgs[code]).pk)
    raise LookupError(f"no value for <{param}> of {name}")


def _admin_model(route: Route):
    from django.apps import apps

    parts = route.route.split("/")
    if len(parts) > 2 and parts[1] and parts[2]:
        try:
            return apps.get_model(parts[1], parts[2])
        except (LookupError, ValueError):
            return None
    return None


def post_data(route: Route, world: World, case: str | None) -> dict:
    """What a page's form would send: enough to reach the view's checks, with current versions."""
    if route.name == "report-edit":  # a valid edit of the title, everything else as stored
        report = world.drafts[case]
        return {"version": report.version, "organization": report.organization_id, "meeting": report.meeting_id,
                "kind": report.kind, "period_kind": report.period_kind,
                "period_start": report.period_start.strftime("%d/%m/%Y"),
                "period_end": report.period_end.strftime("%d/%m/%Y"),
                "title": report.title + " (sửa)", "body": report.body}
    if route.name in ("report-accept", "report-return", "report-submit", "report-links"):
        report = world.submitted[case] if route.name in ("report-accept", "report-return") else world.drafts[case]
        return {"version": report.version, "expected_version": report.version, "reason": "Chưa đạt yêu cầu",
                "directive": [str(world.directive.pk)], f"link-{world.directive.pk}-keep": "on",
                f"link-{world.directive.pk}-assessment": "in_progress"}
    if route.name == "summary-document-request":
        return {"period": "2019-03"}
    if route.name == "set_language":
        return {"language": "vi", "next": "/"}
    return {}


def cases_for(route: Route) -> tuple:
    """Units whose objects a route is tried with (routes about one shared object: just it)."""
    if route.name in ("directive-detail", "directive-edit", "assignment-create", "target-create",
                      "organization-import", "organization-import-apply") or (
            route.is_admin and route.name != "admin:?:children_view"):
        return (None,)
    return CASES if route.params else (None,)


ALL_ROUTES = all_routes()


def test_every_url_has_a_rule():
    """A URL added to the URLconf without a rule here fails: every page is examined."""
    missing = []
    for route in ALL_ROUTES:
        try:
            for actor in ACTORS:
                for case in cases_for(route):
                    expect(route, actor, case, "GET")
        except LookupError as exc:
            missing.append(str(exc))
    assert missing == []


@pytest.mark.parametrize("route", ALL_ROUTES, ids=[r.route for r in ALL_ROUTES])
def test_authorization_matrix(route, world, record_property):
    if connection.vendor != "postgresql":
        pytest.skip("the matrix reads PostgreSQL's per-transaction row counters")
    failures: list[str] = []
    tried = Counter()
    clients = {}
    for actor in ACTORS:
        client = Client()
        if not actor.anonymous:
            client.force_login(world.users[actor.name])
        clients[actor.name] = client
    for actor in ACTORS:
        client = clients[actor.name]
        for case in cases_for(route):
            url = build_url(route, world, case)
            for method in ("GET", "POST"):
                want = expect(route, actor, case, method)
                data = post_data(route, world, case) if method == "POST" else None
                with transaction.atomic():
                    before = row_changes()
                    response = client.get(url) if method == "GET" else client.post(url, data)
                    changed = row_changes() != before
                    transaction.set_rollback(True)
                tried[method] += 1
                got = _answer(response)
                where = f"{method} {url} as {actor.name}" + (f" ({case})" if case else "")
                if got not in want.answers:
                    failures.append(f"{where}: got {got}, want one of {sorted(map(str, want.answers))}")
                if changed and not (want.may_change and got not in (403, 404, 405, LOGIN, ADMIN_LOGIN)):
                    failures.append(f"{where}: answered {got} but changed the database")
                if got == 200 and want.scoped_html and response.get("Content-Type", "").startswith("text/html"):
                    leaked = _leaked_tokens(response.content.decode(), actor)
                    if leaked:
                        failures.append(f"{where}: shows units outside the actor's scope: {leaked}")
    record_property("requests", sum(tried.values()))
    assert failures == [], "\n".join(failures[:40]) + (f"\n… {len(failures) - 40} more" if len(failures) > 40 else "")


def _answer(response):
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        if "/quan-tri/login/" in location:
            return ADMIN_LOGIN
        if location.startswith("/dang-nhap/") or "/dang-nhap/?" in location:
            return LOGIN
        return REDIRECT
    return response.status_code


def _leaked_tokens(html: str, actor: Actor) -> list[str]:
    allowed = visible_units(actor)
    return sorted(code for code in UNITS if code not in allowed and token(code) in html)
