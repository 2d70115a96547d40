"""The services that change the tree, terms, people and roles: each checks its actor's scope.

There is no "no actor" path: every test acts as a real user — an operator, an admin of a
subtree, an admin of a sibling subtree, a staff member, a disabled account — and a refused
call leaves the database as it was.
"""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from organizations import services
from organizations.actors import system_actor
from organizations.models import (
    Organization,
    OrgKind,
    Position,
    PositionTitle,
    Role,
    RoleKind,
    Term,
)
from organizations.selectors import ancestors, can_access
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


def tree_shape() -> list[tuple[str, str]]:
    return sorted(Organization.objects.values_list("code", "path"))


@pytest.fixture
def operator(db):
    return UserFactory(username="operator", is_superuser=True, is_staff=True)


@pytest.fixture
def admin_a(tree, make_user):
    return make_user("admin_a", tree["A"], RoleKind.ADMIN)


def test_no_actor_is_refused_everywhere(tree):
    before = tree_shape()
    calls = [
        lambda: services.organization_move(actor=None, organization=tree["A1"], new_parent=tree["B"]),
        lambda: services.organization_create(actor=None, parent=tree["A"], code="X", name="X", kind=OrgKind.CELL),
        lambda: services.organization_create(actor=None, parent=None, code="X", name="X", kind=OrgKind.CENTRAL),
        lambda: services.organization_update(actor=None, organization=tree["A"], name="Đổi tên"),
        lambda: services.organization_dissolve(actor=None, organization=tree["A1"], on=dt.date(2025, 7, 1)),
        lambda: services.term_create(actor=None, organization=tree["A"], ordinal=1, start_year=2020, end_year=2025),
        lambda: services.person_create(actor=None, full_name="Nguyễn Văn A"),
        lambda: services.role_grant(actor=None, user=UserFactory(), organization=tree["A"], kind=RoleKind.LEADER),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert tree_shape() == before
    assert Organization.objects.get(code="A").name == "Đảng ủy Khối A"
    assert not Term.objects.exists() and not Role.objects.exists()


def test_operator_moves_a_subtree_with_its_descendants(tree, operator):
    services.organization_move(actor=operator, organization=tree["A1"], new_parent=tree["B"])
    moved = Organization.objects.get(code="A1a")
    assert [o.code for o in ancestors(moved)] == ["ROOT", "B", "A1"]
    assert codes(Organization.objects.filter(path__startswith=Organization.objects.get(code="B").path)) == {
        "B", "B1", "A1", "A1a", "A1b"}


def test_nobody_moves_a_unit_under_its_own_descendant(tree, operator):
    before = tree_shape()
    with pytest.raises(ValidationError):
        services.organization_move(actor=operator, organization=tree["A"], new_parent=tree["A1a"])
    assert tree_shape() == before


def test_admin_moves_inside_their_subtree_only(tree, admin_a):
    services.organization_move(actor=admin_a, organization=tree["A1a"], new_parent=tree["A2"])
    assert [o.code for o in ancestors(Organization.objects.get(code="A1a"))] == ["ROOT", "A", "A2"]
    before = tree_shape()
    for unit, target in [("A1", "B"), ("B1", "A"), ("A", "B"), ("A2", "ROOT")]:
        with pytest.raises(PermissionDenied):
            services.organization_move(actor=admin_a, organization=Organization.objects.get(code=unit),
                                       new_parent=Organization.objects.get(code=target))
    assert tree_shape() == before, "a refused move changes nothing: no unit (or its reports) leaves A"


def test_admin_of_a_sibling_or_a_descendant_cannot_move_or_dissolve(tree, make_user):
    admin_b = make_user("admin_b", tree["B"], RoleKind.ADMIN)
    admin_a1 = make_user("admin_a1", tree["A1"], RoleKind.ADMIN)
    staff_a = make_user("staff_a", tree["A"], RoleKind.STAFF)
    leader_a = make_user("leader_a", tree["A"], RoleKind.LEADER)
    before = tree_shape()
    for actor in (admin_b, admin_a1, staff_a, leader_a):
        with pytest.raises(PermissionDenied):
            services.organization_move(actor=actor, organization=tree["A2"], new_parent=tree["A1"])
        with pytest.raises(PermissionDenied):
            services.organization_dissolve(actor=actor, organization=tree["A2"], on=dt.date(2025, 7, 1))
    assert tree_shape() == before
    assert Organization.objects.get(code="A2").valid_to is None


def test_a_disabled_admin_can_do_nothing(tree, admin_a):
    admin_a.is_active = False
    admin_a.save()
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=admin_a, parent=tree["A"], code="A3", name="Đảng bộ A3",
                                     kind=OrgKind.GRASSROOTS)
    assert not Organization.objects.filter(code="A3").exists()


def test_admin_creates_under_their_subtree_only_and_never_a_root(tree, admin_a, operator):
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=admin_a, parent=tree["B"], code="B2", name="Chi bộ B2", kind=OrgKind.CELL)
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=admin_a, parent=None, code="R2", name="Gốc mới", kind=OrgKind.CENTRAL)
    created = services.organization_create(actor=admin_a, parent=tree["A2"], code="A2a",
                                           name=" Chi bộ\x0b A2a\u200b ", kind=OrgKind.CELL)
    assert [o.code for o in ancestors(created)] == ["ROOT", "A", "A2"]
    assert created.name == "Chi bộ A2a", "control and invisible characters never reach a stored name"
    assert not Organization.objects.filter(code__in=["B2", "R2"]).exists()


def test_dissolve_keeps_history_and_successors_must_be_in_scope(tree, admin_a):
    services.organization_dissolve(actor=admin_a, organization=tree["A1"], on=dt.date(2025, 7, 1),
                                   successors=[tree["A2"]])
    a1 = Organization.objects.get(code="A1")
    assert a1.valid_to == dt.date(2025, 7, 1)
    assert codes(a1.successors.all()) == {"A2"}
    with pytest.raises(PermissionDenied):
        services.organization_dissolve(actor=admin_a, organization=Organization.objects.get(code="A2"),
                                       on=dt.date(2025, 7, 1), successors=[tree["B"]])
    assert Organization.objects.get(code="A2").valid_to is None, "the refused dissolution left A2 open"
    with pytest.raises(ValidationError):
        services.organization_dissolve(actor=admin_a, organization=tree["A2"], on=dt.date(2025, 7, 1),
                                       successors=[tree["A2"]])


def test_admin_cannot_grant_a_role_to_themselves(tree, admin_a, operator):
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=admin_a, user=admin_a, organization=tree["A1"], kind=RoleKind.LEADER)
    assert list(Role.objects.filter(user=admin_a).values_list("kind", flat=True)) == [RoleKind.ADMIN]
    other = UserFactory(username="other")
    role = services.role_grant(actor=admin_a, user=other, organization=tree["A1"], kind=RoleKind.LEADER)
    assert can_access(other, tree["A1a"], kinds=[RoleKind.LEADER])
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=admin_a, user=other, organization=tree["B"], kind=RoleKind.STAFF)
    services.role_revoke(actor=admin_a, role=role)
    assert not Role.objects.filter(user=other).exists()


def test_role_revoke_outside_scope_is_refused(tree, admin_a, make_user):
    outsider = make_user("staff_b", tree["B"], RoleKind.STAFF)
    with pytest.raises(PermissionDenied):
        services.role_revoke(actor=admin_a, role=outsider.roles.get())
    assert outsider.roles.count() == 1


def test_terms_and_positions_follow_the_units_scope(tree, admin_a, operator):
    term = services.term_create(actor=admin_a, organization=tree["A"], ordinal=2, start_year=2020, end_year=2025)
    with pytest.raises(PermissionDenied):
        services.term_create(actor=admin_a, organization=tree["B"], ordinal=2, start_year=2020, end_year=2025)
    services.term_update(actor=admin_a, term=term, name="Nhiệm kỳ 2020–2025")
    person = services.person_create(actor=admin_a, full_name="Trần Thị\u0009B")
    assert person.full_name == "Trần Thị B"
    services.position_assign(actor=admin_a, person=person, organization=tree["A1"], title=PositionTitle.SECRETARY)
    with pytest.raises(PermissionDenied):
        services.position_assign(actor=admin_a, person=person, organization=tree["B1"], title=PositionTitle.DEPUTY)
    assert list(Position.objects.values_list("organization__code", flat=True)) == ["A1"]


def test_the_system_actor_cannot_sign_in_or_act_on_the_tree(tree):
    robot = system_actor()
    assert not robot.is_active and not robot.has_usable_password()
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=robot, parent=tree["A"], code="X1", name="X", kind=OrgKind.CELL)


def test_an_admin_cannot_close_or_reshape_the_unit_their_own_role_sits_on(tree, admin_a, make_user, operator):
    leader_a = make_user("leader_a", tree["A"], RoleKind.LEADER)
    with pytest.raises(PermissionDenied):
        services.organization_dissolve(actor=admin_a, organization=tree["A"], on=dt.date(2025, 7, 1))
    with pytest.raises(PermissionDenied):
        services.organization_update(actor=admin_a, organization=tree["A"], kind=OrgKind.UPPER)
    assert Organization.objects.get(code="A").valid_to is None
    assert can_access(leader_a, tree["A1"], kinds=[RoleKind.LEADER]), "the leaders' roles at A still hold"
    services.organization_update(actor=admin_a, organization=tree["A"], member_count=120, name="Đảng ủy Khối A (mới)")
    assert Organization.objects.get(code="A").member_count == 120, "its own figures and name are the admin's"
    services.organization_dissolve(actor=operator, organization=tree["A2"], on=dt.date(2025, 7, 1))


def test_a_person_serving_in_two_committees_is_renamed_by_an_operator_only(tree, admin_a, operator):
    person = services.person_create(actor=admin_a, full_name="Lê Văn C")
    services.position_assign(actor=admin_a, person=person, organization=tree["A1"], title=PositionTitle.SECRETARY)
    services.person_update(actor=admin_a, person=person, full_name="Lê Văn Cường")
    services.position_assign(actor=operator, person=person, organization=tree["B"], title=PositionTitle.DEPUTY)
    with pytest.raises(PermissionDenied):
        services.person_update(actor=admin_a, person=person, full_name="Lê Văn Khác")
    assert person.__class__.objects.get(pk=person.pk).full_name == "Lê Văn Cường"


def test_organs_of_a_unit_are_its_admins_state_bodies_the_operators(tree, admin_a, operator):
    from organizations.models import Organ, OrganKind

    own = services.organ_save(actor=admin_a, organ=Organ(key="btv-a", name="Ban Thường vụ\x0b Khối A",
                                                         kind=OrganKind.STANDING_COMMITTEE, organization=tree["A"]))
    assert own.name == "Ban Thường vụ Khối A"
    with pytest.raises(PermissionDenied):
        services.organ_save(actor=admin_a, organ=Organ(key="btv-b", name="Ban Thường vụ Quận ủy B",
                                                       kind=OrganKind.STANDING_COMMITTEE, organization=tree["B"]))
    with pytest.raises(PermissionDenied):
        services.organ_save(actor=admin_a, organ=Organ(key="qh", name="Quốc hội", kind=OrganKind.STATE))
    own.organization = tree["B"]
    with pytest.raises(PermissionDenied):
        services.organ_save(actor=admin_a, organ=own)
    services.organ_save(actor=operator, organ=Organ(key="qh", name="Quốc hội", kind=OrganKind.STATE))
    assert set(Organ.objects.values_list("key", flat=True)) == {"btv-a", "qh"}
