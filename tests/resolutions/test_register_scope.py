"""The register in scope: a committee admin keeps their committees' documents in the product's
own pages, assigns any document to their units, sets targets, and answers the registration
requests staff send from reports — and reaches nothing outside their subtree.

On the demo: ``quantri.hcm`` administers Thành ủy TP. Hồ Chí Minh (whose Ban Thường vụ issues
-KH/TU documents); Trung ương's and Hà Nội's documents are read-only to them.
"""
from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from organizations.models import Organ, Organization, RoleKind
from resolutions import services, services_register
from resolutions.models import (
    Assignment,
    Directive,
    Frequency,
    RegistrationRequest,
    RequestStatus,
    Target,
)
from tests.demo import load_demo
from tests.factories import ReportFactory, grant

pytestmark = pytest.mark.django_db

CITING = "Kế hoạch số 245-KH/TU ngày 05/3/2019 của Ban Thường vụ Thành ủy"
BODY = f"Đảng bộ Sở đã quán triệt {CITING} về công tác dân vận và Chỉ thị số 05-CT/TW của Bộ Chính trị."


@pytest.fixture
def demo(db):
    load_demo()
    User = get_user_model()
    return {name: User.objects.get(username=name) for name in ("quantri.hcm", "canbo.sotnmt", "canbo.hn", "canbo.khoi")}


def org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def directive(symbol: str, year: int | None = None) -> Directive:
    qs = Directive.objects.filter(symbol=symbol)
    return qs.get(issue_date__year=year) if year else qs.get()


def register_form(**values) -> dict:
    data = {"issuer": Organ.objects.get(key="hcm-btv").pk, "kind": "KH", "number": "", "symbol_printed": "200-KH/TU",
            "issue_date": "10/03/2019", "year": "", "term": "", "plenum": "", "title": "Về công tác dân vận năm 2019",
            "status": "in_force", "note": ""}
    data.update(values)
    return data


@pytest.fixture
def admin_client(client, demo):
    client.force_login(demo["quantri.hcm"])
    return client


def test_an_hcm_admin_registers_a_tu_document_and_it_is_on_the_audit_trail(admin_client, demo):
    page = admin_client.get(reverse("directive-register"))
    assert page.status_code == 200
    issuers = page.context["form"].fields["issuer"].queryset
    assert set(issuers.values_list("key", flat=True)) == {"hcm-tu", "hcm-btv", "hcm-dh", "kdcd-duk", "kdcd-dh"}
    response = admin_client.post(reverse("directive-register"), register_form(term=5))
    saved = Directive.objects.get(symbol="200-KH/TU")
    assert response.status_code == 302 and response["Location"] == reverse("directive-detail", args=[saved.pk])
    assert saved.number == "200" and saved.year == 2019 and saved.issue_date == dt.date(2019, 3, 10)
    entry = LogEntry.objects.get_for_object(saved).get(action=LogEntry.Action.CREATE)
    assert entry.actor == demo["quantri.hcm"]
    detail = admin_client.get(reverse("directive-detail", args=[saved.pk])).content.decode()
    assert reverse("directive-edit", args=[saved.pk]) in detail
    edit = admin_client.post(reverse("directive-edit", args=[saved.pk]),
                             register_form(title="Về công tác dân vận năm 2019 (sửa)"))
    assert edit.status_code == 302
    assert Directive.objects.get(pk=saved.pk).title.endswith("(sửa)")


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"symbol_printed": "156-KH/TU", "issue_date": "17/10/2017"}, "number",
     "156-KH/TU of this year is already registered: Kế hoạch 156-KH/TU"),
    ({"issue_date": "31/02/2019"}, "issue_date", "Enter a date as dd/mm/yyyy"),
    ({"issue_date": "10/03/2099"}, "issue_date", "The issue date is in the future."),
    ({"symbol_printed": "200-CT/TU"}, "kind", "The symbol's type code CT does not match the kind Kế hoạch."),
    ({"symbol_printed": "200-KH/TW"}, "symbol_printed", "The symbol's issuer code TW is not the issuer's (TU)."),
    ({"symbol_printed": "hai trăm"}, "symbol_printed", "This is not a document symbol in the usual form"),
    ({"number": "201"}, "number", "The symbol says number 200, not 201."),
    ({"term": "5", "issue_date": "10/03/2021"}, "issue_date", "The issue date lies outside the term."),
])
def test_a_bad_registration_is_refused_with_its_reason_and_nothing_typed_is_lost(admin_client, values, field, message):
    before = Directive.objects.count()
    response = admin_client.post(reverse("directive-register"), register_form(**values))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors, response.context["form"].errors
    html = response.content.decode()
    assert "Về công tác dân vận năm 2019" in html  # the title typed is still in the form
    assert Directive.objects.count() == before


def test_central_and_other_provinces_documents_are_read_only_to_the_hcm_admin(admin_client, demo):
    central, hanoi = directive("05-CT/TW"), directive("07-CTr/TU")
    for doc in (central, hanoi):
        assert admin_client.get(reverse("directive-edit", args=[doc.pk])).status_code == 404
        assert admin_client.post(reverse("directive-edit", args=[doc.pk]), register_form()).status_code == 404
        page = admin_client.get(reverse("directive-detail", args=[doc.pk])).content.decode()
        assert "read-only to you" in page and reverse("directive-edit", args=[doc.pk]) not in page
    assert Directive.objects.get(pk=central.pk).title != "Về công tác dân vận năm 2019"
    # The issuer list offers no central organ; posting one anyway is refused by the form…
    response = admin_client.post(reverse("directive-register"),
                                 register_form(issuer=Organ.objects.get(key="tw-bct").pk, symbol_printed="99-CT/TW"))
    assert "issuer" in response.context["form"].errors
    # …and by the service.
    central.title = "Sửa trái phép"
    with pytest.raises(PermissionDenied):
        services_register.directive_register(actor=demo["quantri.hcm"], directive=central)


def test_an_admin_assigns_a_central_document_inside_their_subtree_only_and_ends_it(admin_client, demo):
    central = directive("05-CT/TW")
    form = {"organization": org("HCM-KDCD").pk, "reporter_kind": "grassroots", "frequency": "quarter",
            "start": "01/01/2020", "end": "", "due_days": "10"}
    response = admin_client.post(reverse("assignment-create", args=[central.pk]), form)
    assert response.status_code == 302, response.context["form"].errors
    assignment = Assignment.objects.get(directive=central, organization=org("HCM-KDCD"), start=dt.date(2020, 1, 1))
    assert (assignment.frequency, assignment.reporter_kind, assignment.due_days) == (Frequency.QUARTERLY, "grassroots", 10)
    # Hà Nội's units are not offered, and a forged post is refused.
    page = admin_client.get(reverse("assignment-create", args=[central.pk]))
    assert not page.context["form"].fields["organization"].queryset.filter(code__startswith="HN").exists()
    forged = admin_client.post(reverse("assignment-create", args=[central.pk]), form | {"organization": org("HN-KCQ").pk})
    assert forged.status_code == 200 and "organization" in forged.context["form"].errors
    with pytest.raises(PermissionDenied):
        services.assignment_save(actor=demo["quantri.hcm"], assignment=Assignment(
            directive=central, organization=org("HN-KCQ"), frequency=Frequency.MONTHLY, start=dt.date(2020, 1, 1)))
    assert not Assignment.objects.filter(directive=central, organization__code="HN-KCQ", start=dt.date(2020, 1, 1)).exists()
    # Ending it: a date before the start is refused with the reason; a good one is kept.
    bad = admin_client.post(reverse("assignment-end", args=[assignment.pk]), {"end": "31/12/2019"})
    assert "An assignment cannot end before it starts." in bad.content.decode()
    assert admin_client.post(reverse("assignment-end", args=[assignment.pk]), {"end": "31/12/2021"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.end == dt.date(2021, 12, 31)
    change = LogEntry.objects.get_for_object(assignment).filter(action=LogEntry.Action.UPDATE).last()
    assert change.actor == demo["quantri.hcm"] and "end" in change.changes_dict
    # Another province's assignment is not theirs to end.
    theirs = Assignment.objects.filter(organization__path__startswith=org("HN").path).first()
    if theirs is not None:
        assert admin_client.get(reverse("assignment-end", args=[theirs.pk])).status_code == 404


def test_targets_for_own_documents_and_own_assignments(admin_client, demo):
    central = directive("05-CT/TW")
    khoi = org("HCM-KDCD")
    target_form = {"name": "Đảng viên được bồi dưỡng", "organization": khoi.pk, "value": "150", "unit": "đảng viên",
                   "start": "", "deadline": "31/12/2020", "aggregation": "sum"}
    if not Assignment.objects.filter(directive=central, organization__path__in=[khoi.path[:i] for i in range(4, len(khoi.path) + 1, 4)]).exists():
        services.assignment_save(actor=demo["quantri.hcm"], assignment=Assignment(
            directive=central, organization=khoi, frequency=Frequency.MONTHLY, start=dt.date(2019, 1, 1)))
    assert admin_client.post(reverse("target-create", args=[central.pk]), target_form).status_code == 302
    target = Target.objects.get(directive=central, name="Đảng viên được bồi dưỡng")
    assert target.organization == khoi and target.value == 150
    # A goal for "every assigned unit" of a central document is the centre's to set.
    with pytest.raises(PermissionDenied):
        services.target_save(actor=demo["quantri.hcm"], target=Target(directive=central, name="Chỉ tiêu chung",
                                                                      unit="%", value=90))
    with pytest.raises(PermissionDenied):
        services.target_save(actor=demo["quantri.hcm"], target=Target(directive=central, organization=org("HN-KCQ"),
                                                                      name="Chỉ tiêu Hà Nội", unit="%", value=90))
    # Their own document: a goal for every assigned unit is theirs.
    own = directive("156-KH/TU")
    response = admin_client.post(reverse("target-create", args=[own.pk]), target_form | {"organization": "", "name": "Chi bộ đạt"})
    assert response.status_code == 302
    assert Target.objects.get(directive=own, name="Chi bộ đạt").organization is None
    edit = admin_client.post(reverse("target-edit", args=[target.pk]), target_form | {"value": "0"})
    assert "A goal must be greater than zero." in edit.content.decode()
    assert LogEntry.objects.get_for_object(target).get(action=LogEntry.Action.CREATE).actor == demo["quantri.hcm"]


def _report(demo):
    return ReportFactory(organization=org("HCM-KDCD-STNMT"), author=demo["canbo.sotnmt"], body=BODY,
                         title="Báo cáo tháng 3/2019 của Đảng ủy Sở")


def _ask(client, report) -> None:
    page = client.get(reverse("report-links", args=[report.pk]))
    unknown = [u for u in page.context["unresolved"] if "245-KH/TU" in u.text]
    assert unknown and "ask for it to be registered" in page.content.decode()
    response = client.post(reverse("report-registration-request", args=[report.pk]),
                           {"start": unknown[0].start, "text": unknown[0].text})
    assert response.status_code == 302


def test_staff_ask_an_admin_registers_and_the_report_then_resolves_it(client, demo):
    report = _report(demo)
    client.force_login(demo["canbo.sotnmt"])
    _ask(client, report)
    request = RegistrationRequest.objects.get(report_id=report.pk)
    assert request.symbol == "245-KH/TU" and request.citing_text.startswith("Kế hoạch số 245-KH/TU")
    assert request.status == RequestStatus.OPEN and request.requested_by == demo["canbo.sotnmt"]
    waiting = client.get(reverse("report-links", args=[report.pk])).content.decode()
    assert "registration requested on" in waiting
    # Asking twice is refused with a message, not a second request.
    client.post(reverse("report-registration-request", args=[report.pk]),
                {"start": BODY.find("Kế hoạch"), "text": request.citing_text})
    assert RegistrationRequest.objects.filter(report_id=report.pk).count() == 1
    # Staff do not decide requests.
    assert client.get(reverse("registration-requests")).status_code == 403
    assert client.get(reverse("registration-request", args=[request.pk])).status_code == 404

    client.force_login(demo["quantri.hcm"])
    listing = client.get(reverse("registration-requests")).content.decode()
    assert "Kế hoạch số 245-KH/TU" in listing and reverse("report-detail", args=[report.pk]) in listing
    detail = client.get(reverse("registration-request", args=[request.pk])).content.decode()
    assert "công tác dân vận" in detail  # the text around the citation
    form = client.get(reverse("directive-register") + f"?request={request.pk}").context["form"]
    assert form.initial["number"] == "245" and form.initial["kind"] == "KH"
    assert form.initial["issuer"] == Organ.objects.get(key="hcm-btv").pk  # "của Ban Thường vụ Thành ủy", code TU
    response = client.post(reverse("directive-register"), register_form(
        request=request.pk, number="245", symbol_printed="245-KH/TU", issue_date="05/03/2019", title="Về công tác dân vận"))
    assert response.status_code == 302
    request.refresh_from_db()
    registered = Directive.objects.get(symbol="245-KH/TU")
    assert request.status == RequestStatus.REGISTERED and request.directive == registered
    assert request.decided_by == demo["quantri.hcm"]
    assert LogEntry.objects.get_for_object(request).filter(action=LogEntry.Action.UPDATE).last().actor == demo["quantri.hcm"]

    client.force_login(demo["canbo.sotnmt"])
    page = client.get(reverse("report-links", args=[report.pk]))
    assert registered.pk in [row.row.directive.pk for row in page.context["form"].rows]
    assert not [u for u in page.context["unresolved"] if "245-KH/TU" in u.text]
    assert "Registered" in page.content.decode()


def test_a_declined_request_shows_its_reason_to_the_requester(client, demo):
    report = _report(demo)
    client.force_login(demo["canbo.sotnmt"])
    _ask(client, report)
    request = RegistrationRequest.objects.get(report_id=report.pk)
    client.force_login(demo["quantri.hcm"])
    empty = client.post(reverse("registration-request", args=[request.pk]), {"reason": "  "})
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    client.post(reverse("registration-request", args=[request.pk]), {"reason": "Số hiệu sai: là Kế hoạch 254-KH/TU."})
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED
    client.force_login(demo["canbo.sotnmt"])
    page = client.get(reverse("report-links", args=[report.pk])).content.decode()
    assert "registration declined: Số hiệu sai: là Kế hoạch 254-KH/TU." in page


def test_requests_and_register_pages_outside_the_subtree_are_404s(client, demo):
    report = _report(demo)
    client.force_login(demo["canbo.sotnmt"])
    _ask(client, report)
    request = RegistrationRequest.objects.get(report_id=report.pk)
    hanoi_admin = get_user_model().objects.create_user("quantri.hn", password="x-Test-12345")
    grant(hanoi_admin, org("HN"), RoleKind.ADMIN)
    client.force_login(hanoi_admin)
    assert client.get(reverse("registration-request", args=[request.pk])).status_code == 404
    assert client.post(reverse("registration-request", args=[request.pk]), {"reason": "x"}).status_code == 404
    assert "245-KH/TU" not in client.get(reverse("registration-requests")).content.decode()
    assert client.get(reverse("directive-register") + f"?request={request.pk}").status_code == 404
    assert client.get(reverse("directive-edit", args=[directive("156-KH/TU").pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services_register.registration_request_decline(actor=hanoi_admin, request_id=request.pk, reason="Không")
    # A Hà Nội staff member cannot ask from an HCM report (it is not theirs to see).
    client.force_login(demo["canbo.hn"])
    assert client.post(reverse("report-registration-request", args=[report.pk]),
                       {"start": 0, "text": "x"}).status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN


@pytest.fixture
def small_register(tree, make_user):
    organ = Organ.objects.create(key="btv-a", name="Ban Thường vụ Đảng ủy Khối A", kind="btv",
                                 organization=tree["A"], symbol_code="ĐUK")
    return {"organ": organ, "admin_a": make_user("admin_a", tree["A"], RoleKind.ADMIN),
            "admin_b": make_user("admin_b", tree["B"], RoleKind.ADMIN),
            "staff_a1": make_user("staff_a1", tree["A1"], RoleKind.STAFF)}


@pytest.mark.embedded
def test_the_services_on_a_small_tree(tree, small_register):
    """Without the demo (and on SQLite too): register, request, decline, all scoped."""
    s = small_register
    doc = Directive(kind="CT", symbol_printed="03-CT/ĐUK", issuer=s["organ"], issue_date=dt.date(2019, 2, 1),
                    title="Về công tác kiểm tra")
    services_register.directive_register(actor=s["admin_a"], directive=doc)
    assert Directive.objects.get(pk=doc.pk).symbol == "03-CT/ĐUK"
    request = services_register.registration_request_open(
        actor=s["staff_a1"], organization=tree["A1"], report_id=42, report_title="Báo cáo tháng 3",
        citing_text="Chỉ thị số 09-CT/ĐUK", parts={"kind": "CT", "number": "09", "symbol": "09-CT/ĐUK"})
    with pytest.raises(PermissionDenied):
        services_register.registration_request_decline(actor=s["admin_b"], request_id=request.pk, reason="Không")
    with pytest.raises(PermissionDenied):
        services_register.registration_request_open(
            actor=s["staff_a1"], organization=tree["B1"], report_id=43, report_title="Báo cáo",
            citing_text="Chỉ thị số 09-CT/ĐUK")
    declined = services_register.registration_request_decline(actor=s["admin_a"], request_id=request.pk,
                                                              reason="Chưa ban hành.")
    assert declined.status == RequestStatus.DECLINED and declined.decided_by == s["admin_a"]
    assert [r.reason for r in RegistrationRequest.objects.filter(report_id=42)] == ["Chưa ban hành."]


@pytest.mark.vietnamese
def test_the_register_pages_speak_vietnamese(client, tree, small_register):
    client.force_login(small_register["admin_a"])
    home = client.get(reverse("register-home")).content.decode()
    assert "Đăng ký văn bản" in home and "Đề nghị đăng ký" in home
    form = client.get(reverse("directive-register")).content.decode()
    assert "Số và ký hiệu" in form and "Trích yếu" in form
    staff = client.get(reverse("register-home"))
    client.force_login(small_register["staff_a1"])
    assert client.get(reverse("register-home")).status_code == 403 and staff.status_code == 200
