"""The organisation tree: constraints and subtree scoping (its services: test_services.py)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from organizations.models import Organization, OrgKind, RoleKind, Term
from organizations.selectors import (
    can_access,
    organization_in_scope_or_404,
    organization_search,
    organizations_in_scope,
    scope_q,
)
from organizations.text import fold, search_key
from tests.factories import grant, make_org

pytestmark = pytest.mark.django_db


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


def test_role_covers_its_subtree_and_nothing_else(tree, make_user):
    staff = make_user("staff_a", tree["A"])
    assert codes(organizations_in_scope(staff)) == {"A", "A1", "A2", "A1a", "A1b"}
    assert can_access(staff, tree["A1a"])
    assert not can_access(staff, tree["B"])
    assert not can_access(staff, tree["ROOT"]), "a role never covers the parent"


def test_roles_at_two_places_union_their_subtrees(tree, make_user):
    user = make_user("two_roles", tree["A1"])
    grant(user, tree["B"], RoleKind.LEADER)
    assert codes(organizations_in_scope(user)) == {"A1", "A1a", "A1b", "B", "B1"}
    assert codes(organizations_in_scope(user, kinds=[RoleKind.LEADER])) == {"B", "B1"}


def test_user_without_role_sees_nothing(tree, make_user):
    nobody = make_user("nobody")
    assert organizations_in_scope(nobody).count() == 0
    from django.http import Http404

    with pytest.raises(Http404):
        organization_in_scope_or_404(nobody, tree["A"].pk)


def test_dissolved_unit_role_no_longer_grants_scope(tree, make_user):
    user = make_user("old", tree["B"])
    tree["B"].valid_to = dt.date(2020, 1, 1)
    tree["B"].save()
    user._rt_roles = None
    del user._rt_roles
    assert organizations_in_scope(user).count() == 0


def test_scope_q_filters_related_tables(tree, make_user):
    from tests.factories import ReportFactory

    ReportFactory(organization=tree["A1a"])
    ReportFactory(organization=tree["B1"])
    from meetings.models import Report

    staff = make_user("s", tree["A"])
    assert list(Report.objects.filter(scope_q(staff, "organization")).values_list("organization__code", flat=True)) == ["A1a"]


def test_validity_interval_is_a_database_constraint(tree):
    org = tree["A2"]
    org.valid_from, org.valid_to = dt.date(2020, 1, 1), dt.date(2019, 1, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        org.save()


def test_code_is_unique(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_org(tree["A"], code="A1")


def test_term_constraints(tree):
    Term.objects.create(organization=tree["A"], ordinal=2, start_year=2015, end_year=2020)
    with pytest.raises(IntegrityError), transaction.atomic():
        Term.objects.create(organization=tree["A"], ordinal=2, start_year=2020, end_year=2025)
    with pytest.raises(IntegrityError), transaction.atomic():
        Term.objects.create(organization=tree["A"], ordinal=3, start_year=2025, end_year=2020)
    with pytest.raises(IntegrityError), transaction.atomic():
        Term.objects.create(ordinal=4, start_year=2020, end_year=2025)  # no body at all


def test_accent_insensitive_search(tree, make_user):
    user = make_user("u", tree["ROOT"])
    assert codes(organization_search(user, "dang uy khoi")) == {"A"}
    assert codes(organization_search(user, "ĐẢNG ỦY KHỐI")) == {"A"}
    assert codes(organization_search(user, "chi bo a1")) == {"A1a", "A1b"}


def test_fold_is_length_preserving_and_maps_d():
    text = "Đảng ủy Khối Dân\u00a0– Chính - Ðảng"
    assert fold(text) == "dang uy khoi dan - chinh - dang"
    assert len(fold(text)) == len(text)
    assert search_key("  Chỉ   đạo  sâu sát ") == "chi dao sau sat"


def test_subtree_counts_count_every_unit_of_each_kind(tree):
    """N1: the "units in the whole đảng bộ" table showed 1 for every kind."""
    from collections import Counter

    from organizations.selectors import subtree_counts

    for org in tree.values():
        expected = Counter(Organization.objects.filter(path__startswith=org.path).values_list("kind", flat=True))
        assert subtree_counts(org) == dict(expected), org.code
    assert subtree_counts(tree["ROOT"])[OrgKind.CELL] == 2
