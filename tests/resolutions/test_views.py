"""The directive register: list with filters and pagination, and a directive's page."""
from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from resolutions.models import DirectiveAlias
from resolutions.symbols import DirectiveKind
from tests.factories import AssignmentFactory, DirectiveFactory, TargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, make_user, tree):
    client.force_login(make_user("reader", tree["A1a"]))
    return client


@pytest.mark.parametrize("name, args", [("directive-list", []), ("directive-detail", [1])])
def test_anonymous_users_are_sent_to_login(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_list_shows_columns_with_day_first_dates(reader):
    d = DirectiveFactory(number="5", title="Về đẩy mạnh học tập và làm theo tư tưởng", issue_date=dt.date(2016, 5, 15))
    page = reader.get(reverse("directive-list")).content.decode()
    assert d.symbol == "05-CT/TW"
    assert "05-CT/TW" in page
    assert "Về đẩy mạnh học tập và làm theo tư tưởng" in page
    assert "Bộ Chính trị" in page
    assert "15/05/2016" in page
    assert reverse("directive-detail", args=[d.pk]) in page


def test_search_ignores_accents(reader):
    DirectiveFactory(number="5", title="Về đẩy mạnh học tập")
    DirectiveFactory(kind=DirectiveKind.NGHI_QUYET, number="4", title="Về tăng cường xây dựng, chỉnh đốn Đảng")
    page = reader.get(reverse("directive-list"), {"q": "chi thi"}).content.decode()
    assert "05-CT/TW" in page
    assert "04-NQ/TW" not in page
    page = reader.get(reverse("directive-list"), {"q": "chinh don dang"}).content.decode()
    assert "04-NQ/TW" in page and "05-CT/TW" not in page


def test_search_finds_known_aliases(reader):
    d = DirectiveFactory(kind=DirectiveKind.NGHI_QUYET, number="4", title="Về tăng cường xây dựng, chỉnh đốn Đảng")
    alias = DirectiveAlias(directive=d, text="Nghị quyết Trung ương 4 khóa XII")
    alias.clean()
    alias.save()
    page = reader.get(reverse("directive-list"), {"q": "nghi quyet trung uong 4"}).content.decode()
    assert "04-NQ/TW" in page


def test_kind_filter(reader):
    DirectiveFactory(number="5")
    DirectiveFactory(kind=DirectiveKind.KET_LUAN, number="21")
    page = reader.get(reverse("directive-list"), {"kind": "KL"}).content.decode()
    assert "21-KL/TW" in page and "05-CT/TW" not in page


def test_year_filter_and_bad_input_message(reader):
    DirectiveFactory(number="5", issue_date=dt.date(2016, 5, 15))
    DirectiveFactory(number="35", issue_date=dt.date(2019, 5, 30), term=None)
    page = reader.get(reverse("directive-list"), {"year": "2019"}).content.decode()
    assert "35-CT/TW" in page and "05-CT/TW" not in page
    response = reader.get(reverse("directive-list"), {"year": "abc"})
    assert response.status_code == 200
    assert "Enter a number." in response.content.decode()


def test_pagination_keeps_the_filters(reader, settings):
    settings.PAGE_SIZE = 3
    for _ in range(7):
        DirectiveFactory()
    DirectiveFactory(kind=DirectiveKind.KET_LUAN)
    first = reader.get(reverse("directive-list"), {"kind": "CT"}).content.decode()
    assert "Page 1 of 3" in first
    assert "?kind=CT&amp;page=2" in first
    third = reader.get(reverse("directive-list"), {"kind": "CT", "page": 3}).content.decode()
    assert "Page 3 of 3" in third
    assert third.count('class="symbol"') == 1
    assert "-KL/TW" not in third


def test_list_query_count_is_bounded(reader, django_assert_max_num_queries):
    for _ in range(30):
        DirectiveFactory()
    with django_assert_max_num_queries(10):
        assert reader.get(reverse("directive-list")).status_code == 200


def test_detail_shows_register_data_and_links_to_reports(reader, tree):
    law = DirectiveFactory(number="", title="Nghị quyết về thí điểm", issue_date=dt.date(2017, 11, 24))
    d = DirectiveFactory(number="8", title="Về thực hiện thí điểm", issue_date=dt.date(2018, 1, 10))
    d.implements.add(law)
    alias = DirectiveAlias(directive=d, text="Nghị quyết 08 của Thành ủy")
    alias.clean()
    alias.save()
    TargetFactory(directive=d, name="Kết nạp đảng viên mới", value=2000)
    AssignmentFactory(directive=d, organization=tree["A"])
    page = reader.get(reverse("directive-detail", args=[d.pk])).content.decode()
    assert "08-CT/TW" in page
    assert "10/01/2018" in page
    assert "Nghị quyết 08 của Thành ủy" in page
    assert "Kết nạp đảng viên mới" in page and "2000" in page
    assert "Đảng ủy Khối A" in page and "Monthly" in page
    assert reverse("directive-detail", args=[law.pk]) in page
    assert f"{reverse('report-list')}?directive={d.pk}" in page
    back = reader.get(reverse("directive-detail", args=[law.pk])).content.decode()
    assert reverse("directive-detail", args=[d.pk]) in back  # "implemented by"


def test_unknown_directive_is_404(reader):
    assert reader.get(reverse("directive-detail", args=[424242])).status_code == 404


def test_directive_page_shows_only_assignments_and_targets_covering_the_users_units(client, tree, make_user):
    """Staff of a grassroots unit see what was assigned to it, below it and above it — not their
    sibling's, another district's or another province's assignments and targets."""
    from organizations.models import OrgKind
    from tests.factories import UserFactory, make_org

    other_province = make_org(code="HN", kind=OrgKind.PROVINCE, name="Thành ủy Tỉnh Khác")
    other_bloc = make_org(other_province, code="HN-K", kind=OrgKind.BLOC, name="Đảng ủy Khối Tỉnh Khác")
    d = DirectiveFactory(title="Về công tác kiểm tra")
    for org, start in [(tree["ROOT"], 1), (tree["A"], 2), (tree["A1"], 3), (tree["A1a"], 4), (tree["A2"], 5),
                       (tree["B"], 6), (other_province, 7), (other_bloc, 8)]:
        AssignmentFactory(directive=d, organization=org, start=dt.date(2019, 1, start))
    TargetFactory(directive=d, name="Chỉ tiêu chung", organization=None)
    TargetFactory(directive=d, name="Chỉ tiêu của Khối A", organization=tree["A"])
    TargetFactory(directive=d, name="Chỉ tiêu của Quận B", organization=tree["B1"])
    TargetFactory(directive=d, name="Chỉ tiêu của tỉnh khác", organization=other_bloc)

    client.force_login(make_user("staff_a1", tree["A1"]))
    response = client.get(reverse("directive-detail", args=[d.pk]))
    detail = response.context["detail"]
    assert [a.organization.code for a in detail.assignments] == ["ROOT", "A", "A1", "A1a"]
    assert detail.assignment_count == 4
    assert {t.name for t in detail.targets} == {"Chỉ tiêu chung", "Chỉ tiêu của Khối A"}
    page = response.content.decode()
    assert "Đảng ủy Khối Tỉnh Khác" not in page and "Quận ủy B" not in page and "Chỉ tiêu của Quận B" not in page
    assert 'data-testid="scope-note"' in page

    client.force_login(UserFactory(username="operator", is_superuser=True))
    detail = client.get(reverse("directive-detail", args=[d.pk])).context["detail"]
    assert detail.assignment_count == 8 and len(detail.targets) == 4


def test_directive_page_of_a_user_without_role_lists_no_assignment(client, tree, make_user):
    d = DirectiveFactory()
    AssignmentFactory(directive=d, organization=tree["ROOT"])
    TargetFactory(directive=d, name="Chỉ tiêu chung", organization=None)
    client.force_login(make_user("nobody"))
    detail = client.get(reverse("directive-detail", args=[d.pk])).context["detail"]
    assert detail.assignments == [] and [t.name for t in detail.targets] == ["Chỉ tiêu chung"]
