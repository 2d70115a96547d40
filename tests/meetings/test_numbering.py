"""Numbering per term (meetings.numbering) and the meeting form's chair and participants."""
from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from meetings.models import Meeting, MeetingKind, MeetingParticipant, ParticipantRole
from meetings.numbering import missing_runs, numbering_issues, runs_text, unit_numbering
from organizations.hooks import count_for
from organizations.models import Organ, OrganKind, Person, Position, PositionTitle, Term
from resolutions.models import Directive
from resolutions.symbols import DirectiveKind

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.fixture
def terms(tree):
    return {
        "I": Term.objects.create(organization=tree["A"], ordinal=1, start_year=2010, end_year=2015),
        "II": Term.objects.create(organization=tree["A"], ordinal=2, start_year=2015, end_year=2020),
    }


def plenum(org, term, n, day, kind=MeetingKind.PLENUM):
    return Meeting.objects.create(organization=org, term=term, kind=kind, sequence=n, date=day,
                                  title=f"Hội nghị Ban Chấp hành lần thứ {n}")


def test_missing_runs():
    assert missing_runs([1, 2, 5, 9]) == [(3, 4), (6, 8)]
    assert missing_runs([]) == [] and missing_runs([1, 2, 3]) == []
    assert missing_runs([3]) == [(1, 2)]
    assert runs_text([(15, 15), (17, 19)]) == "15, 17–19"
    assert runs_text([(n, n) for n in range(1, 40, 2)], limit=3) == "1, 3, 5, …"


def test_gaps_are_per_term_and_per_kind_and_numbering_restarts(tree, terms):
    for n in (1, 2, 3):
        plenum(tree["A"], terms["I"], n, dt.date(2011, n, 10))
    for n in (1, 2, 4):  # a new term starts again at 1; 3 is missing
        plenum(tree["A"], terms["II"], n, dt.date(2016, n, 10))
    plenum(tree["A"], terms["II"], 1, dt.date(2016, 2, 1), kind=MeetingKind.STANDING)  # its own series
    by_term = {t.term.ordinal: t for t in unit_numbering(tree["A"])}
    assert not by_term[1].has_issues
    series = {s.kind: s for s in by_term[2].series}
    assert series[MeetingKind.PLENUM].missing == [(3, 3)] and series[MeetingKind.PLENUM].span_text == "1–4"
    assert not series[MeetingKind.STANDING].has_issues
    assert numbering_issues([tree["A"].pk, tree["B"].pk]) == {
        tree["A"].pk: numbering_issues([tree["A"].pk])[tree["A"].pk]}
    assert numbering_issues([tree["A"].pk])[tree["A"].pk].missing == 1
    # The tree workspace reads it through organizations.hooks, without importing meetings.
    assert count_for("numbering_issues", [tree["A"].pk, tree["B"].pk]) == {tree["A"].pk: 1}


def test_document_numbers_duplicated_and_missing_per_term(tree, terms):
    bch = Organ.objects.create(key="a-bch", name="BCH Đảng bộ Khối A", kind=OrganKind.CENTRAL_COMMITTEE,
                               organization=tree["A"], symbol_code="ĐUK")
    btv = Organ.objects.create(key="a-btv", name="BTV Đảng ủy Khối A", kind=OrganKind.STANDING_COMMITTEE,
                               organization=tree["A"], symbol_code="ĐUK")

    def doc(organ, number, day, term=None):
        d = Directive(kind=DirectiveKind.KE_HOACH, number=number, issuer=organ, term=term, issue_date=day,
                      title=f"Kế hoạch số {number}")
        d.full_clean()
        d.save()
        return d

    doc(bch, "01", dt.date(2016, 1, 5), terms["II"])
    doc(btv, "02", dt.date(2016, 3, 5))  # no term: placed by its year in the unit's term II
    doc(bch, "02", dt.date(2016, 4, 5), terms["II"])  # BCH and BTV share the counter (ĐUK): a repeat
    doc(btv, "05", dt.date(2017, 4, 5), terms["II"])
    doc(btv, "01", dt.date(2012, 4, 5), terms["I"])  # term I: its own count
    (numbering,) = [t for t in unit_numbering(tree["A"]) if t.term.ordinal == 2]
    (plans,) = [s for s in numbering.series if s.what == "documents"]
    assert plans.missing_text == "3–4"
    [(number, uses)] = plans.duplicates
    assert number == 2 and [u.day for u in uses] == [dt.date(2016, 3, 5), dt.date(2016, 4, 5)]
    assert numbering_issues([tree["A"].pk])[tree["A"].pk].duplicated == 1


def test_unit_page_shows_missing_and_repeated_numbers(client, tree, terms, make_user):
    for n in (1, 2, 4):
        plenum(tree["A"], terms["II"], n, dt.date(2016, n, 10))
    client.force_login(make_user("leader.a", tree["A"], "leader"))
    page = client.get(reverse("organization-detail", args=[tree["A"].pk])).content.decode()
    assert "Numbering per term" in page and "Khóa II (2015-2020)" in page
    assert "Meetings: Executive Committee plenum" in page and "missing</span> 3" in page
    page = client.get(reverse("organization-detail", args=[tree["A1"].pk])).content.decode()
    assert "Numbering per term" not in page  # a unit with nothing numbered shows no panel


@pytest.mark.vietnamese
def test_unit_page_panel_in_vietnamese(client, tree, terms, make_user):
    plenum(tree["A"], terms["II"], 2, dt.date(2016, 2, 10))
    client.force_login(make_user("leader.a", tree["A"], "leader"))
    page = client.get(reverse("organization-detail", args=[tree["A"].pk])).content.decode()
    assert "thiếu số" in page and "Cán bộ" in page


# --- the meeting form -----------------------------------------------------------------------

@pytest.fixture
def cadres(tree):
    binh = Person.objects.create(full_name="Trần Văn Bình", search_text="tran van binh")
    an = Person.objects.create(full_name="Ngô Thị An", search_text="ngo thi an")
    return {
        "secretary": Position.objects.create(person=binh, organization=tree["A"], title=PositionTitle.SECRETARY,
                                             start=dt.date(2015, 10, 1)),
        "director": Position.objects.create(person=binh, organization=tree["A"], title=PositionTitle.STATE_POST,
                                            label="Giám đốc Sở Nội vụ", start=dt.date(2016, 1, 1)),
        "member": Position.objects.create(person=an, organization=tree["A"], title=PositionTitle.STANDING_MEMBER,
                                          start=dt.date(2015, 10, 1), end=dt.date(2016, 12, 31)),
    }


def form_data(tree, term=None, **extra):
    data = {"organization": tree["A"].pk, "kind": MeetingKind.PLENUM, "title": "Hội nghị BCH lần thứ 3",
            "date": "10/03/2017", "term": term.pk if term else "", "sequence": "", "place": "",
            "attendance": "", "expected_attendance": "", "chair": "", "chair_other": "", "guests": ""}
    data.update(extra)
    return data


def test_meeting_form_offers_the_people_in_post_on_the_meeting_day(client, tree, cadres, make_user):
    client.force_login(make_user("staff.a", tree["A"]))
    url = reverse("meeting-create")
    page = client.post(url, {**form_data(tree), "show_posts": "1"}).content.decode()
    assert "Trần Văn Bình — Secretary" in page and "Trần Văn Bình — Giám đốc Sở Nội vụ" in page
    assert "Ngô Thị An" not in page  # her post ended in 2016
    assert 'value="Hội nghị BCH lần thứ 3"' in page and "This field is required" not in page  # nothing lost
    page = client.post(url, {**form_data(tree, date="10/03/2016"), "show_posts": "1"}).content.decode()
    assert "Ngô Thị An — Member of the Standing Committee" in page
    assert not Meeting.objects.exists()


def test_showing_the_people_in_post_proposes_the_units_term_of_that_day(client, tree, terms, make_user):
    client.force_login(make_user("staff.a", tree["A"]))
    page = client.post(reverse("meeting-create"), {**form_data(tree, date="10/03/2012"), "show_posts": "1"}).content.decode()
    assert f'<option value="{terms["I"].pk}" selected>' in page


def test_meeting_saved_with_chair_participants_and_guests(client, tree, cadres, make_user):
    staff = make_user("staff.a", tree["A"])
    client.force_login(staff)
    response = client.post(reverse("meeting-create"), form_data(
        tree, date="10/03/2016", chair=cadres["secretary"].pk,
        participants=[cadres["director"].pk, cadres["member"].pk],
        guests="Lê Văn Khách, Phó Bí thư Thành ủy\n\n  Hoàng Thị Mời  "))
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.get()
    rows = {(p.person.full_name, p.role, p.position_id, p.position_label) for p in meeting.participants.all()}
    assert rows == {
        ("Trần Văn Bình", ParticipantRole.CHAIR, cadres["secretary"].pk, ""),  # once, as chair (not twice)
        ("Ngô Thị An", ParticipantRole.ATTENDEE, cadres["member"].pk, ""),
        ("Lê Văn Khách", ParticipantRole.GUEST, None, "Phó Bí thư Thành ủy"),
        ("Hoàng Thị Mời", ParticipantRole.GUEST, None, ""),
    }
    chair = MeetingParticipant.objects.get(role=ParticipantRole.CHAIR)
    assert LogEntry.objects.get_for_object(chair).get().actor == staff
    page = client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    assert "Trần Văn Bình" in page and "Phó Bí thư Thành ủy" in page


def test_a_post_not_offered_is_refused_with_input_kept(client, tree, cadres, make_user):
    client.force_login(make_user("staff.a", tree["A"]))
    page = client.post(reverse("meeting-create"), form_data(tree, chair=cadres["member"].pk,
                                                            chair_other="")).content.decode()
    assert "This person is not in post at this organisation on this date" in page
    assert 'value="Hội nghị BCH lần thứ 3"' in page and not Meeting.objects.exists()
    page = client.post(reverse("meeting-create"), form_data(tree, chair=cadres["secretary"].pk,
                                                            chair_other="Ai Đó, Khách")).content.decode()
    assert "Choose the chair from the list or type one, not both." in page


def test_a_gap_is_a_warning_saved_once_confirmed(client, tree, terms, make_user):
    for n in (1, 2, 3, 4):
        plenum(tree["A"], terms["II"], n, dt.date(2016, n, 10))
    client.force_login(make_user("staff.a", tree["A"]))
    data = form_data(tree, terms["II"], sequence="6", date="10/03/2017", place="Hội trường A")
    page = client.post(reverse("meeting-create"), data).content.decode()
    assert "Number 5 is not yet recorded in this term." in page
    assert 'value="Hội trường A"' in page and 'value="6"' in page
    assert Meeting.objects.count() == 4
    ack = f"{tree['A'].pk}-{terms['II'].pk}-plenum-6"
    assert f'value="{ack}"' in page
    # The confirmation is for that number only: another number is checked again.
    page = client.post(reverse("meeting-create"), {**data, "sequence": "8", "numbering_ack": ack}).content.decode()
    assert "Numbers 5–7 are not yet recorded in this term." in page
    assert client.post(reverse("meeting-create"), {**data, "numbering_ack": ack}).status_code == 302
    assert Meeting.objects.filter(sequence=6).exists()
    # The next number in order needs no confirmation.
    assert client.post(reverse("meeting-create"), {**data, "sequence": "7"}).status_code == 302


def test_a_repeated_number_says_when_it_was_used(client, tree, terms, make_user):
    plenum(tree["A"], terms["II"], 16, dt.date(2019, 11, 14))
    client.force_login(make_user("staff.a", tree["A"]))
    page = client.post(reverse("meeting-create"), form_data(tree, terms["II"], sequence="16",
                                                            date="20/12/2019")).content.decode()
    assert "Number 16 was already used on 14/11/2019 (Hội nghị Ban Chấp hành lần thứ 16)." in page
    assert 'value="20/12/2019"' in page and Meeting.objects.count() == 1
    # In the next term, 16 is free again (and 1-15 are flagged as not yet recorded).
    term3 = Term.objects.create(organization=tree["A"], ordinal=3, start_year=2020, end_year=2025)
    page = client.post(reverse("meeting-create"), form_data(tree, term3, sequence="16",
                                                            date="20/12/2021")).content.decode()
    assert "Numbers 1–15 are not yet recorded in this term." in page and "already used" not in page


@pytest.mark.vietnamese
def test_numbering_warning_in_vietnamese(client, tree, terms, make_user):
    plenum(tree["A"], terms["II"], 14, dt.date(2019, 9, 14))
    client.force_login(make_user("staff.a", tree["A"]))
    page = client.post(reverse("meeting-create"), form_data(tree, terms["II"], sequence="16",
                                                            date="20/12/2019")).content.decode()
    assert "Số 15 chưa có trong nhiệm kỳ này." in page
