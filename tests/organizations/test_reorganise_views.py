"""The merger and split pages: preview in words first, apply second, refusals keep the input."""
from __future__ import annotations

import pytest
from django.urls import reverse

from organizations.models import Organization, OrgKind, Reorganisation, RoleKind
from tests.factories import post_previewed

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(tree, client, make_user):
    client.force_login(make_user("admin_a", tree["A"], RoleKind.ADMIN))
    return client


def merge_data(**extra):
    data = {"mode": "existing", "into": "", "effective": "2025-07-01", "reason": "Quyết định số 321-QĐ/TW",
            "step": "preview"}
    data.update(extra)
    return data


def test_merge_preview_changes_nothing_then_apply_records_it(tree, admin):
    url = reverse("organization-merge", args=[tree["A2"].pk])
    page = admin.post(url, merge_data(into="dang bo co so a1"))  # a name without diacritics
    assert page.status_code == 200
    text = page.content.decode()
    assert "What will change" in text and "merged into “Đảng bộ cơ sở A1”" in text
    assert Organization.objects.get(pk=tree["A2"].pk).valid_to is None

    done = post_previewed(admin, url, merge_data(into="A1"))
    assert done.status_code == 302 and done["Location"] == reverse("organization-detail", args=[tree["A1"].pk])
    ended = Organization.objects.get(pk=tree["A2"].pk)
    assert str(ended.valid_to) == "2025-06-30"
    page = admin.get(reverse("organization-detail", args=[ended.pk])).content.decode()
    assert "Merged into Đảng bộ cơ sở A1; this unit ended on 30/06/2025." in page
    assert "Quyết định số 321-QĐ/TW" in page  # the reason in the lineage table
    successor_page = admin.get(reverse("organization-detail", args=[tree["A1"].pk])).content.decode()
    assert "Lineage" in successor_page and "Đảng bộ cơ sở A2" in successor_page


def test_merge_into_a_new_unit(tree, admin):
    url = reverse("organization-merge", args=[tree["A1"].pk])
    data = merge_data(mode="new", others=[tree["A2"].pk], new_code="A3", new_name="Đảng bộ cơ sở A3",
                      new_kind=OrgKind.GRASSROOTS, new_parent="A")
    assert post_previewed(admin, url, data).status_code == 302
    a3 = Organization.objects.get(code="A3")
    assert set(Organization.objects.filter(successors=a3).values_list("code", flat=True)) == {"A1", "A2"}


def test_a_refused_merge_keeps_what_was_typed_and_says_why(tree, admin):
    url = reverse("organization-merge", args=[tree["A2"].pk])
    page = admin.post(url, merge_data(into="B1", reason="lý do của tôi"))  # B1 is outside the admin's subtree
    text = page.content.decode()
    assert "No unit of yours matches “B1”." in text
    assert "lý do của tôi" in text and 'value="B1"' in text
    assert not Reorganisation.objects.exists()
    missing = admin.post(url, merge_data(into="A1", reason="")).content.decode()
    assert "This field is required." in missing


def test_several_matching_names_are_listed_with_their_codes(tree, admin):
    page = admin.post(reverse("organization-merge", args=[tree["A2"].pk]), merge_data(into="chi bo"))
    text = page.content.decode()
    assert "Several units match" in text and "(A1a)" in text and "(A1b)" in text


def test_split_page_places_each_child(tree, admin):
    url = reverse("organization-split", args=[tree["A1"].pk])
    data = {"part1_code": "A1-X", "part1_name": "Đảng bộ X", "part1_kind": OrgKind.GRASSROOTS, "part2_into": "A2",
            f"child_{tree['A1a'].pk}": "1", f"child_{tree['A1b'].pk}": "2", "effective": "2025-07-01",
            "reason": "Chia tách", "step": "preview"}
    page = admin.post(url, data).content.decode()
    assert "split into “Đảng bộ X”, “Đảng bộ cơ sở A2”" in page
    assert post_previewed(admin, url, data).status_code == 302
    assert Organization.objects.get(code="A1-X").numchild == 1


def test_reorganisation_pages_are_404_outside_the_admin_subtree(tree, admin, client):
    for name in ("organization-merge", "organization-split"):
        assert admin.get(reverse(name, args=[tree["B1"].pk])).status_code == 404


def test_staff_cannot_open_the_reorganisation_pages(tree, client, make_user):
    client.force_login(make_user("staff_a", tree["A"], RoleKind.STAFF))
    assert client.get(reverse("organization-merge", args=[tree["A1"].pk])).status_code == 404


def test_a_change_edited_after_its_preview_is_previewed_again_not_applied(tree, admin):
    url = reverse("organization-merge", args=[tree["A2"].pk])
    digest = admin.post(url, merge_data(into="A1")).context["plan_digest"]
    page = admin.post(url, merge_data(into="A1", effective="2025-08-01", step="apply", digest=digest))
    text = page.content.decode()
    assert page.status_code == 200 and "not the one previewed" in text and "31/07/2025" in text
    assert Organization.objects.get(pk=tree["A2"].pk).valid_to is None and not Reorganisation.objects.exists()


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31", "1929-12-31"])
def test_an_impossible_effective_date_is_refused_on_every_page_with_the_form_kept(tree, admin, typed):
    """Year 1 once crashed the pages (the day before it does not exist); year 9999 was taken."""
    pages = [
        (reverse("organization-merge", args=[tree["A2"].pk]), merge_data(into="A1", effective=typed)),
        (reverse("organization-split", args=[tree["A1"].pk]),
         {"part1_code": "A1-X", "part1_name": "Đảng bộ X", "part1_kind": OrgKind.GRASSROOTS, "part2_into": "A2",
          f"child_{tree['A1a'].pk}": "1", f"child_{tree['A1b'].pk}": "2", "effective": typed,
          "reason": "Chia tách", "step": "preview"}),
        (reverse("organization-workspace-close", args=[tree["A2"].pk]),
         {"reason": "Giải thể", "effective": typed, "successor_q": "A1", "step": "preview"}),
        (reverse("organization-workspace-move", args=[tree["A1b"].pk]),
         {"parent": tree["A2"].pk, "effective": typed, "reason": "Điều chuyển", "step": "preview"}),
    ]
    for url, data in pages:
        response = admin.post(url, data)
        page = response.content.decode()
        assert response.status_code == 200, url
        assert "Choose an effective date between 01/01/1930 and" in page, url
        assert f'value="{typed}"' in page, url
    assert not Reorganisation.objects.exists()
    assert not Organization.objects.filter(valid_to__isnull=False).exists()


def test_lists_and_lineage_say_how_and_when_a_unit_ended(tree, admin):
    """A merged unit is not listed as "dissolved"; a cell carried along has the date in its lineage."""
    assert post_previewed(admin, reverse("organization-merge", args=[tree["A1"].pk]),
                          merge_data(into="A2")).status_code == 302
    parent_page = admin.get(reverse("organization-detail", args=[tree["A"].pk])).content.decode()
    assert "Merged into Đảng bộ cơ sở A2 from 01/07/2025" in parent_page
    assert ">dissolved<" not in parent_page
    old_cell = Organization.objects.get(pk=tree["A1a"].pk)
    new_cell = Organization.objects.get(code="A1a")
    assert old_cell.pk != new_cell.pk
    old_page = admin.get(reverse("organization-detail", args=[tree["A1"].pk])).content.decode()
    assert "Transferred under Đảng bộ cơ sở A2 from 01/07/2025" in old_page  # its cells went along
    for cell in (old_cell, new_cell):
        lineage = admin.get(reverse("organization-detail", args=[cell.pk])).content.decode()
        lineage = lineage[lineage.index('id="lineage-title"'):lineage.index("</table>", lineage.index('id="lineage-title"'))]
        assert "01/07/2025" in lineage, cell.code
