"""The search page and its query: folding, symbols, scope, ranking and safe highlighting.

Run on PostgreSQL (trigram indexes, ``rt_fold`` from the migration) and, marked ``embedded``,
on SQLite (``rt_fold`` registered from Python): the same data must give the same answers.
"""
from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.urls import reverse

from meetings.models import ImplementationLink, ReportStatus
from organizations.models import Person, Position, PositionTitle
from organizations.text import search_key
from resolutions.symbols import DirectiveKind
from search.highlight import excerpt
from search.query import parse
from tests.factories import (
    DirectiveFactory,
    MeetingFactory,
    ReportFactory,
    UserFactory,
    grant,
)

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def report(org, title, body, **extra):
    r = ReportFactory(organization=org, title=title, body=body, **extra)
    r.search_text = search_key(f"{r.title} {r.body}")
    r.save(update_fields=["search_text"])
    return r


@pytest.fixture
def world(tree):
    ct05 = DirectiveFactory(kind=DirectiveKind.CHI_THI, number="05", title="Về đẩy mạnh học tập và làm theo tư tưởng, "
                            "đạo đức, phong cách Hồ Chí Minh")
    nq54 = DirectiveFactory(kind=DirectiveKind.NGHI_QUYET, number="54", title="Về xây dựng và phát triển thành phố")
    a1a, a2, b1 = tree["A1a"], tree["A2"], tree["B1"]
    cited = report(a1a, "Báo cáo sơ kết chuyên đề", "Chi bộ tiếp tục thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị.")
    ImplementationLink.objects.create(report=cited, directive=ct05)
    worded = report(a1a, "Báo cáo học tập chuyên đề năm 2019", "Nội dung chỉ đạo sâu sát của cấp ủy; học phong cách Hồ Chí Minh.")
    outside = report(b1, "Báo cáo chỉ đạo sâu sát ZZB1", "Thực hiện Chỉ thị số 05-CT/TW; chỉ đạo sâu sát.")
    ImplementationLink.objects.create(report=outside, directive=ct05)
    hostile = report(a2, "Báo cáo có mã <script>alert(1)</script>", "Đoạn <script>alert('x')</script> khóa học.")
    meeting = MeetingFactory(organization=a2, title="Hội nghị Ban Chấp hành Đảng ủy Khối mở rộng")
    person = Person(full_name="Nguyễn Văn Đức")
    person.clean()
    person.save()
    Position.objects.create(person=person, organization=a2, title=PositionTitle.SECRETARY)
    stranger = Person(full_name="Nguyễn Văn Đức Ngoài")
    stranger.clean()
    stranger.save()
    Position.objects.create(person=stranger, organization=b1, title=PositionTitle.SECRETARY)
    staff = UserFactory(username="search-staff")
    grant(staff, tree["A"])
    return dict(ct05=ct05, nq54=nq54, cited=cited, worded=worded, outside=outside, hostile=hostile,
                meeting=meeting, person=person, stranger=stranger, staff=staff, tree=tree)


def get(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("search"), params)
    assert response.status_code == 200
    return response


def hits(response) -> list[tuple[str, int]]:
    return [(h.kind, h.pk) for h in response.context["results"].hits]


# --- folding -------------------------------------------------------------------------------

def test_fold_treats_nfd_and_both_tone_placements_alike():
    nfc = "Đảng ủy Khối khóa"
    nfd = unicodedata.normalize("NFD", nfc)
    assert search_key(nfd) == search_key(nfc) == "dang uy khoi khoa"
    assert search_key("khoá") == search_key("khóa") == search_key("KHOÁ") == "khoa"
    assert search_key("hoà") == search_key("hòa")


@pytest.mark.parametrize("typed", ["chi dao sau sat", "CHỈ ĐẠO SÂU SÁT", "chỉ đạo sâu sát",
                                   unicodedata.normalize("NFD", "chỉ đạo sâu sát"), "sau sat chi dao"])
def test_words_match_without_diacritics_in_any_order_and_nfd(client, world, typed):
    found = hits(get(client, world["staff"], q=typed))
    assert ("report", world["worded"].pk) in found


def test_d_for_dj_finds_units_meetings_and_people(client, world):
    found = hits(get(client, world["staff"], q="dang uy khoi"))
    assert ("meeting", world["meeting"].pk) in found
    assert ("unit", world["tree"]["A"].pk) in found
    assert ("person", world["person"].pk) in hits(get(client, world["staff"], q="nguyen van duc"))


def test_both_tone_mark_placements_find_the_same_report(client, world):
    assert ("report", world["hostile"].pk) in hits(get(client, world["staff"], q="khoá học"))
    assert ("report", world["hostile"].pk) in hits(get(client, world["staff"], q="khóa học"))


def test_phrase_in_quotes_must_appear_together(client, world):
    assert ("report", world["worded"].pk) in hits(get(client, world["staff"], q='"chi dao sau sat"'))
    assert ("report", world["worded"].pk) not in hits(get(client, world["staff"], q='"sau sat chi dao"'))


# --- symbols ---------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["05-CT/TW", "CT 05", "05/CT-TW", "chỉ thị số 05-CT/TW", "05-CT/TƯ", "chi thi 05",
                                   "ＣＴ　０５"])
def test_a_citation_in_any_form_leads_to_the_directive_then_its_reports(client, world, typed):
    found = hits(get(client, world["staff"], q=typed))
    assert found[0] == ("directive", world["ct05"].pk)
    assert found[1] == ("report", world["cited"].pk)


@pytest.mark.parametrize("typed", ["NQ 54", "nghi quyet 54", "Nghị quyết 54"])
def test_resolution_number_forms_find_the_resolution(client, world, typed):
    assert hits(get(client, world["staff"], q=typed))[0] == ("directive", world["nq54"].pk)


def test_an_ambiguous_citation_lists_every_candidate(client, world):
    other = DirectiveFactory(kind=DirectiveKind.CHI_THI, number="05", issue_date=dt.date(2008, 4, 2), term=None,
                             title="Chỉ thị cũ cùng số")
    found = hits(get(client, world["staff"], q="CT 05"))
    assert {("directive", world["ct05"].pk), ("directive", other.pk)} <= set(found[:2])


# --- scope -----------------------------------------------------------------------------------

def test_hits_outside_the_scope_never_show_not_even_in_counts(client, world):
    response = get(client, world["staff"], q="chi dao sau sat")
    assert ("report", world["outside"].pk) not in hits(response)
    counts = {c.kind: c.count for c in response.context["results"].counts}
    assert counts["report"] == 1  # the B1 report matches too, but lies outside A
    assert "ZZB1" not in response.content.decode()
    response = get(client, world["staff"], q="05-CT/TW")
    assert ("report", world["outside"].pk) not in hits(response)
    assert {c.kind: c.count for c in response.context["results"].counts}["report"] == 1
    people = hits(get(client, world["staff"], q="nguyen van duc"))
    assert ("person", world["stranger"].pk) not in people
    assert ("unit", world["tree"]["B1"].pk) not in hits(get(client, world["staff"], q="dang bo co so"))


def test_a_unit_filter_outside_the_scope_is_refused(client, world):
    response = get(client, world["staff"], q="chi dao sau sat", organization=world["tree"]["B1"].pk)
    assert ("report", world["outside"].pk) not in hits(response)
    assert response.context["form"].errors.get("organization")


@pytest.mark.parametrize("bad", [{"organization": "999999"}, {"date_from": "notadate"}, {"directive": "abc"},
                                 {"status": "zzz"}, {"date_from": "2020-02-01", "date_to": "2020-01-01"}])
def test_a_refused_filter_is_said_in_the_open_filter_panel_and_the_dates_typed_stay(client, world, bad):
    response = get(client, world["staff"], q="chi dao sau sat", **bad)
    html = response.content.decode()
    panel = html[html.index('<details class="mt-2 search-filters"'):]
    assert panel.split(">", 1)[0].endswith(" open"), "the panel with the message is folded away"
    assert 'role="alert"' in panel.split("</details>", 1)[0]
    assert ("report", world["worded"].pk) in hits(response)  # the search itself still answers
    for name, value in bad.items():
        if name.startswith("date"):  # what was typed stays in its box, to be corrected
            assert f'value="{value}"' in panel


def test_filters_without_words_lead_to_the_report_list_with_those_filters(client, world):
    unit = world["tree"]["A1a"]
    response = get(client, world["staff"], organization=unit.pk, directive=world["ct05"].pk,
                   date_from="2019-01-01", report_kind="zzz")
    html = response.content.decode()
    assert 'data-testid="browse-reports"' in html
    link = html.split('data-testid="browse-reports"', 1)[1].split('href="', 1)[1].split('"', 1)[0]
    listed = client.get(link.replace("&amp;", "&"))
    assert listed.status_code == 200
    assert world["cited"].title in listed.content.decode()  # the report of A1a implementing 05-CT/TW
    assert world["worded"].title not in listed.content.decode()  # same unit, no link to it
    assert "kind=" not in link  # the refused filter is not carried along
    assert 'data-testid="browse-reports"' not in get(client, world["staff"]).content.decode()


def test_an_unnumbered_directive_is_headed_by_its_title(client, world):
    DirectiveFactory(kind=DirectiveKind.NGHI_QUYET, number="", title="Về tăng cường khối đại đoàn kết toàn dân tộc")
    html = get(client, world["staff"], q="dai doan ket", kind="directive").content.decode()
    heading = html.split('class="search-hit', 1)[1].split("</h2>", 1)[0]
    assert "đại đoàn kết" in heading and "<mark>" in heading


def test_each_hit_says_its_kind_in_the_singular(client, world):
    html = get(client, world["staff"], q="chi dao sau sat").content.decode()
    assert '<span class="badge text-bg-secondary">Report</span>' in html
    assert '<span class="badge text-bg-secondary">Reports</span>' not in html


def test_a_user_without_a_role_finds_only_the_register(client, world):
    nobody = UserFactory(username="search-nobody")
    found = hits(get(client, nobody, q="05-CT/TW"))
    assert found == [("directive", world["ct05"].pk)]


def test_anonymous_is_sent_to_the_login_page(client, world):
    response = client.get(reverse("search"), {"q": "chi thi"})
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- ranking, filters, pages -----------------------------------------------------------------

def test_a_report_citing_the_directive_ranks_above_one_sharing_a_word_of_its_title(client, world):
    found = hits(get(client, world["staff"], q="phong cach Ho Chi Minh", kind="report"))
    assert found.index(("report", world["cited"].pk)) < found.index(("report", world["worded"].pk))


def test_filters_narrow_the_reports(client, world):
    tree = world["tree"]
    assert hits(get(client, world["staff"], q="bao cao", organization=tree["A2"].pk, kind="report")) == [
        ("report", world["hostile"].pk)]
    world["worded"].status = ReportStatus.SUBMITTED
    world["worded"].save(update_fields=["status"])
    assert hits(get(client, world["staff"], q="bao cao", status="submitted")) == [("report", world["worded"].pk)]
    assert hits(get(client, world["staff"], q="bao cao", directive=world["ct05"].pk)) == [("report", world["cited"].pk)]
    assert hits(get(client, world["staff"], q="bao cao", date_from="01/01/2020")) == []


def test_kind_tabs_and_pages(client, world):
    a1b = world["tree"]["A1b"]
    for i in range(25):
        report(a1b, f"Báo cáo tháng thử {i}", "Nội dung kiểm tra giám sát.")
    response = get(client, world["staff"], q="kiem tra giam sat")
    results = response.context["results"]
    assert results.total == 25 and results.num_pages == 2 and len(results.hits) == 20
    page2 = get(client, world["staff"], q="kiem tra giam sat", page=2).context["results"]
    assert len(page2.hits) == 5
    assert not {(h.kind, h.pk) for h in page2.hits} & {(h.kind, h.pk) for h in results.hits}
    assert hits(get(client, world["staff"], q="dang uy khoi", kind="meeting")) == [("meeting", world["meeting"].pk)]


# --- highlighting ----------------------------------------------------------------------------

def test_highlights_are_escaped_text(client, world):
    html = get(client, world["staff"], q="khoa hoc").content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    assert "<mark>khóa học</mark>" in html


def test_the_passage_marks_the_matched_words_in_the_original_spelling(client, world):
    html = get(client, world["staff"], q="chi dao sau sat").content.decode()
    assert "<mark>chỉ đạo sâu sát</mark>" in html


def test_excerpt_of_a_long_text_is_a_window_around_the_match():
    body = "Mở đầu. " * 100 + "Đảng ủy Khối đã chỉ đạo sâu sát." + " Kết thúc." * 100
    runs = excerpt(body, parse("chi dao sau sat").terms)
    text = "".join(r.text for r in runs)
    assert len(text) < 400 and text.startswith("…") and text.endswith("…")
    assert [r.text for r in runs if r.marked] == ["chỉ đạo sâu sát"]


def test_header_has_a_labelled_search_box(client, world):
    client.force_login(world["staff"])
    html = client.get(reverse("home")).content.decode()
    assert 'role="search"' in html and 'for="header-search"' in html and f'action="{reverse("search")}"' in html


def test_empty_query_shows_the_prompt(client, world):
    response = get(client, world["staff"])
    assert response.context["results"].hits == []


def test_a_citation_query_marks_the_symbol_not_its_words(client, world):
    html = get(client, world["staff"], q="chi thi 05").content.decode()
    assert "<mark>05-CT/TW</mark>" in html
    assert "<mark>Chi</mark>" not in html and "<mark>Chỉ</mark>" not in html


# --- the bounded windows ------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["chi dao sau sat", "bao cao", "05-CT/TW", "phong cach Ho Chi Minh", "khoa hoc"])
def test_the_hits_are_the_same_whichever_way_the_window_is_read(client, world, monkeypatch, typed):
    """Common ways are read newest first in recent slices, rare ones from their own index or
    list (search.ranking): on PostgreSQL both must give the page the same hits and counts."""
    from search import ranking

    def page():
        results = get(client, world["staff"], q=typed).context["results"]
        return [(h.kind, h.pk) for h in results.hits], [(c.kind, c.count) for c in results.counts]

    monkeypatch.setattr(ranking, "RARE", 0.0)
    monkeypatch.setattr(ranking, "FEW", 0)
    as_common = page()
    monkeypatch.setattr(ranking, "RARE", 2.0)
    monkeypatch.setattr(ranking, "FEW", 10**9)
    as_rare = page()
    assert as_common == as_rare
    assert as_common[0], "the query finds something"


def test_a_window_stops_at_its_size_and_keeps_the_newest_matches(client, world, monkeypatch):
    from search import ranking

    monkeypatch.setattr(ranking, "WINDOW", 4)
    a1b = world["tree"]["A1b"]
    made = [report(a1b, f"Báo cáo kiểm tra {i}", "Nội dung kiểm tra giám sát.",
                   period_start=dt.date(2019, i, 1), period_end=dt.date(2019, i, 28)) for i in range(1, 7)]
    results = get(client, world["staff"], q="kiem tra giam sat", kind="report").context["results"]
    counts = {c.kind: c.count for c in results.counts}
    assert counts["report"] == 4  # six match; the window read four
    assert [h.pk for h in results.hits] == [r.pk for r in reversed(made[-4:])]


def test_a_number_alone_finds_the_directives_with_that_number_and_their_reports(client, world):
    found = hits(get(client, world["staff"], q="05"))
    assert found[0] == ("directive", world["ct05"].pk)
    assert ("report", world["cited"].pk) in found
    assert ("report", world["outside"].pk) not in found  # outside the scope
    assert ("report", world["worded"].pk) not in found  # "2019" holds no "05" directive


# --- the unit filter keeps the unit's directives; the English address ------------------------

def test_a_unit_filter_keeps_the_directives_assigned_below_it_or_issued_by_its_organs(client, world):
    from organizations.models import Organ, OrganKind
    from tests.factories import AssignmentFactory

    tree = world["tree"]
    a_bch = Organ.objects.create(key="a-bch", name="Ban Chấp hành Đảng bộ Khối A", kind=OrganKind.CENTRAL_COMMITTEE,
                                 organization=tree["A"], symbol_code="ĐUK")
    titled = "Về công tác thử nghiệm lọc theo đơn vị"
    assigned_below = DirectiveFactory(title=f"{titled} một")
    AssignmentFactory(directive=assigned_below, organization=tree["A1"])
    issued_by_a = DirectiveFactory(issuer=a_bch, term=None, issue_date=dt.date(2019, 2, 1), title=f"{titled} hai")
    elsewhere = DirectiveFactory(title=f"{titled} ba")
    AssignmentFactory(directive=elsewhere, organization=tree["B1"])
    above = DirectiveFactory(title=f"{titled} bốn")
    AssignmentFactory(directive=above, organization=tree["ROOT"])

    def directives(**filters) -> set[int]:
        return {pk for kind, pk in hits(get(client, world["staff"], q="thu nghiem loc theo don vi", kind="directive",
                                            **filters)) if kind == "directive"}

    assert directives() == {assigned_below.pk, issued_by_a.pk, elsewhere.pk, above.pk}
    assert directives(organization=tree["A"].pk) == {assigned_below.pk, issued_by_a.pk}
    assert directives(organization=tree["A1"].pk) == {assigned_below.pk}
    assert directives(organization=tree["A2"].pk) == set()
    # The tab count agrees with the list.
    counts = {c.kind: c.count for c in get(client, world["staff"], q="thu nghiem loc theo don vi",
                                           organization=tree["A"].pk).context["results"].counts}
    assert counts["directive"] == 2


def test_search_in_english_is_a_permanent_redirect_keeping_the_query(client, world):
    client.force_login(world["staff"])
    response = client.get("/search/", {"q": "chỉ thị 05", "kind": "report", "page": "2"})
    assert response.status_code == 301
    assert response["Location"] == reverse("search") + "?q=ch%E1%BB%89+th%E1%BB%8B+05&kind=report&page=2"
    assert client.get(response["Location"]).context["form"]["q"].value() == "chỉ thị 05"
    bare = client.get("/search/")
    assert (bare.status_code, bare["Location"]) == (301, reverse("search"))
    assert client.post("/search/", {"q": "x"}).status_code == 405
