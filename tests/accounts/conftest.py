"""A small country for the account tests: the nation, two provinces (HCM with a district and
a cell, Hà Nội with a district), an HCM admin, and accounts in and out of HCM."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model

from organizations.models import OrgKind, RoleKind
from tests.factories import grant, make_org

PASSWORD = "pw-Test-12345"


@pytest.fixture
def country(db):
    User = get_user_model()
    nation = make_org(code="TW", kind=OrgKind.CENTRAL, name="Trung ương")
    hcm = make_org(nation, code="HCM", kind=OrgKind.PROVINCE, name="Thành ủy TP. Hồ Chí Minh")
    q1 = make_org(hcm, code="HCM-Q1", kind=OrgKind.DISTRICT, name="Quận ủy Quận 1")
    cell = make_org(q1, code="HCM-Q1-CB", kind=OrgKind.CELL, name="Chi bộ Khu phố 1")
    hn = make_org(nation, code="HN", kind=OrgKind.PROVINCE, name="Thành ủy Hà Nội")
    hn_d = make_org(hn, code="HN-BD", kind=OrgKind.DISTRICT, name="Quận ủy Ba Đình")
    for org in (nation, hcm, q1, cell, hn, hn_d):
        org.refresh_from_db()

    def user(username: str, full_name: str = "", **extra):
        u = User.objects.create_user(username, password=PASSWORD, first_name=full_name, **extra)
        return u

    admin = user("quantri.hcm", "Quản trị Thành ủy")
    grant(admin, hcm, RoleKind.ADMIN)
    q1_admin = user("quantri.q1", "Quản trị Quận 1")
    grant(q1_admin, q1, RoleKind.ADMIN)
    clerk = user("canbo.q1", "Nguyễn Văn Án")
    grant(clerk, q1, RoleKind.STAFF)
    shared = user("canbo.chung", "Trần Thị Bình")  # a role in HCM and one in Hà Nội
    grant(shared, cell, RoleKind.STAFF)
    grant(shared, hn_d, RoleKind.STAFF)
    hanoi = user("canbo.hn", "Lê Văn Cường")
    grant(hanoi, hn_d, RoleKind.STAFF)
    operator = user("vanhanh", "Vận hành", is_superuser=True, is_staff=True)
    staff_flag = user("kythuat.hcm", "Kỹ thuật", is_staff=True)  # is_staff with a role in HCM
    grant(staff_flag, q1, RoleKind.STAFF)
    super_in_hcm = user("sieu.hcm", "Siêu người dùng", is_superuser=True)
    grant(super_in_hcm, cell, RoleKind.LEADER)
    return SimpleNamespace(nation=nation, hcm=hcm, q1=q1, cell=cell, hn=hn, hn_d=hn_d, admin=admin, q1_admin=q1_admin,
                           clerk=clerk, shared=shared, hanoi=hanoi, operator=operator, staff_flag=staff_flag,
                           super_in_hcm=super_in_hcm)
