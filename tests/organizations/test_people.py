"""People, positions and terms of a unit: the pages, their scope and the services behind them."""
from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from organizations import services
from organizations.models import Person, Position, PositionTitle, Term
from organizations.people import people_in_post, person_search

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.fixture
def posts(tree):
    """In A: Trần Văn Bình, secretary (party) and director (state) at once; a deputy who left."""
    binh = Person.objects.create(full_name="Trần Văn Bình", search_text="tran van binh")
    old = Person.objects.create(full_name="Lê Thị Cúc", search_text="le thi cuc")
    outsider = Person.objects.create(full_name="Trần Văn Bính", search_text="tran van binh")
    p = {
        "secretary": Position.objects.create(person=binh, organization=tree["A"], title=PositionTitle.SECRETARY,
                                             start=dt.date(2020, 10, 1)),
        "director": Position.objects.create(person=binh, organization=tree["A"], title=PositionTitle.STATE_POST,
                                            label="Giám đốc Sở Tài nguyên và Môi trường", start=dt.date(2019, 1, 1)),
        "deputy": Position.objects.create(person=old, organization=tree["A"], title=PositionTitle.DEPUTY,
                                          start=dt.date(2015, 10, 1), end=dt.date(2020, 9, 30)),
        "b": Position.objects.create(person=outsider, organization=tree["B"], title=PositionTitle.SECRETARY),
    }
    return p


def test_people_in_post_on_a_day_include_overlapping_party_and_state_posts(tree, posts):
    on_2021 = people_in_post(tree["A"], dt.date(2021, 3, 1))
    assert [p.pk for p in on_2021] == [posts["secretary"].pk, posts["director"].pk]  # party post first
    on_2019 = people_in_post(tree["A"], dt.date(2019, 6, 1))
    assert {p.pk for p in on_2019} == {posts["director"].pk, posts["deputy"].pk}
    assert posts["deputy"] in people_in_post(tree["A"], dt.date(2020, 9, 30))  # the last day counts


def test_people_page_lists_posts_on_the_chosen_day_and_past_posts(client, tree, posts, make_user):
    client.force_login(make_user("staff.a", tree["A"]))
    url = reverse("organization-people", args=[tree["A"].pk])
    page = client.get(url).content.decode()
    assert "Trần Văn Bình" in page and "Giám đốc Sở Tài nguyên và Môi trường" in page  # the label as written
    assert "Secretary" in page and "01/10/2020" in page
    current, past = page.split('id="past-title"')
    assert "Lê Thị Cúc" not in current and "Lê Thị Cúc" in past and "30/09/2020" in past
    page = client.get(url, {"ngay": "01/06/2019"}).content.decode()
    current = page.split('id="past-title"')[0]
    assert "Lê Thị Cúc" in current and "Giám đốc Sở" in current
    assert "Add a person or a position" not in page  # staff read, never change
    assert "Trần Văn Bính" not in page  # B's secretary
    # A day that is not a date shows today, and says so.
    page = client.get(url, {"ngay": "31/02/2021"}).content.decode()
    assert "Showing today." in page


def test_person_page_shows_only_posts_in_scope(client, tree, posts, make_user):
    binh = posts["secretary"].person
    Position.objects.create(person=binh, organization=tree["B1"], title=PositionTitle.COMMITTEE_MEMBER,
                            label="Ủy viên BCH Đảng bộ B1")
    client.force_login(make_user("leader.a", tree["A"], "leader"))
    page = client.get(reverse("person-detail", args=[binh.pk])).content.decode()
    assert "Giám đốc Sở Tài nguyên và Môi trường" in page and "Ủy viên BCH Đảng bộ B1" not in page
    assert client.get(reverse("person-detail", args=[posts["b"].person.pk])).status_code == 404


URLS_WITH_IDS = [
    ("organization-people", "org"), ("organization-people-add", "org"), ("organization-terms", "org"),
    ("person-detail", "person"), ("position-edit", "position"), ("term-edit", "term"),
]


@pytest.mark.parametrize("name, kind", URLS_WITH_IDS)
def test_every_url_with_an_id_is_404_outside_the_subtree(client, tree, posts, make_user, name, kind):
    term_b = Term.objects.create(organization=tree["B"], ordinal=3, start_year=2015, end_year=2020)
    ids = {"org": tree["B"].pk, "person": posts["b"].person.pk, "position": posts["b"].pk, "term": term_b.pk}
    client.force_login(make_user("admin.a", tree["A"], "admin"))
    assert client.get(reverse(name, args=[ids[kind]])).status_code == 404
    assert client.post(reverse(name, args=[ids[kind]]), {"full_name": "X", "title": "bi_thu", "ordinal": 4,
                                                          "start_year": 2020, "end_year": 2025}).status_code == 404
    assert client.get(reverse(name, args=[999999])).status_code == 404
    assert not Person.objects.filter(full_name="X").exists() and not Term.objects.filter(ordinal=4).exists()


def test_readers_in_scope_cannot_change(client, tree, posts, make_user):
    client.force_login(make_user("leader.a", tree["A"], "leader"))
    assert client.get(reverse("organization-people-add", args=[tree["A"].pk])).status_code == 403
    response = client.post(reverse("position-edit", args=[posts["secretary"].pk]),
                           {"title": "bi_thu", "end": "01/01/2022"})
    assert response.status_code == 403
    posts["secretary"].refresh_from_db()
    assert posts["secretary"].end is None
    assert client.post(reverse("organization-terms", args=[tree["A"].pk]),
                       {"ordinal": 2, "start_year": 2015, "end_year": 2020}).status_code == 403
    assert not Term.objects.filter(organization=tree["A"]).exists()
    page = client.get(reverse("organization-terms", args=[tree["A"].pk])).content.decode()
    assert "Add a term" not in page


def test_admin_adds_a_new_person_with_a_post_on_the_audit_trail(client, tree, make_user):
    admin = make_user("admin.a", tree["A"], "admin")
    client.force_login(admin)
    url = reverse("organization-people-add", args=[tree["A1"].pk])
    response = client.post(url, {"full_name": "Phạm  Minh Đức", "title": "pho_bi_thu_tt", "label": "",
                                 "start": "15/10/2020", "end": ""})
    assert response.status_code == 302
    position = Position.objects.get(person__full_name="Phạm Minh Đức")
    assert position.organization == tree["A1"] and position.start == dt.date(2020, 10, 15)
    for obj in (position.person, position):
        entry = LogEntry.objects.get_for_object(obj).get()
        assert entry.action == LogEntry.Action.CREATE and entry.actor == admin
    page = client.get(reverse("organization-people", args=[tree["A1"].pk])).content.decode()
    assert "Phạm Minh Đức" in page and "Standing Deputy Secretary" in page


def test_admin_picks_an_existing_person_by_accent_insensitive_search(client, tree, posts, make_user):
    client.force_login(make_user("admin.a", tree["A"], "admin"))
    url = reverse("organization-people-add", args=[tree["A2"].pk])
    page = client.get(url, {"q": "tran van binh"}).content.decode()
    binh = posts["secretary"].person
    assert "Pick Trần Văn Bình" in page
    assert "Trần Văn Bính" not in page  # B's cadre is not offered to A's admin
    page = client.get(url, {"nguoi": binh.pk}).content.decode()
    assert "The new position is for <strong>Trần Văn Bình</strong>" in page
    response = client.post(url, {"person": binh.pk, "title": "uv_bch", "start": "01/01/2021"})
    assert response.status_code == 302
    assert binh.positions.count() == 3 and Person.objects.filter(full_name="Trần Văn Bình").count() == 1


def test_a_bad_position_keeps_what_was_typed(client, tree, make_user):
    client.force_login(make_user("admin.a", tree["A"], "admin"))
    url = reverse("organization-people-add", args=[tree["A"].pk])
    page = client.post(url, {"full_name": "Võ Thị Hoa", "title": "uv_btv", "label": "Ủy viên BTV Đảng ủy Khối",
                             "start": "01/10/2020", "end": "01/01/2020"}).content.decode()
    assert "A position cannot end before it starts." in page
    assert 'value="Võ Thị Hoa"' in page and 'value="Ủy viên BTV Đảng ủy Khối"' in page and 'value="01/01/2020"' in page
    assert not Person.objects.filter(full_name="Võ Thị Hoa").exists()
    page = client.post(url, {"title": "uv_btv"}).content.decode()
    assert "Type the person&#x27;s full name or pick someone already recorded." in page


def test_admin_ends_a_post_and_the_other_post_stays(client, tree, posts, make_user):
    admin = make_user("admin.a", tree["A"], "admin")
    client.force_login(admin)
    response = client.post(reverse("position-edit", args=[posts["director"].pk]),
                           {"title": "state", "label": "Giám đốc Sở Tài nguyên và Môi trường",
                            "start": "01/01/2019", "end": "31/12/2021"})
    assert response.status_code == 302
    posts["director"].refresh_from_db()
    assert posts["director"].end == dt.date(2021, 12, 31)
    assert [p.pk for p in people_in_post(tree["A"], dt.date(2022, 1, 1))] == [posts["secretary"].pk]
    entry = LogEntry.objects.get_for_object(posts["director"]).latest("timestamp")
    assert entry.actor == admin and entry.changes_dict["end"] == [None, "2021-12-31"]


def test_person_search_offers_people_without_post_but_not_other_committees(tree, posts, make_user):
    loose = Person.objects.create(full_name="Trần Bình An", search_text="tran binh an")
    admin_a = make_user("admin.a", tree["A"], "admin")
    names = [p.full_name for p in person_search(admin_a, "BINH tran")]
    assert names == ["Trần Bình An", "Trần Văn Bình"] and loose.full_name in names


def test_terms_are_listed_as_khoa_and_congress_with_form_errors(client, tree, make_user):
    admin = make_user("admin.a", tree["A"], "admin")
    client.force_login(admin)
    url = reverse("organization-terms", args=[tree["A"].pk])
    assert client.post(url, {"ordinal": 2, "start_year": 2015, "end_year": 2020, "name": ""}).status_code == 302
    term = Term.objects.get(organization=tree["A"])
    assert LogEntry.objects.get_for_object(term).get().actor == admin
    page = client.get(url).content.decode()
    assert "khóa II" in page and "Congress II" in page and "2015-2020" in page
    # The next term may start in the year the last one ends (the congress year)...
    assert client.post(url, {"ordinal": 3, "start_year": 2020, "end_year": 2025}).status_code == 302
    # ... but not inside it, nor reuse an ordinal, nor end before it starts: said by the field, input kept.
    page = client.post(url, {"ordinal": 4, "start_year": 2018, "end_year": 2023}).content.decode()
    assert "These years overlap term II (2015-2020)." in page and 'value="2018"' in page
    page = client.post(url, {"ordinal": 2, "start_year": 2025, "end_year": 2030}).content.decode()
    assert "This unit already has a term II." in page and 'value="2030"' in page
    page = client.post(url, {"ordinal": 4, "start_year": 2030, "end_year": 2025}).content.decode()
    assert "A term cannot end before it starts." in page
    assert Term.objects.filter(organization=tree["A"]).count() == 2


def test_term_edit_refuses_an_overlap_and_saves_a_change(client, tree, make_user):
    client.force_login(make_user("admin.a", tree["A"], "admin"))
    first = Term.objects.create(organization=tree["A"], ordinal=1, start_year=2010, end_year=2015)
    Term.objects.create(organization=tree["A"], ordinal=2, start_year=2015, end_year=2020)
    url = reverse("term-edit", args=[first.pk])
    page = client.post(url, {"ordinal": 1, "start_year": 2010, "end_year": 2016}).content.decode()
    assert "These years overlap term II (2015-2020)." in page
    assert client.post(url, {"ordinal": 1, "start_year": 2011, "end_year": 2015,
                             "name": "Khóa I (2011-2015)"}).status_code == 302
    first.refresh_from_db()
    assert (first.start_year, first.name) == (2011, "Khóa I (2011-2015)")


def test_services_check_scope_before_anything(tree, posts, make_user):
    admin_a = make_user("admin.a", tree["A"], "admin")
    with pytest.raises(PermissionDenied):
        services.person_appoint(actor=admin_a, organization=tree["B1"], full_name="Ngoài Phạm Vi",
                                title=PositionTitle.SECRETARY)
    assert not Person.objects.filter(full_name="Ngoài Phạm Vi").exists()
    with pytest.raises(PermissionDenied):
        services.term_create(actor=admin_a, organization=tree["B"], ordinal=1, start_year=2015, end_year=2020)
    with pytest.raises(ValidationError):
        services.person_appoint(actor=admin_a, organization=tree["A1"], full_name="  ", title=PositionTitle.OTHER)


def test_unit_page_links_to_people_and_terms(client, tree, make_user):
    client.force_login(make_user("staff.a", tree["A"]))
    page = client.get(reverse("organization-detail", args=[tree["A1"].pk])).content.decode()
    assert reverse("organization-people", args=[tree["A1"].pk]) in page
    assert reverse("organization-terms", args=[tree["A1"].pk]) in page
