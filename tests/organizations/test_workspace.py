"""The committee admins' tree workspace (/to-chuc/quan-ly/): one level per request, search that
opens the tree at the unit, the unit actions through their pages (on the audit trail), bad
input shown again with what was typed, and nothing outside the admin's subtree."""
from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organizations.models import (
    Organization,
    OrgKind,
    Person,
    Position,
    PositionTitle,
    Reorganisation,
)
from tests.factories import ReportFactory, make_org, post_previewed

pytestmark = pytest.mark.django_db

WS = reverse("organization-workspace")
HX = {"HTTP_HX_REQUEST": "true"}
ID_URLS = ("organization-workspace-children", "organization-workspace-create", "organization-workspace-edit",
           "organization-workspace-move", "organization-workspace-close")


def url(name: str, org: Organization) -> str:
    return reverse(name, args=[org.pk])


@pytest.fixture
def admin_a(client, tree, make_user):
    user = make_user("admin.a", tree["A"], "admin")
    client.force_login(user)
    return user


@pytest.fixture
def admin_root(client, tree, make_user):
    user = make_user("admin.root", tree["ROOT"], "admin")
    client.force_login(user)
    return user


def reload(org: Organization) -> Organization:
    return Organization.objects.get(pk=org.pk)


# --------------------------------------------------------------------------------------
# Who reaches it
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["staff", "leader"])
def test_non_admins_are_refused(client, tree, make_user, kind):
    client.force_login(make_user(f"{kind}.a", tree["A"], kind))
    assert client.get(WS).status_code == 403
    for name in ID_URLS:
        assert client.get(url(name, tree["A1"])).status_code == 404, name
    assert "Manage units" not in client.get(reverse("home")).content.decode()


def test_anonymous_users_are_sent_to_login(client, tree):
    response = client.get(WS)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_admins_have_the_link_in_the_header(client, admin_a):
    page = client.get(reverse("home")).content.decode()
    assert f'href="{WS}"' in page and "Manage units" in page


@pytest.mark.parametrize("name", ID_URLS)
def test_every_url_with_a_unit_outside_the_admin_subtree_is_404(client, tree, admin_a, name):
    for org in (tree["B1"], tree["B"], tree["ROOT"]):
        assert client.get(url(name, org)).status_code == 404
        # (the children's level is read-only: a POST there is refused before any lookup)
        assert client.post(url(name, org), {"name": "x", "on": "01/01/2025"}).status_code in (
            (404, 405) if name == "organization-workspace-children" else (404,))
    assert client.get(reverse(name, args=[999999])).status_code == 404
    assert client.get(WS, {"open": tree["B1"].pk}).status_code == 404
    assert client.get(url("organization-workspace-move", tree["A1"]), {"parent": tree["B"].pk}).status_code == 404
    assert reload(tree["B1"]).name == "Đảng bộ cơ sở B1"


# --------------------------------------------------------------------------------------
# The tree, one level per request
# --------------------------------------------------------------------------------------
def test_the_page_shows_the_admin_subtree_one_level_deep(client, tree, admin_a):
    page = client.get(WS).content.decode()
    assert "Đảng ủy Khối A" in page and "Đảng bộ cơ sở A1" in page and "Đảng bộ cơ sở A2" in page
    assert "Chi bộ A1a" not in page, "grandchildren wait until their parent is opened"
    assert "Quận ủy B" not in page and "Thành ủy Thử nghiệm" not in page
    assert url("organization-workspace-children", tree["A1"]) in page
    assert 'aria-expanded="false"' in page


@pytest.mark.embedded
def test_children_come_one_level_per_request_in_a_constant_number_of_queries(client, tree, admin_a):
    make_org(tree["A1a"], code="A1a-x", name="Tổ đảng A1a-x")
    fragment = client.get(url("organization-workspace-children", tree["A1"]), **HX).content.decode()
    assert "Chi bộ A1a" in fragment and "Chi bộ A1b" in fragment
    assert "Tổ đảng A1a-x" not in fragment, "only one level"
    assert "<html" not in fragment
    with CaptureQueriesContext(connection) as few:
        client.get(url("organization-workspace-children", tree["A1"]), **HX)
    for i in range(15):
        make_org(tree["A1"], code=f"A1-{i:02d}", name=f"Chi bộ thêm {i}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url("organization-workspace-children", tree["A1"]), **HX).content.decode()
    assert "Chi bộ thêm 14" in page
    assert len(many) == len(few), "figures are counted per level, never per row"


def test_a_long_level_is_paged(client, tree, admin_a, monkeypatch):
    monkeypatch.setattr("organizations.workspace.CHILDREN_PAGE", 1)
    fragment = client.get(url("organization-workspace-children", tree["A1"]), **HX).content.decode()
    assert "Chi bộ A1a" in fragment and "Chi bộ A1b" not in fragment
    assert "Show 1 more unit" in fragment
    rest = client.get(url("organization-workspace-children", tree["A1"]), {"offset": 1}).content.decode()
    assert "Chi bộ A1b" in rest and "<html" in rest, "without a script, the rest is a page of its own"


def test_each_row_shows_the_unit_figures(client, tree, admin_a):
    a1 = tree["A1"]
    Organization.objects.filter(pk=a1.pk).update(member_count=1234)
    today = timezone.localdate()
    for name, end in (("Nguyễn Văn Một", None), ("Trần Thị Hai", today - dt.timedelta(days=400))):
        Position.objects.create(person=Person.objects.create(full_name=name), organization=a1,
                                title=PositionTitle.SECRETARY, start=dt.date(2015, 1, 1), end=end)
    for _ in range(3):
        ReportFactory(organization=a1)
    ReportFactory(organization=tree["A1a"])  # a report of a unit below is not the unit's own
    fragment = client.get(url("organization-workspace-children", tree["A"]), **HX).content.decode()
    row = fragment[fragment.index(f'id="unit-{a1.pk}"'):fragment.index(f'id="unit-{tree["A2"].pk}"')]
    assert "Grassroots party committee" in row and ">grassroots<" not in row
    assert "A1" in row and "1,234" in row
    assert "People in post: </span>1<" in row
    assert "Reports: </span>3<" in row
    assert "Units below: </span>2<" in row
    assert url("organization-detail", a1) in row


@pytest.mark.embedded
def test_closed_units_are_hidden_until_asked_and_say_how_they_ended(client, tree, admin_a):
    ended = dt.date(2025, 6, 30)
    Organization.objects.filter(pk=tree["A1a"].pk).update(valid_to=ended)
    Organization.objects.filter(pk=tree["A1b"].pk).update(valid_to=ended)
    reload(tree["A1b"]).successors.set([tree["A2"]])
    fragment = client.get(url("organization-workspace-children", tree["A1"]), **HX).content.decode()
    assert "Chi bộ A1a" not in fragment and "Chi bộ A1b" not in fragment
    page = client.get(WS).content.decode()
    assert "Units below: </span>0<" in page, "A1's children are all closed"
    assert "Show closed units" in page
    fragment = client.get(url("organization-workspace-children", tree["A1"]), {"closed": 1}, **HX).content.decode()
    assert "Chi bộ A1a" in fragment and "Dissolved from 01/07/2025" in fragment
    assert "Merged into Đảng bộ cơ sở A2 from 01/07/2025" in fragment


@pytest.mark.vietnamese
def test_closed_units_say_how_they_ended_in_vietnamese(client, tree, admin_a):
    Organization.objects.filter(pk=tree["A1b"].pk).update(valid_to=dt.date(2025, 6, 30))
    reload(tree["A1b"]).successors.set([tree["A2"]])
    fragment = client.get(url("organization-workspace-children", tree["A1"]), {"closed": 1}, **HX).content.decode()
    assert "Đã sáp nhập vào Đảng bộ cơ sở A2 từ 01/07/2025" in fragment


# --------------------------------------------------------------------------------------
# Search that opens the tree at the unit
# --------------------------------------------------------------------------------------
@pytest.mark.embedded
def test_search_without_accents_opens_the_tree_at_the_unit(client, tree, admin_a):
    q1 = make_org(tree["A1"], code="Q1", kind=OrgKind.CELL, name="Chi bộ Quận 1")
    make_org(tree["B1"], code="Q1B", kind=OrgKind.CELL, name="Chi bộ Quận 1 bên B")
    page = client.get(WS, {"q": "quan 1"}).content.decode()
    assert "1 unit found" in page
    assert "Chi bộ Quận 1 bên B" not in page, "only the admin's subtree is searched"
    # One hit: the tree is opened along its ancestors, the unit marked.
    tree_html = page[page.index('data-testid="workspace-tree"'):]
    assert f'id="unit-{q1.pk}"' in tree_html and "ws-target" in tree_html
    assert 'aria-current="true"' in tree_html
    assert "Chi bộ A1a" in tree_html and "Đảng bộ cơ sở A2" in tree_html  # siblings along the way
    assert "Quận ủy B" not in tree_html


def test_several_hits_are_links_that_open_the_tree_there(client, tree, admin_a):
    page = client.get(WS, {"q": "chi bo a1"}).content.decode()
    assert "2 units found" in page and f"?open={tree['A1b'].pk}" in page
    page = client.get(WS, {"open": tree["A1b"].pk}).content.decode()
    target = page[page.index(f'id="unit-{tree["A1b"].pk}"'):]
    assert target.index("ws-target") < target.index("</li>")
    assert "Chi bộ A1a" in page


def test_a_search_hit_that_is_closed_is_still_shown(client, tree, admin_a):
    Organization.objects.filter(pk=tree["A2"].pk).update(valid_to=dt.date(2020, 1, 1))
    assert "Đảng bộ cơ sở A2" not in client.get(WS, {"q": "dang bo co so a2"}).content.decode()
    page = client.get(WS, {"q": "dang bo co so a2", "closed": 1}).content.decode()
    assert "1 unit found" in page and "closed" in page
    page = client.get(WS, {"open": tree["A2"].pk}).content.decode()
    assert f'id="unit-{tree["A2"].pk}"' in page


# --------------------------------------------------------------------------------------
# Actions through their pages
# --------------------------------------------------------------------------------------
@pytest.mark.embedded
def test_create_a_unit_below(client, tree, admin_a):
    response = client.post(url("organization-workspace-create", tree["A1"]), {
        "code": "A1c", "name": "Chi bộ  A1c\u200b", "short_name": "CB A1c", "kind": OrgKind.CELL,
        "member_count": "12", "valid_from": "01/07/2025"})
    assert response.status_code == 302
    org = Organization.objects.get(code="A1c")
    assert org.name == "Chi bộ A1c" and org.valid_from == dt.date(2025, 7, 1)
    assert Organization.objects.get_parent(reload(org)).pk == tree["A1"].pk
    assert response["Location"].endswith(f"?open={org.pk}#unit-{org.pk}")
    entry = LogEntry.objects.get_for_object(org).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == admin_a
    page = client.get(response["Location"]).content.decode()
    assert "Chi bộ A1c" in page and "created below" in page


def test_create_with_bad_input_shows_the_form_again_with_what_was_typed(client, tree, admin_a):
    data = {"code": "A2", "name": "Chi bộ Mới Toanh", "kind": OrgKind.CELL, "member_count": "-3",
            "valid_from": "31/02/2025"}
    response = client.post(url("organization-workspace-create", tree["A1"]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Chi bộ Mới Toanh"' in page and 'value="-3"' in page and 'value="31/02/2025"' in page
    assert "Enter a valid date" in page and "greater than or equal to 0" in page
    response = client.post(url("organization-workspace-create", tree["A1"]), {**data, "member_count": "3",
                                                                               "valid_from": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "already exists" in page, "a code already used is refused"
    assert Organization.objects.filter(name="Chi bộ Mới Toanh").count() == 0


def test_no_unit_is_created_below_a_closed_unit(client, tree, admin_a):
    Organization.objects.filter(pk=tree["A2"].pk).update(valid_to=dt.date(2020, 1, 1))
    response = client.post(url("organization-workspace-create", tree["A2"]), {
        "code": "A2x", "name": "Chi bộ A2x", "kind": OrgKind.CELL, "member_count": "3"})
    assert response.status_code == 200 and "is closed: no unit can be added below it" in response.content.decode()
    assert not Organization.objects.filter(code="A2x").exists()


def test_edit_a_unit_on_the_audit_trail(client, tree, admin_a):
    form = client.get(url("organization-workspace-edit", tree["A1"])).content.decode()
    assert 'value="Đảng bộ cơ sở A1"' in form
    response = client.post(url("organization-workspace-edit", tree["A1"]), {
        "name": "Đảng bộ cơ sở A1 mới", "short_name": "", "kind": OrgKind.GRASSROOTS, "member_count": "40",
        "valid_from": ""})
    assert response.status_code == 302
    assert reload(tree["A1"]).name == "Đảng bộ cơ sở A1 mới"
    entry = LogEntry.objects.get_for_object(tree["A1"]).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == admin_a and entry.changes_dict["name"] == ["Đảng bộ cơ sở A1", "Đảng bộ cơ sở A1 mới"]
    response = client.post(url("organization-workspace-edit", tree["A1"]), {
        "name": "   ", "kind": OrgKind.GRASSROOTS, "member_count": "abc"})
    page = response.content.decode()
    assert response.status_code == 200 and "This field is required" in page and 'value="abc"' in page


def test_a_start_date_after_the_units_own_reports_is_refused_with_the_form_kept(client, tree, admin_a):
    """A start date of 31/12/9999 on a unit with 2019 reports was once saved without a word."""
    ReportFactory(organization=tree["A1"])  # March 2019
    edit = url("organization-workspace-edit", tree["A1"])
    data = {"name": "Đảng bộ cơ sở A1", "short_name": "", "kind": OrgKind.GRASSROOTS, "member_count": "0"}
    page = client.post(edit, {**data, "valid_from": "01/04/2019"}).content.decode()
    assert "1 report or meeting of this unit is for a time before 01/04/2019: choose an earlier date." in page
    assert 'value="01/04/2019"' in page
    assert reload(tree["A1"]).valid_from is None
    assert client.post(edit, {**data, "valid_from": "01/03/2019"}).status_code == 302
    assert reload(tree["A1"]).valid_from == dt.date(2019, 3, 1)


def test_the_admin_may_rename_their_own_unit_but_not_change_its_kind(client, tree, admin_a):
    fields = {"name": "Đảng ủy Khối A (mới)", "short_name": "", "member_count": "0", "valid_from": ""}
    response = client.post(url("organization-workspace-edit", tree["A"]), {**fields, "kind": OrgKind.BLOC})
    assert response.status_code == 302 and reload(tree["A"]).name == "Đảng ủy Khối A (mới)"
    response = client.post(url("organization-workspace-edit", tree["A"]), {**fields, "kind": OrgKind.DISTRICT})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Only an administrator above this unit can move it, close it or change its kind." in page
    assert reload(tree["A"]).kind == OrgKind.BLOC


REASON = "Quyết định số 12-QĐ/TU"


@pytest.mark.embedded
def test_move_with_a_confirmation_of_what_moves_along(client, tree, admin_root):
    ReportFactory(organization=tree["A1"])
    ReportFactory(organization=tree["A1a"])
    move = url("organization-workspace-move", tree["A1"])
    page = client.get(move, {"q": "quan uy b"}).content.decode()
    assert "Quận ủy B" in page and f'value="{tree["B"].pk}"' in page
    assert "Chi bộ A1a" not in page, "never its own subtree"
    confirm = client.get(move, {"q": "quan uy b", "parent": tree["B"].pk}).content.decode()
    assert "3 units (the unit and every unit below it)" in confirm and "2 reports" in confirm
    data = {"parent": tree["B"].pk, "q": "quan uy b", "effective": "01/07/2025", "reason": REASON}
    preview = client.post(move, {**data, "step": "preview"}).content.decode()
    assert "What will change" in preview and "2 units below it go along." in preview
    assert "“Đảng bộ cơ sở A1” goes from “Đảng ủy Khối A” to “Quận ủy B” from 01/07/2025." in preview
    assert reload(tree["A1"]).valid_to is None, "nothing changes before it is applied"
    response = post_previewed(client, move, data)
    assert response.status_code == 302
    moved = Organization.objects.get(code="A1")
    assert Organization.objects.get_parent(moved).pk == tree["B"].pk and moved.valid_from == dt.date(2025, 7, 1)
    assert Organization.objects.get(code="A1a").path.startswith(reload(tree["B"]).path), "the subtree goes along"
    old = reload(tree["A1"])
    assert old.valid_to == dt.date(2025, 6, 30) and Organization.objects.get_parent(old).pk == tree["A"].pk, "its history stays"
    assert response["Location"].endswith(f"?open={moved.pk}#unit-{moved.pk}")
    event = Reorganisation.objects.get()
    assert event.kind == "move" and event.actor == admin_root and event.reason == REASON
    entries = [e for e in LogEntry.objects.get_for_object(old) if e.action == LogEntry.Action.UPDATE]
    assert entries and all(e.actor == admin_root for e in entries)
    page = client.get(WS, {"open": tree["A"].pk, "closed": 1}).content.decode()
    assert "Transferred under Quận ủy B from 01/07/2025" in page
    below = client.get(url("organization-workspace-children", old), {"closed": 1}, **HX).content.decode()
    assert "Transferred under Đảng bộ cơ sở A1 from 01/07/2025" in below, "the units carried along say so too"


def test_move_with_bad_input_keeps_what_was_typed(client, tree, admin_root):
    move = url("organization-workspace-move", tree["A1"])
    response = client.post(move, {"parent": tree["B"].pk, "effective": "32/13/2025", "reason": "Theo đề án 7",
                                  "step": "preview"})
    page = response.content.decode()
    assert response.status_code == 200 and "Enter a valid date" in page
    assert 'value="32/13/2025"' in page and "Theo đề án 7</textarea>" in page
    page = client.post(move, {"parent": tree["B"].pk, "effective": "01/07/2025", "reason": "",
                              "step": "apply"}).content.decode()
    assert "This field is required" in page and 'value="01/07/2025"' in page
    assert reload(tree["A1"]).valid_to is None and not Reorganisation.objects.exists()


def test_moving_the_unit_of_ones_own_role_is_refused_with_the_reason(client, tree, admin_a):
    data = {"effective": "01/07/2025", "reason": REASON, "step": "apply"}
    response = client.post(url("organization-workspace-move", tree["A"]), {**data, "parent": tree["A2"].pk})
    assert response.status_code == 200
    assert "Only an administrator above this unit can move it" in response.content.decode()
    response = client.post(url("organization-workspace-move", tree["A1"]), {**data, "parent": tree["A1a"].pk})
    assert "lies inside “Đảng bộ cơ sở A1”" in response.content.decode()
    assert reload(tree["A1"]).valid_to is None and not Reorganisation.objects.exists()


def test_move_without_a_choice_says_so(client, tree, admin_a):
    response = client.post(url("organization-workspace-move", tree["A1"]), {"q": "zzz"})
    page = response.content.decode()
    assert response.status_code == 200 and "Choose the unit to move it under" in page and 'value="zzz"' in page


@pytest.mark.embedded
def test_close_a_unit_merged_into_a_successor(client, tree, admin_a):
    close = url("organization-workspace-close", tree["A1b"])
    data = {"effective": "01/07/2025", "reason": REASON, "successor_q": "chi bo"}
    response = client.post(close, {**data, "step": "preview"})
    page = response.content.decode()
    assert response.status_code == 200 and "Choose below the unit its work goes to" in page
    assert 'value="01/07/2025"' in page and f'value="{tree["A1a"].pk}"' in page
    page = client.post(close, {**data, "successor": tree["A1a"].pk, "step": "preview"}).content.decode()
    assert "What will change" in page and "merged into “Chi bộ A1a”" in page
    assert reload(tree["A1b"]).valid_to is None
    response = post_previewed(client, close, {**data, "successor": tree["A1a"].pk})
    assert response.status_code == 302
    org = reload(tree["A1b"])
    assert org.valid_to == dt.date(2025, 6, 30) and list(org.successors.all()) == [tree["A1a"]]
    event = Reorganisation.objects.get()
    assert event.actor == admin_a and event.kind == "dissolve"
    entries = [e for e in LogEntry.objects.get_for_object(org) if e.action == LogEntry.Action.UPDATE]
    assert entries and all(e.actor == admin_a for e in entries)
    assert any("valid_to" in e.changes_dict for e in entries)
    page = client.get(response["Location"]).content.decode()
    assert "Merged into Chi bộ A1a from 01/07/2025" in page


def test_close_by_exact_code_and_bad_dates(client, tree, admin_a):
    close = url("organization-workspace-close", tree["A2"])
    data = {"reason": REASON, "step": "apply"}
    response = client.post(close, {**data, "effective": "tomorrow", "successor_q": "A1"})
    page = response.content.decode()
    assert response.status_code == 200 and "Enter a valid date" in page and 'value="tomorrow"' in page
    Organization.objects.filter(pk=tree["A2"].pk).update(valid_from=dt.date(2020, 1, 1))
    page = client.post(close, {**data, "effective": "01/01/2019"}).content.decode()
    assert "only starts on" in page and 'value="01/01/2019"' in page
    response = post_previewed(client, close, {"reason": REASON, "effective": "01/01/2025", "successor_q": "a1"})
    assert response.status_code == 302
    assert list(reload(tree["A2"]).successors.all()) == [tree["A1"]]


def test_dissolve_without_a_successor(client, tree, admin_a):
    response = post_previewed(client, url("organization-workspace-close", tree["A1"]),
                              {"effective": "01/01/2025", "reason": REASON})
    assert response.status_code == 302
    assert reload(tree["A1"]).valid_to == dt.date(2024, 12, 31)
    assert reload(tree["A1a"]).valid_to == dt.date(2024, 12, 31), "the units below close with it"
    page = client.get(WS, {"closed": 1, "open": tree["A1"].pk}).content.decode()
    assert "Dissolved from 01/01/2025" in page
    assert "Chi bộ A1a" not in client.get(WS, {"open": tree["A"].pk}).content.decode()


def test_closing_ones_own_unit_is_refused(client, tree, admin_a):
    page = client.post(url("organization-workspace-close", tree["A"]),
                       {"effective": "01/01/2025", "reason": REASON, "step": "apply"}).content.decode()
    assert "Only an administrator above this unit can move it, close it" in page
    assert reload(tree["A"]).valid_to is None


def test_a_successor_outside_the_subtree_cannot_be_chosen(client, tree, admin_a):
    close = url("organization-workspace-close", tree["A2"])
    data = {"effective": "01/01/2025", "reason": REASON, "step": "apply"}
    assert client.post(close, {**data, "successor": tree["B1"].pk}).status_code == 404
    page = client.post(close, {**data, "successor_q": "B1"}).content.decode()
    assert "No open unit in your part of the tree matches" in page
    assert reload(tree["A2"]).valid_to is None


def test_operators_see_every_root(client, tree, make_user):
    operator = make_user("op")
    operator.is_superuser = True
    operator.save()
    client.force_login(operator)
    page = client.get(WS).content.decode()
    assert "Thành ủy Thử nghiệm" in page and "Quận ủy B" in page


def test_a_successor_typed_anew_replaces_the_one_ticked_before(client, tree, admin_a):
    close = url("organization-workspace-close", tree["A1b"])
    data = {"effective": "01/07/2025", "reason": REASON, "successor": tree["A1a"].pk, "step": "apply"}
    assert post_previewed(client, close, {**data, "successor_q": "A2"}).status_code == 302
    assert list(reload(tree["A1b"]).successors.all()) == [tree["A2"]]


def test_units_with_numbering_gaps_or_repeats_are_flagged(client, tree, admin_root):
    """Meeting 16 after 14 in one term: the unit's row says so and leads to its page."""
    from meetings.models import Meeting, MeetingKind
    from organizations.models import Term

    term = Term.objects.create(organization=tree["A"], ordinal=2, start_year=2015, end_year=2020)
    for n, day in ((14, dt.date(2019, 3, 1)), (16, dt.date(2019, 9, 1))):
        Meeting.objects.create(organization=tree["A"], term=term, kind=MeetingKind.PLENUM, sequence=n, date=day,
                               title=f"Hội nghị lần thứ {n}")
    page = client.get(WS, {"open": tree["A"].pk}).content.decode()
    assert 'data-testid="numbering-A"' in page and "numbers missing or repeated" in page
    assert 'data-testid="numbering-B"' not in page
