"""Citation forms beyond the corpus (issue 16, part 4): congress resolutions written with "ĐH",
a date or khóa after a comma deciding between documents that share a number, state documents
(Luật, Nghị định, Quyết định, Thông tư, Nghị quyết of Quốc hội), the forms typed in the search
box, and what must never become a citation.

The demo register (meetings.demo) is extended here with test-only documents: the register
holds state documents and congresses of any organisation, but the demo corpus cites none of
these, so they belong to the tests, not to the demo or a migration.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest

from meetings.demo import register as R
from meetings.demo.loader import DemoResult, load_register
from organizations.models import Organ, Organization, OrganKind, OrgKind, Term
from organizations.text import fold
from resolutions.citations import find_citations
from resolutions.models import Directive
from resolutions.resolver import Citation, find_directives
from tests.factories import make_org

D = dt.date


def only(text: str):
    mentions = [m for m in find_citations(text) if not m.generic]
    assert len(mentions) == 1, mentions
    return mentions[0]


def one(text: str, **context) -> Citation:
    citations = find_directives(text, **context)
    assert len(citations) == 1, citations
    return citations[0]


def forms(text: str) -> list[str]:
    """The same citation as users type it: NFC, NFD, old tone marks (khoá, uỷ), no diacritics."""
    old_tones = text.replace("khóa", "khoá").replace("ủy", "uỷ").replace("hòa", "hoà")
    return [text, unicodedata.normalize("NFD", text), old_tones, fold(text)]


# --------------------------------------------------------------------------------------
# The register: the demo's plus test-only documents
# --------------------------------------------------------------------------------------

def _organ(key: str, name: str, kind: str, org: Organization | None, code: str = "", aliases: str = "") -> Organ:
    organ = Organ(key=key, name=name, short_name=name, kind=kind, organization=org, symbol_code=code, aliases=aliases)
    organ.full_clean()
    organ.save()
    return organ


def _term(body: Organization | Organ, ordinal: int, start: int, end: int) -> Term:
    existing = Term.objects.filter(ordinal=ordinal, **({"organ": body} if isinstance(body, Organ) else {"organization": body}))
    if existing.exists():
        return existing.get()
    term = Term(ordinal=ordinal, start_year=start, end_year=end,
                **({"organ": body} if isinstance(body, Organ) else {"organization": body}))
    term.full_clean()
    term.save()
    return term


def _directive(**fields) -> Directive:
    directive = Directive(**fields)
    directive.full_clean()
    directive.save()
    return directive


@pytest.fixture
def ids(db) -> dict[str, int]:
    """Demo key → directive id, for the demo register and the test-only documents below."""
    load_register(DemoResult())
    keys = {}
    for pk, note in Directive.objects.values_list("pk", "note"):
        match = re.search(r"Demo key: (\S+)", note)
        if match:
            keys[match.group(1)] = pk
    assert set(keys) == {d["key"] for d in R.DIRECTIVES}

    tw, hcm = Organization.objects.get(code="TW"), Organization.objects.get(code="HCM")
    organs = {o.key: o for o in Organ.objects.all()}
    qn = make_org(tw, code="QN", kind=OrgKind.PROVINCE, name="Đảng bộ tỉnh Quảng Ninh", short_name="Tỉnh ủy Quảng Ninh")
    qn_congress = _organ("qn-dh", "Đại hội đại biểu Đảng bộ tỉnh Quảng Ninh", OrganKind.CONGRESS, qn)
    thutuong = _organ("ttg", "Thủ tướng Chính phủ", OrganKind.STATE, None, "TTg", "Thủ tướng")
    bnv = _organ("bnv", "Bộ Nội vụ", OrganKind.STATE, None, "BNV")
    qh, cp = organs["qh"], organs["nha-nuoc"]
    tw12, tw13 = Term.objects.get(organization=tw, ordinal=12), Term.objects.get(organization=tw, ordinal=13)
    extra = {
        # Congress resolutions: the nation's XIII, the city's XI, Quảng Ninh's XV.
        "DHTQ13": _directive(kind="NQ", number="", issuer=organs["tw-dh"], term=tw13,
                             title="Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng"),
        "HCM_DH11": _directive(kind="NQ", number="", issuer=organs["hcm-dh"], term=_term(hcm, 11, 2020, 2025),
                               title="Nghị quyết Đại hội đại biểu Đảng bộ TP. Hồ Chí Minh lần thứ XI, nhiệm kỳ 2020-2025"),
        "QN_DH15": _directive(kind="NQ", number="", issuer=qn_congress, term=_term(qn, 15, 2020, 2025),
                              title="Nghị quyết Đại hội đại biểu Đảng bộ tỉnh Quảng Ninh lần thứ XV"),
        # Two resolutions numbered 05: plenum 4 of khóa XII (2016) and one of khóa XIII (test-only).
        "NQ05_XII": _directive(kind="NQ", number="05", issuer=organs["tw-bch"], term=tw12, plenum=4,
                               issue_date=D(2016, 11, 1), title="Về một số chủ trương, chính sách lớn nhằm tiếp tục "
                               "đổi mới mô hình tăng trưởng, nâng cao chất lượng tăng trưởng"),
        "NQ05_XIII": _directive(kind="NQ", number="05", issuer=organs["tw-bct"], term=tw13,
                                issue_date=D(2022, 1, 17), title="Nghị quyết thử nghiệm số 05 khóa XIII"),
        # State documents.
        "ND30": _directive(kind="NĐ", family="state_normative", number="30", issuer=cp, issuer_code="CP",
                           issue_date=D(2020, 3, 5), title="Về công tác văn thư"),
        "LUAT59": _directive(kind="L", family="state_law", number="59", issuer=qh, issuer_code="QH14",
                             term=Term.objects.get(organ=qh, ordinal=14), issue_date=D(2020, 6, 17),
                             title="Luật Doanh nghiệp"),
        "LUATDD2013": _directive(kind="L", family="state_law", number="45", issuer=qh, issuer_code="QH13",
                                 term=Term.objects.get(organ=qh, ordinal=13), issue_date=D(2013, 11, 29),
                                 title="Luật Đất đai"),
        "LUATDD2024": _directive(kind="L", family="state_law", number="31", issuer=qh, issuer_code="QH15",
                                 issue_date=D(2024, 1, 18), title="Luật Đất đai"),
        "QD439": _directive(kind="QĐ", family="state_admin", number="439", issuer=thutuong, issuer_code="TTg",
                            issue_date=D(2021, 3, 25), title="Quyết định thử nghiệm 439/QĐ-TTg"),
        "TT01": _directive(kind="TTư", family="state_normative", number="01", issuer=bnv, issuer_code="BNV",
                           issue_date=D(2021, 1, 11), title="Thông tư thử nghiệm 01/2021/TT-BNV"),
    }
    keys.update({key: d.pk for key, d in extra.items()})
    return keys


def assert_resolves(citation: Citation, pk: int) -> None:
    assert (citation.directive, citation.candidates, citation.documents) == (pk, [], []), citation


def unresolved_forms(ids: dict[str, int], table: list[tuple], **context) -> list[str]:
    """Every (text, key[, context]) row in every typed form; returns what did not resolve to ``key``.

    One test walks a whole table (loading the register once), yet names every failing row.
    """
    failures = []
    for text, key, *row_context in table:
        for variant in forms(text):
            citations = find_directives(variant, **(row_context[0] if row_context else context))
            got = [(c.directive, c.candidates, c.documents) for c in citations]
            if got != [(ids[key], [], [])]:
                failures.append(f"{variant!r}: got {got}, want {key} = {ids[key]}")
    return failures


# --------------------------------------------------------------------------------------
# 1. Congress resolutions, "Đại hội" or "ĐH"
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "surface", "congress", "scope", "org_words"), [
    ("thực hiện Nghị quyết ĐH Đảng bộ tỉnh lần thứ XV, tỉnh", "Nghị quyết ĐH Đảng bộ tỉnh lần thứ XV", 15, "province", "tỉnh"),
    ("Nghị quyết Đại hội Đảng bộ thành phố lần thứ XI, nhiệm kỳ 2020-2025 đề ra",
     "Nghị quyết Đại hội Đảng bộ thành phố lần thứ XI, nhiệm kỳ 2020-2025", 11, "province", "thành phố"),
    ("quán triệt NQ ĐH XIII của Đảng tới", "NQ ĐH XIII của Đảng", 13, "national", None),
    ("Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII là", "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII",
     13, "national", None),
    ("Nghị quyết ĐH Đảng bộ tỉnh Quảng Ninh lần thứ XV đề ra", "Nghị quyết ĐH Đảng bộ tỉnh Quảng Ninh lần thứ XV",
     15, "province", "tỉnh Quảng Ninh"),
    ("nq dh xiii cua dang", "nq dh xiii cua dang", 13, "national", None),
])
def test_congress_forms_with_dh(text, surface, congress, scope, org_words):
    for variant in forms(text):
        mention = only(variant)
        assert (mention.congress, mention.congress_scope) == (congress, scope), variant
        assert mention.text == unicodedata.normalize("NFC", variant)[mention.start:mention.end]
        assert len(mention.text) == len(surface)
    assert (only(text).text, only(text).organization_words) == (surface, org_words)


@pytest.mark.parametrize("text", ["NQ ĐH Đảng bộ tỉnh đề ra", "kết quả ĐH XIII", "Nghị quyết ĐH các cấp"])
def test_abbreviated_congress_needs_an_ordinal(text):
    assert [m for m in find_citations(text) if not m.generic] == []


CONGRESS_TABLE = [
    ("Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII", "DHTQ13", {}),
    ("NQ ĐH XIII của Đảng", "DHTQ13", {}),
    ("NQ ĐH XIII của Ðảng", "DHTQ13", {}),                                       # Ð (U+00D0) for Đ
    ("Nghị quyết ĐH XII của Đảng", "DHTQ12", {}),
    ("Nghị quyết Đại hội Đảng bộ thành phố lần thứ XI, nhiệm kỳ 2020-2025", "HCM_DH11", {}),
    ("Nghị quyết Đại hội Đảng bộ thành phố lần thứ X", "HCM_DH10", {}),
    ("Nghị quyết ĐH Đảng bộ tỉnh lần thứ XV", "QN_DH15", {}),
    ("Nghị quyết ĐH Đảng bộ tỉnh Quảng Ninh lần thứ XV", "QN_DH15", {}),
    ("Nghị quyết Đại hội Đảng bộ thành phố", "HCM_DH11", {"context_org": "HCM", "context_date": D(2022, 5, 1)}),
    ("Nghị quyết Đại hội Đảng bộ thành phố", "HCM_DH10", {"context_org": "HCM", "context_date": D(2018, 5, 1)}),
]


def test_congress_resolutions_resolve(ids):
    assert unresolved_forms(ids, CONGRESS_TABLE) == []


def test_congress_of_an_unregistered_ordinal_is_reported_with_its_parts(ids):
    citation = one("Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV")
    assert citation.registrable
    parts = citation.as_dict()["parts"]
    assert (parts["kind"], parts["congress"], parts["congress_scope"]) == ("NQ", 14, "national")


def test_congress_of_an_unknown_province_is_not_pinned_on_another(ids):
    assert one("Nghị quyết ĐH Đảng bộ tỉnh Bình Dương lần thứ XV").registrable


# --------------------------------------------------------------------------------------
# 2. A date, a plenum or a khóa after the number decides between documents sharing it
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "surface", "date", "khoa", "plenums"), [
    ("Kết luận số 21, ngày 25-10-2021 của Ban Chấp hành Trung ương về",
     "Kết luận số 21, ngày 25-10-2021 của Ban Chấp hành Trung ương",
     D(2021, 10, 25), None, ()),
    ("theo Kết luận số 21-KL/TW, khóa XIII, các cấp", "Kết luận số 21-KL/TW, khóa XIII", None, 13, ()),
    ("Nghị quyết số 05, ngày 01/11/2016 của Hội nghị Trung ương 4 khóa XII về",
     "Nghị quyết số 05, ngày 01/11/2016 của Hội nghị Trung ương 4 khóa XII", D(2016, 11, 1), 12, (4,)),
    ("Chỉ thị 05 (khóa XII) về", "Chỉ thị 05 (khóa XII)", None, 12, ()),
    ("Kết luận 21 ngày 25 tháng 10 năm 2021 về", "Kết luận 21 ngày 25 tháng 10 năm 2021", D(2021, 10, 25), None, ()),
    ("Kết luận 21 (25/10/2021) về", "Kết luận 21 (25/10/2021)", D(2021, 10, 25), None, ()),
    ("Nghị quyết số 05-NQ/TW tại Hội nghị lần thứ 4 Ban Chấp hành Trung ương khóa XII về",
     "Nghị quyết số 05-NQ/TW tại Hội nghị lần thứ 4 Ban Chấp hành Trung ương khóa XII", None, 12, (4,)),
])
def test_trailing_date_plenum_and_khoa_are_read(text, surface, date, khoa, plenums):
    mention = only(text)
    assert (mention.text, mention.date, mention.term_ordinal, mention.plenums) == (surface, date, khoa, plenums)


DECIDING_TABLE = [
    ("Kết luận số 21, ngày 25-10-2021", "KL21_2021"),
    ("Kết luận số 21, ngày 24/10/2017", "KL21_2017"),
    ("Kết luận số 21 ngày 25 tháng 10 năm 2021", "KL21_2021"),
    ("Kết luận số 21, ngày 24 tháng 10 năm 2017", "KL21_2017"),
    ("Kết luận số 21-KL/TW, khóa XIII", "KL21_2021"),
    ("Kết luận số 21-KL/TW, khóa XII", "KL21_2017"),
    ("Kết luận số 21-KL/TW (khóa 13)", "KL21_2021"),
    ("Nghị quyết số 05, ngày 01/11/2016 của Hội nghị Trung ương 4 khóa XII", "NQ05_XII"),
    ("Nghị quyết số 05 của Hội nghị Trung ương 4", "NQ05_XII"),
    ("Nghị quyết số 05-NQ/TW, khóa XIII", "NQ05_XIII"),
    ("Chỉ thị 05 (khóa XII)", "CT05"),
    ("Chỉ thị 35 (khóa XII)", "CT35_2019"),
    ("Chỉ thị số 35-CT/TW, khóa XIII", "CT35_2024"),
    ("Chỉ thị 35, ngày 14-6-2024", "CT35_2024"),
]


def test_date_or_term_decides_between_documents_sharing_a_number(ids):
    assert unresolved_forms(ids, DECIDING_TABLE) == []


def test_number_alone_stays_ambiguous(ids):
    for text, keys in [
        ("Kết luận số 21", ["KL21_2017", "KL21_2021"]),
        ("Nghị quyết số 05-NQ/TW", ["NQ05_XII", "NQ05_XIII"]),
        ("Chỉ thị 35", ["CT35_2019", "CT35_2024"]),
        # A date after a comma that fits neither is the sentence's date: still ambiguous, never unknown or guessed.
        ("Kết luận số 21, ngày 14/9/2018, Đảng ủy Khối đã", ["KL21_2017", "KL21_2021"]),
    ]:
        citation = one(text)
        assert citation.directive is None and not citation.registrable, text
        assert sorted(citation.candidates) == sorted(ids[k] for k in keys), text
    # Stated without a comma, a date that fits no document is part of the citation: unknown, registrable.
    assert one("Kết luận số 21-KL/TW ngày 14/9/2018").registrable


# --------------------------------------------------------------------------------------
# 3. State documents
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "surface", "expected"), [
    ("theo Nghị định 30/2020/NĐ-CP về công tác văn thư", "Nghị định 30/2020/NĐ-CP",
     dict(kind="NĐ", number="30", year=2020, family="state_normative", symbol="30/2020/NĐ-CP")),
    ("Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ quy định", "Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ",
     dict(kind="NĐ", date=D(2020, 3, 5), issuer_words="Chính phủ")),
    ("Luật số 59/2020/QH14 có hiệu lực", "Luật số 59/2020/QH14",
     dict(kind="L", number="59", year=2020, family="state_law", symbol="59/2020/QH14")),
    ("áp dụng Luật Đất đai 2024 trong", "Luật Đất đai 2024", dict(kind="L", year=2024, name="Luật Đất đai", number=None)),
    ("Luật Đất đai năm 2013 quy định", "Luật Đất đai năm 2013", dict(kind="L", year=2013, name="Luật Đất đai")),
    ("Bộ luật Lao động năm 2019 và", "Bộ luật Lao động năm 2019", dict(kind="L", year=2019, name="Bộ luật Lao động")),
    ("Luật Cán bộ, công chức 2008 quy định", "Luật Cán bộ, công chức 2008", dict(kind="L", year=2008)),
    ("Luật Đất đai số 31/2024/QH15 của Quốc hội đã", "Luật Đất đai số 31/2024/QH15 của Quốc hội",
     dict(kind="L", number="31", symbol="31/2024/QH15", name="Luật Đất đai", issuer_words="Quốc hội")),
    ("Quyết định 439/QĐ-TTg của Thủ tướng Chính phủ về", "Quyết định 439/QĐ-TTg của Thủ tướng Chính phủ",
     dict(kind="QĐ", number="439", family="state_admin", symbol="439/QĐ-TTg")),
    ("Quyết định số 1234/QĐ-UBND ngày 2/3/2021", "Quyết định số 1234/QĐ-UBND ngày 2/3/2021",
     dict(kind="QĐ", number="1234", family="state_admin", symbol="1234/QĐ-UBND", issuer_code="UBND")),
    ("Thông tư 01/2021/TT-BNV hướng dẫn", "Thông tư 01/2021/TT-BNV",
     dict(kind="TTư", number="01", year=2021, type_code="TT", symbol="01/2021/TT-BNV")),
    ("Nghị quyết 54/2017/QH14 về", "Nghị quyết 54/2017/QH14", dict(kind="NQ", family="state_law", symbol="54/2017/QH14")),
    ("theo 30/2020/NĐ-CP.", "30/2020/NĐ-CP", dict(kind="NĐ", symbol="30/2020/NĐ-CP", type_word="")),
    ("theo 01/2021/TT-BNV.", "01/2021/TT-BNV", dict(kind="TTư", symbol="01/2021/TT-BNV")),
    ("theo 439/QĐ-TTg.", "439/QĐ-TTg", dict(kind="QĐ", symbol="439/QĐ-TTg")),
    ("theo 54/2017/QH14.", "54/2017/QH14", dict(family="state_law", symbol="54/2017/QH14")),
])
def test_state_document_forms(text, surface, expected):
    mention = only(text)
    assert mention.text == surface
    for key, value in expected.items():
        assert getattr(mention, key) == value, key


STATE_TABLE = [
    ("Nghị định 30/2020/NĐ-CP", "ND30"),
    ("Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ", "ND30"),
    ("Luật số 59/2020/QH14", "LUAT59"),
    ("Luật Doanh nghiệp 2020", "LUAT59"),
    ("Luật Đất đai 2024", "LUATDD2024"),
    ("Luật Đất đai năm 2013", "LUATDD2013"),
    ("Luật Đất đai số 31/2024/QH15 của Quốc hội", "LUATDD2024"),
    ("luat dat dai 2024", "LUATDD2024"),
    ("Quyết định 439/QĐ-TTg", "QD439"),
    ("Quyết định số 439/QĐ-TTg của Thủ tướng Chính phủ", "QD439"),
    ("Thông tư 01/2021/TT-BNV", "TT01"),
    ("Thông tư số 1/2021/TT-BNV", "TT01"),
    ("Nghị quyết 54/2017/QH14", "NQ54QH"),
    ("theo 54/2017/QH14", "NQ54QH"),
    ("theo 30/2020/NĐ-CP", "ND30"),
    ("theo 01/2021/TT-BNV", "TT01"),
]


def test_state_documents_resolve(ids):
    assert unresolved_forms(ids, STATE_TABLE) == []
    citation = one("Thông tư số 1/2021/TT-BNV")
    assert (citation.symbol, citation.kind, citation.year) == ("01/2021/TT-BNV", "TTư", 2021)


def test_a_law_by_name_needs_a_year_or_a_number(ids):
    assert one("Luật Đất đai số 31").directive == ids["LUATDD2024"]  # the number decides
    assert find_directives("Luật Đất đai") == []                      # which version? not a citation


UNREGISTERED_TABLE = [
    ("Quyết định số 1234/QĐ-UBND", dict(kind="QĐ", number="1234", symbol="1234/QĐ-UBND", issuer_code="UBND",
                                        family="state_admin")),
    ("Nghị định số 15/2020/NĐ-CP", dict(kind="NĐ", number="15", year=2020, symbol="15/2020/NĐ-CP", issuer_code="CP")),
    ("Thông tư 02/2019/TT-BNV", dict(kind="TTư", number="02", year=2019, symbol="02/2019/TT-BNV")),
    ("Luật Quy hoạch 2017", dict(kind="L", year=2017, name="Luật Quy hoạch")),
    ("Luật số 59/2020/QH14 ngày 1/1/2019", dict(kind="L", number="59", date="2019-01-01")),  # a different document
]


def test_unregistered_state_documents_are_reported_with_their_parts(ids):
    for text, parts in UNREGISTERED_TABLE:
        citation = one(text)
        assert citation.registrable, text
        data = citation.as_dict()
        assert {key: data["parts"].get(key) for key in parts} == parts, text
        assert data["kind"] == parts["kind"], text


# --------------------------------------------------------------------------------------
# 4. Forms typed in the search box
# --------------------------------------------------------------------------------------

SEARCH_BOX_TABLE = [
    ("CT 05", "CT05"), ("ct 05", "CT05"), ("05/CT-TW", "CT05"), ("chỉ thị số 05-CT/TW", "CT05"),
    ("05-CT/TƯ", "CT05"), ("05-CT/TW", "CT05"), ("NQ 54", "NQ54QH"), ("nq 54", "NQ54QH"),
    ("chi thi 05", "CT05"), ("nghi quyet 54", "NQ54QH"), ("CHỈ THỊ 05", "CT05"), ("Chỉ thị số 5", "CT05"),
    ("KL 21 khóa XIII", "KL21_2021"), ("NQ TW4 khóa XII", "TW4_XII"),
]


def test_search_box_forms_resolve(ids):
    assert unresolved_forms(ids, SEARCH_BOX_TABLE) == []


# --------------------------------------------------------------------------------------
# Never citations
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Liên hệ số điện thoại 0912-345-678 hoặc 0912.345.678",
    "Điện thoại: (028) 3829 1234, fax 028-3829-5678",
    "ngày 25/10/2021",
    "ngày 25 tháng 10 năm 2021",
    "theo Điều 5 của Điều lệ",
    "khoản 2 Điều 30",
    "điểm a khoản 2 Điều 30 của văn bản",
    "tuân thủ pháp luật năm 2020",
    "mời luật sư năm 2024",
    "theo luật mới năm 2024",
    "Luật Đất đai",
    "đường số 12/3A",
    "nhà số 12/4-B",
    "CT 5 người",
    "Nghị định 30 năm 2020",
])
def test_not_citations(text):
    assert [m for m in find_citations(text) if not m.generic] == []


def test_a_law_article_cites_only_the_law():
    text = "theo quy định tại khoản 2 Điều 30 Luật Đất đai năm 2013 thì"
    assert [m.text for m in find_citations(text)] == ["Luật Đất đai năm 2013"]
