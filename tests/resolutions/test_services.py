"""Writes to the register: a document is changed by the admins of its issuer's organisation, and
its targets and assignments name only units inside the actor's scope (one city cannot assign
its work to another's units)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from organizations.models import Organ, OrganKind, RoleKind
from resolutions import services
from resolutions.models import Assignment, Directive, DirectiveAlias, Frequency, Target
from resolutions.symbols import DirectiveKind
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(tree):
    organ = Organ.objects.create(key="btv-a", name="Ban Thường vụ Đảng ủy Khối A", kind=OrganKind.STANDING_COMMITTEE,
                                 organization=tree["A"], symbol_code="ĐUK")
    directive = Directive(kind=DirectiveKind.CHI_THI, number="03", issuer=organ, issue_date=dt.date(2019, 2, 1),
                          title="Về công tác kiểm tra")
    directive.full_clean()
    directive.save()
    return directive


def test_an_admin_of_the_issuer_changes_its_document_and_assigns_it_inside_their_subtree(tree, register, make_user):
    admin_a = make_user("admin_a", tree["A"], RoleKind.ADMIN)
    register.title = "Về công tác kiểm tra,\x0b giám sát"
    services.directive_save(actor=admin_a, directive=register)
    assert Directive.objects.get(pk=register.pk).title == "Về công tác kiểm tra,\n giám sát"
    services.assignment_save(actor=admin_a, assignment=Assignment(
        directive=register, organization=tree["A1"], frequency=Frequency.MONTHLY, start=dt.date(2019, 3, 1)))
    services.target_save(actor=admin_a, target=Target(directive=register, organization=tree["A2"],
                                                      name="Chi bộ\u200b được kiểm tra", unit="chi bộ", value=4))
    services.alias_save(actor=admin_a, alias=DirectiveAlias(directive=register, text="Chỉ thị 03 của Khối"))
    assert Target.objects.get().name == "Chi bộ được kiểm tra"
    assert register.aliases.count() == 1 and register.assignments.count() == 1


def test_nobody_else_changes_it_or_points_it_at_another_committees_units(tree, register, make_user):
    admin_a = make_user("admin_a", tree["A"], RoleKind.ADMIN)
    admin_b = make_user("admin_b", tree["B"], RoleKind.ADMIN)
    leader_a = make_user("leader_a", tree["A"], RoleKind.LEADER)
    admin_a1 = make_user("admin_a1", tree["A1"], RoleKind.ADMIN)
    for actor in (None, admin_b, leader_a, admin_a1):
        register.title = "Sửa trái phép"
        with pytest.raises(PermissionDenied):
            services.directive_save(actor=actor, directive=register)
        with pytest.raises(PermissionDenied):
            services.alias_save(actor=actor, alias=DirectiveAlias(directive=register, text="Bí danh lạ"))
    # The issuer's own admin still cannot assign it, or set goals, outside their subtree.
    with pytest.raises(PermissionDenied):
        services.assignment_save(actor=admin_a, assignment=Assignment(
            directive=register, organization=tree["B1"], frequency=Frequency.MONTHLY, start=dt.date(2019, 3, 1)))
    with pytest.raises(PermissionDenied):
        services.target_save(actor=admin_a, target=Target(directive=register, organization=tree["B"],
                                                          name="Chỉ tiêu của B", unit="đảng viên", value=3))
    assert Directive.objects.get(pk=register.pk).title == "Về công tác kiểm tra"
    assert not register.aliases.exists() and not register.assignments.exists() and not register.targets.exists()


def test_an_assignment_in_another_committee_cannot_be_moved_or_removed_by_the_issuer(tree, register, make_user):
    operator = UserFactory(username="op", is_superuser=True)
    admin_a = make_user("admin_a", tree["A"], RoleKind.ADMIN)
    theirs = services.assignment_save(actor=operator, assignment=Assignment(
        directive=register, organization=tree["B1"], frequency=Frequency.QUARTERLY, start=dt.date(2019, 1, 1)))
    theirs.organization = tree["A2"]
    with pytest.raises(PermissionDenied):
        services.assignment_save(actor=admin_a, assignment=theirs)
    with pytest.raises(PermissionDenied):
        services.register_row_delete(actor=admin_a, row=Assignment.objects.get(pk=theirs.pk))
    assert Assignment.objects.get(pk=theirs.pk).organization == tree["B1"]


def test_a_state_bodys_document_is_the_operators(tree, make_user):
    state = Organ.objects.create(key="qh", name="Quốc hội", kind=OrganKind.STATE, symbol_code="QH14")
    law = Directive(kind="NQ", family="state_law", number="54", year=2017, issuer=state, issuer_code="QH14",
                    title="Thí điểm cơ chế đặc thù")
    admin_root = make_user("admin_root", tree["ROOT"], RoleKind.ADMIN)
    with pytest.raises(PermissionDenied):
        services.directive_save(actor=admin_root, directive=law)
    services.directive_save(actor=UserFactory(username="op", is_superuser=True), directive=law)
    assert Directive.objects.get(pk=law.pk).symbol == "54/2017/QH14"
