"""The links step (/bao-cao/<id>/lien-ket/) loses nothing: stale saves are refused, a bad value
is marked next to its field with everything else as typed, numbers are read in the user's
language, and an unticked suggestion stays unticked."""
from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings import services
from meetings.models import ImplementationLink, Report, ReportEvent, TargetContribution
from organizations.models import RoleKind
from tests.factories import DirectiveFactory, TargetFactory

pytestmark = pytest.mark.django_db

BODY = "Chi bộ tiếp tục thực hiện Chỉ thị 05-CT/TW và Kết luận 21-KL/TW của Bộ Chính trị."


@pytest.fixture
def world(tree, make_user):
    ct05 = DirectiveFactory(number="05", kind="CT", issue_date=dt.date(2016, 5, 15))
    kl21 = DirectiveFactory(number="21", kind="KL", issue_date=dt.date(2017, 10, 24))
    other = DirectiveFactory(number="35", kind="CT", title="Về đại hội đảng bộ các cấp")
    members = TargetFactory(directive=ct05, name="Đảng viên mới", unit="đảng viên", value=2000)
    courses = TargetFactory(directive=ct05, name="Lớp học tập", unit="lớp", value=50)
    other_target = TargetFactory(directive=other, name="Chi bộ đạt chuẩn", unit="chi bộ", value=10)
    staff = make_user("staff_a", tree["A"], RoleKind.STAFF)
    colleague = make_user("staff_b", tree["A1"], RoleKind.STAFF)
    report = services.report_create(actor=staff, organization=tree["A1a"], kind="periodic", period_kind="month",
                                    period_start=dt.date(2019, 3, 1), period_end=dt.date(2019, 3, 31),
                                    title="Báo cáo tháng 3/2019", body=BODY)
    return {"ct05": ct05, "kl21": kl21, "other": other, "members": members, "courses": courses,
            "other_target": other_target, "staff": staff, "colleague": colleague, "report": report}


def url(report: Report) -> str:
    return reverse("report-links", args=[report.pk])


def row(directive, *, keep=True, assessment="in_progress", note="", spans="", **targets) -> dict:
    """The fields one row of the page sends (``targets`` as target_<pk>=value)."""
    prefix = f"link-{directive.pk}-"
    data = {prefix + "assessment": assessment, prefix + "note": note, prefix + "spans": spans}
    if keep:
        data[prefix + "keep"] = "on"
    for name, value in targets.items():
        data[prefix + "target-" + name.removeprefix("target_")] = value
    return data


def post(client, report: Report, rows: list[tuple], version: int, **extra):
    data = {"directive": [str(d.pk) for d, _ in rows], "version": str(version), "save": "1", **extra}
    for _directive, fields in rows:
        data.update(fields)
    return client.post(url(report), data)


def checkbox(page: str, directive) -> str:
    match = re.search(rf'<input type="checkbox" name="link-{directive.pk}-keep"[^>]*>', page)
    assert match, f"no checkbox for {directive}"
    return match.group(0)


def field_value(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert match, f"no input {name}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else ""


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, f"no textarea {name}"
    return html.unescape(match.group(1)).strip("\n")


def selected(page: str, name: str) -> str:
    match = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    assert match, f"no select {name}"
    option = re.search(r'<option value="([^"]*)" selected>', match.group(1))
    return option.group(1) if option else ""


def typed_page(w) -> list[tuple]:
    """A page as a user leaves it: CT 05 kept with a narrative and two contributions, KL 21
    unticked, CT 35 added from the search with a contribution."""
    return [
        (w["ct05"], row(w["ct05"], assessment="done", note="Đã quán triệt đến 100% đảng viên",
                        **{f"target_{w['members'].pk}": "12", f"target_{w['courses'].pk}": "3"})),
        (w["kl21"], row(w["kl21"], keep=False, assessment="behind", note="Chưa triển khai")),
        (w["other"], row(w["other"], assessment="behind", note="Bổ sung từ tìm kiếm",
                         **{f"target_{w['other_target'].pk}": "4"})),
    ]


def assert_page_as_typed(page: str, w) -> None:
    """Every value of ``typed_page`` is on the page again, as the user left it."""
    ct05, kl21, other = w["ct05"], w["kl21"], w["other"]
    assert "checked" in checkbox(page, ct05)
    assert "checked" not in checkbox(page, kl21), "an unticked suggestion stays unticked"
    assert "checked" in checkbox(page, other), "the directive added from the search is still there"
    assert selected(page, f"link-{ct05.pk}-assessment") == "done"
    assert selected(page, f"link-{kl21.pk}-assessment") == "behind"
    assert selected(page, f"link-{other.pk}-assessment") == "behind"
    assert textarea(page, f"link-{ct05.pk}-note") == "Đã quán triệt đến 100% đảng viên"
    assert textarea(page, f"link-{kl21.pk}-note") == "Chưa triển khai"
    assert textarea(page, f"link-{other.pk}-note") == "Bổ sung từ tìm kiếm"
    assert field_value(page, f"link-{other.pk}-target-{w['other_target'].pk}") == "4"


def nothing_saved(report: Report, version: int = 1) -> None:
    report.refresh_from_db()
    assert report.version == version
    assert not ImplementationLink.objects.filter(report=report).exists()
    assert not report.dismissed_directives.exists()
    assert list(report.events.values_list("action", flat=True)) == ["created"]


# --- the page as drawn --------------------------------------------------------------------------

def test_the_page_carries_the_version_and_ticks_every_suggestion(client, world):
    client.force_login(world["staff"])
    page = client.get(url(world["report"])).content.decode()
    assert re.search(r'<input type="hidden" name="version" value="1"', page)
    assert "checked" in checkbox(page, world["ct05"]) and "checked" in checkbox(page, world["kl21"])
    assert f'name="link-{world["ct05"].pk}-target-{world["members"].pk}"' in page
    assert 'Contribution to “Đảng viên mới” (đảng viên)' in page


def test_a_row_added_from_the_search_is_drawn_with_its_targets(client, world):
    client.force_login(world["staff"])
    response = client.get(url(world["report"]), {"row": world["other"].pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Added by you" in page and "checked" in checkbox(page, world["other"])
    assert f'name="link-{world["other"].pk}-target-{world["other_target"].pk}"' in page
    for bogus in ("²", "9" * 5000, "999999999", "abc"):
        assert client.get(url(world["report"]), {"row": bogus}).status_code == 404


# --- optimistic locking ---------------------------------------------------------------------------

@pytest.mark.embedded
def test_a_stale_save_is_refused_and_both_versions_are_shown(client, world):
    report, ct05 = world["report"], world["ct05"]
    client.force_login(world["colleague"])
    first = post(client, report, [(ct05, row(ct05, assessment="done", note="Bản của đồng chí B",
                                             **{f"target_{world['members'].pk}": "7"}))], version=1)
    assert first.status_code == 302
    events = ReportEvent.objects.filter(report=report).count()

    client.force_login(world["staff"])
    second = post(client, report, [(ct05, row(ct05, assessment="behind", note="Bản của tôi",
                                              **{f"target_{world['members'].pk}": "99"}))], version=1)
    page = second.content.decode()
    assert second.status_code == 409
    assert "staff_b saved this report while you were editing it" in page, "the message names who saved"
    assert textarea(page, f"link-{ct05.pk}-note") == "Bản của tôi", "what the user sent is kept in the form"
    assert selected(page, f"link-{ct05.pk}-assessment") == "behind"
    assert field_value(page, f"link-{ct05.pk}-target-{world['members'].pk}") == "99"
    saved = page[page.index('data-testid="saved-links"'):]
    saved = saved[:saved.index("</section>")]
    assert "Bản của đồng chí B" in saved and "Completed" in saved and "7 đảng viên" in saved
    assert re.search(r'<input type="hidden" name="version" value="2"', page), "the next save replaces knowingly"

    link = ImplementationLink.objects.get(report=report)
    assert (link.assessment, link.note) == ("done", "Bản của đồng chí B")
    assert link.contributions.get().value == 7
    report.refresh_from_db()
    assert report.version == 2 and ReportEvent.objects.filter(report=report).count() == events


def test_a_save_bumps_the_version_and_records_one_event_saying_what_changed(client, world):
    report, ct05, kl21 = world["report"], world["ct05"], world["kl21"]
    client.force_login(world["staff"])
    response = post(client, report, [(ct05, row(ct05, assessment="done", note="Đã làm",
                                                **{f"target_{world['members'].pk}": "12"})),
                                     (kl21, row(kl21, keep=False))], version=1)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.version == 2
    event = report.events.get(action="links")
    assert event.actor == world["staff"] and event.version == 2
    entries = {e["directive"]: e for e in event.changes["links"]}
    assert entries[ct05.label]["change"] == "linked"
    assert entries[ct05.label]["assessment"] == [None, "done"]
    assert entries[ct05.label]["contributions"] == [["Đảng viên mới (đảng viên)", None, "12"]]
    assert entries[kl21.label]["change"] == "dismissed"

    post(client, report, [(ct05, row(ct05, assessment="behind", note="Đã làm",
                                     **{f"target_{world['members'].pk}": "15"})),
                          (kl21, row(kl21, keep=False))], version=2)
    report.refresh_from_db()
    change = report.events.filter(action="links").latest("id").changes["links"]
    assert change == [{"directive": ct05.label, "directive_id": ct05.pk, "change": "changed",
                       "assessment": ["done", "behind"],
                       "contributions": [["Đảng viên mới (đảng viên)", "12", "15"]]}]
    assert report.version == 3

    unchanged = post(client, report, [(ct05, row(ct05, assessment="behind", note="Đã làm",
                                                 **{f"target_{world['members'].pk}": "15"})),
                                      (kl21, row(kl21, keep=False))], version=3)
    assert unchanged.status_code == 302
    report.refresh_from_db()
    assert report.version == 3 and report.events.filter(action="links").count() == 2, "no change, no new version"


# --- validation that loses nothing --------------------------------------------------------------

@pytest.mark.parametrize("bad", ["abc", "²", "5" * 5000, "-5", "1e5", "NaN", "Infinity", "٣", "12 000", "0x10",
                                 "1,000.5.5", "1234567890123"])
def test_a_bad_contribution_is_marked_and_everything_typed_comes_back(client, world, bad):
    report = world["report"]
    rows = typed_page(world)
    rows[0][1][f"link-{world['ct05'].pk}-target-{world['members'].pk}"] = bad
    client.force_login(world["staff"])
    response = post(client, report, rows, version=1)
    page = response.content.decode()
    assert response.status_code == 200
    field_id = f"link-{world['ct05'].pk}-target-{world['members'].pk}"
    field = re.search(rf'<input[^>]*name="{field_id}"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field and f'aria-describedby="{field_id}_error"' in field
    error = re.search(rf'<div class="invalid-feedback d-block" id="{field_id}_error">([^<]+)</div>', page)
    assert error, "the message is next to the field"
    assert f'href="#{field_id}"' in page, "the summary at the top links to the field"
    if len(bad) < 100:
        assert field_value(page, field_id) == bad, "the bad value is shown as typed, to be corrected"
    assert field_value(page, f"link-{world['ct05'].pk}-target-{world['courses'].pk}") == "3"
    assert_page_as_typed(page, world)
    nothing_saved(report)


@pytest.mark.parametrize(("bad", "message"), [
    ("-5", "A contribution cannot be negative."),
    ("5" * 5000, "Too large: at most 12 digits before the decimal mark."),
    ("1234567890123", "Too large: at most 12 digits before the decimal mark."),
    ("1.255", "At most 2 digits after the decimal mark."),
    ("abc", "Type a number with the digits 0 to 9, written like 1,234.5"),
    ("²", "Type a number with the digits 0 to 9"),
])
def test_each_bad_number_gets_a_message_that_says_what_to_do(client, world, bad, message):
    client.force_login(world["staff"])
    ct05 = world["ct05"]
    page = post(client, world["report"], [(ct05, row(ct05, **{f"target_{world['members'].pk}": bad}))],
                version=1).content.decode()
    assert html.escape(message, quote=False) in page
    nothing_saved(world["report"])


def test_every_bad_field_is_reported_at_once(client, world):
    rows = typed_page(world)
    rows[0][1][f"link-{world['ct05'].pk}-target-{world['members'].pk}"] = "abc"
    rows[0][1][f"link-{world['ct05'].pk}-target-{world['courses'].pk}"] = "-1"
    rows[2][1][f"link-{world['other'].pk}-target-{world['other_target'].pk}"] = "²"
    rows[2][1][f"link-{world['other'].pk}-assessment"] = "excellent"
    client.force_login(world["staff"])
    page = post(client, world["report"], rows, version=1).content.decode()
    assert "Not saved: 4 values need correcting." in page
    assert page.count('aria-invalid="true"') == 4
    nothing_saved(world["report"])


def test_an_unticked_row_with_a_bad_value_does_not_block_the_others(client, world):
    rows = typed_page(world)
    rows[1][1][f"link-{world['kl21'].pk}-note"] = "x" * 3000  # too long, but the row is unticked
    client.force_login(world["staff"])
    assert post(client, world["report"], rows, version=1).status_code == 302
    assert set(world["report"].links.values_list("directive", flat=True)) == {world["ct05"].pk, world["other"].pk}


@pytest.mark.vietnamese
def test_numbers_are_read_and_shown_the_vietnamese_way(client, world):
    ct05, report = world["ct05"], world["report"]
    client.force_login(world["staff"])
    response = post(client, report, [(ct05, row(ct05, **{f"target_{world['members'].pk}": "1.000",
                                                         f"target_{world['courses'].pk}": "37,5"}))], version=1)
    assert response.status_code == 302
    values = dict(TargetContribution.objects.values_list("target__name", "value"))
    assert values == {"Đảng viên mới": Decimal("1000"), "Lớp học tập": Decimal("37.5")}
    page = client.get(url(report)).content.decode()
    assert field_value(page, f"link-{ct05.pk}-target-{world['members'].pk}") == "1.000"
    assert field_value(page, f"link-{ct05.pk}-target-{world['courses'].pk}") == "37,5"
    resaved = post(client, report, [(ct05, row(ct05, **{f"target_{world['members'].pk}": "1.000",
                                                        f"target_{world['courses'].pk}": "37,5"}))], version=2)
    assert resaved.status_code == 302
    report.refresh_from_db()
    assert report.version == 2, "what the page shows saves back unchanged"


@pytest.mark.vietnamese
def test_an_english_decimal_point_in_vietnamese_is_a_question_not_a_guess(client, world):
    ct05 = world["ct05"]
    client.force_login(world["staff"])
    page = post(client, world["report"], [(ct05, row(ct05, **{f"target_{world['members'].pk}": "37.5"}))],
                version=1).content.decode()
    assert "1.234,5" in page, "the message shows how Vietnamese writes numbers"
    nothing_saved(world["report"])


def test_numbers_are_read_the_english_way_in_english(client, world):
    ct05 = world["ct05"]
    client.force_login(world["staff"])
    post(client, world["report"], [(ct05, row(ct05, **{f"target_{world['members'].pk}": "1,000",
                                                       f"target_{world['courses'].pk}": "37.5"}))], version=1)
    values = dict(TargetContribution.objects.values_list("target__name", "value"))
    assert values == {"Đảng viên mới": Decimal("1000"), "Lớp học tập": Decimal("37.5")}
    page = client.get(url(world["report"])).content.decode()
    assert field_value(page, f"link-{ct05.pk}-target-{world['members'].pk}") == "1,000"


@pytest.mark.parametrize("bogus", ["²", "9" * 5000, "-1", "999999999"])
def test_tampered_ids_are_refused_with_a_message_not_an_error_page(client, world, bogus):
    client.force_login(world["staff"])
    rows = typed_page(world)
    data = {"directive": [str(world["ct05"].pk), bogus], "version": "1",
            **rows[0][1], f"link-{bogus}-keep": "on", f"link-{world['ct05'].pk}-spans": "²:³",
            f"link-{world['ct05'].pk}-target-{bogus}": "5"}
    # As a browser sends a plain form (a multipart part's name must fit in its header).
    response = client.post(url(world["report"]), urlencode(data, doseq=True),
                           content_type="application/x-www-form-urlencoded")
    page = response.content.decode()
    assert response.status_code == 200
    assert textarea(page, f"link-{world['ct05'].pk}-note") == "Đã quán triệt đến 100% đảng viên"
    nothing_saved(world["report"])


@pytest.mark.parametrize("version", ["", "²", "9" * 5000, "abc"])
def test_a_page_without_a_valid_version_saves_nothing(client, world, version):
    client.force_login(world["staff"])
    data = {"directive": [str(world["ct05"].pk)], "version": version, **typed_page(world)[0][1]}
    response = client.post(url(world["report"]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "This page is out of date: open the report again." in page
    assert textarea(page, f"link-{world['ct05'].pk}-note") == "Đã quán triệt đến 100% đảng viên"
    nothing_saved(world["report"])


# --- unticked stays unticked ----------------------------------------------------------------------

@pytest.mark.embedded
def test_an_unticked_suggestion_stays_unticked_after_a_save_and_after_an_error(client, world):
    report, ct05, kl21 = world["report"], world["ct05"], world["kl21"]
    client.force_login(world["staff"])
    assert post(client, report, [(ct05, row(ct05)), (kl21, row(kl21, keep=False))], version=1).status_code == 302
    page = client.get(url(report)).content.decode()
    assert "checked" in checkbox(page, ct05) and "checked" not in checkbox(page, kl21)

    # A bad value elsewhere on the page does not tick it again either.
    error = post(client, report, [(ct05, row(ct05, **{f"target_{world['members'].pk}": "abc"})),
                                  (kl21, row(kl21, keep=False))], version=2)
    assert error.status_code == 200 and "checked" not in checkbox(error.content.decode(), kl21)

    # "Save and submit" from that page links only what the user ticked.
    response = post(client, report, [(ct05, row(ct05)), (kl21, row(kl21, keep=False))], version=2, submit="1")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    assert list(report.links.values_list("directive", flat=True)) == [ct05.pk]


def test_an_unticked_link_comes_back_unticked_and_ticking_it_again_links_it(client, world):
    report, ct05, kl21 = world["report"], world["ct05"], world["kl21"]
    client.force_login(world["staff"])
    post(client, report, [(ct05, row(ct05)), (kl21, row(kl21, note="Có"))], version=1)
    post(client, report, [(ct05, row(ct05)), (kl21, row(kl21, keep=False, note="Có"))], version=2)
    report.refresh_from_db()
    assert list(report.links.values_list("directive", flat=True)) == [ct05.pk]
    assert list(report.dismissed_directives.all()) == [kl21]
    page = client.get(url(report)).content.decode()
    assert "checked" not in checkbox(page, kl21)
    post(client, report, [(ct05, row(ct05)), (kl21, row(kl21))], version=3)
    assert set(report.links.values_list("directive", flat=True)) == {ct05.pk, kl21.pk}
    assert not report.dismissed_directives.exists()


def test_a_stored_link_the_page_did_not_send_is_kept_as_stored(client, world):
    report, ct05, kl21 = world["report"], world["ct05"], world["kl21"]
    client.force_login(world["staff"])
    post(client, report, [(ct05, row(ct05, note="Giữ nguyên")), (kl21, row(kl21))], version=1)
    assert post(client, report, [(kl21, row(kl21, note="Sửa"))], version=2).status_code == 302
    assert report.links.get(directive=ct05).note == "Giữ nguyên"


# --- the service on its own ----------------------------------------------------------------------

def test_the_service_refuses_a_negative_or_huge_value_without_touching_the_database(world):
    ct05, report = world["ct05"], world["report"]
    for value in (Decimal("-5"), "-5", Decimal("1e20"), "1" * 5000, Decimal("NaN"), "²"):
        with pytest.raises(ValidationError) as err:
            services.report_set_links(actor=world["staff"], report_id=report.pk, expected_version=1, links=[
                services.LinkInput(directive_id=ct05.pk, contributions={world["members"].pk: value})])
        assert f"link-{ct05.pk}-target-{world['members'].pk}" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.report_set_links(actor=world["staff"], report_id=report.pk, expected_version=1, links=[
            services.LinkInput(directive_id=ct05.pk, contributions={world["other_target"].pk: "1"})])
    assert "cannot contribute to this target" in str(err.value)
    nothing_saved(report)


def test_only_the_units_own_and_its_ancestors_targets_are_offered_or_accepted(client, world, tree):
    """A sibling's goal is its own: not offered on the page, refused by the service."""
    ct05, report = world["ct05"], world["report"]
    above = TargetFactory(directive=ct05, organization=tree["A1"], name="Mục tiêu của A1", unit="chi bộ", value=5)
    sibling = TargetFactory(directive=ct05, organization=tree["A2"], name="Mục tiêu riêng của A2", unit="lớp", value=9)
    client.force_login(world["staff"])
    page = client.get(url(report)).content.decode()
    assert "Mục tiêu của A1" in page and "Đảng viên mới" in page
    assert "Mục tiêu riêng của A2" not in page
    with pytest.raises(ValidationError) as err:
        services.report_set_links(actor=world["staff"], report_id=report.pk, expected_version=1, links=[
            services.LinkInput(directive_id=ct05.pk, contributions={sibling.pk: "1"})])
    assert f"link-{ct05.pk}-target-{sibling.pk}" in err.value.message_dict
    nothing_saved(report)
    services.report_set_links(actor=world["staff"], report_id=report.pk, expected_version=1, links=[
        services.LinkInput(directive_id=ct05.pk, contributions={above.pk: "2"})])
    assert report.links.get().contributions.get().target == above


def test_the_service_refuses_a_stale_version(world):
    report = world["report"]
    services.report_set_links(actor=world["staff"], report_id=report.pk, expected_version=1,
                              links=[services.LinkInput(directive_id=world["ct05"].pk, note="Một")])
    with pytest.raises(services.ConcurrentEditError) as err:
        services.report_set_links(actor=world["colleague"], report_id=report.pk, expected_version=1,
                                  links=[services.LinkInput(directive_id=world["kl21"].pk)])
    assert err.value.current.version == 2
    assert list(report.links.values_list("directive", flat=True)) == [world["ct05"].pk]
