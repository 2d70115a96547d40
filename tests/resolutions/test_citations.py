"""The citation parser (resolutions.citations): forms, spans, noise and traps. No database.

Spans are checked against the corpus ground truth (meetings/demo/corpus/citations.json):
the parser alone must already find exactly the listed surfaces, in the original, NFD and
diacritic-free versions of each text.
"""
from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path

import pytest

from organizations.text import fold
from resolutions.citations import (
    Mention,
    canonical_issuer_code,
    find_citations,
    roman_value,
    shadow,
)

CORPUS = Path(__file__).resolve().parents[2] / "meetings" / "demo" / "corpus"
CORPUS_FILES = ("000_bcb5323768c904ad.txt", "001_f23101a21aae722f.txt", "002_fed9d28645db49f0.txt")


def corpus_text(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def truth() -> dict:
    return json.loads((CORPUS / "citations.json").read_text(encoding="utf-8"))


def variants(text: str) -> dict[str, str]:
    """The same text as users paste it: NFC, NFD, and typed without diacritics."""
    return {"nfc": text, "nfd": unicodedata.normalize("NFD", text), "no-diacritics": fold(text)}


def only(text: str) -> Mention:
    mentions = [m for m in find_citations(text) if not m.generic]
    assert len(mentions) == 1, mentions
    return mentions[0]


# --------------------------------------------------------------------------------------
# Forms
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "surface", "expected"), [
    ("thực hiện Chỉ thị số 05-CT/TW ngày 15-5-2016 về học tập", "Chỉ thị số 05-CT/TW ngày 15-5-2016",
     dict(kind="CT", number="05", symbol="05-CT/TW", date=dt.date(2016, 5, 15))),
    ("theo Kết luận số 21-KL/TW, các cấp", "Kết luận số 21-KL/TW", dict(kind="KL", number="21", symbol="21-KL/TW")),
    ("Quy định số 08-QĐi/TW về nêu gương", "Quy định số 08-QĐi/TW", dict(kind="QĐi", symbol="08-QĐi/TW")),
    ("Nghị quyết số 54/2017/QH14 của Quốc hội.", "Nghị quyết số 54/2017/QH14 của Quốc hội",
     dict(kind="NQ", number="54", year=2017, family="state_law", symbol="54/2017/QH14", issuer_words="Quốc hội")),
    ("tiếp tục thực hiện chỉ thị 05 học tập", "chỉ thị 05", dict(kind="CT", number="05", symbol=None)),
    ("thực hiện Kết luận 21 của Bộ Chính trị và", "Kết luận 21 của Bộ Chính trị",
     dict(kind="KL", number="21", issuer_words="Bộ Chính trị")),
    ("Nghị quyết 54 của Quốc hội về thí điểm", "Nghị quyết 54 của Quốc hội", dict(number="54", issuer_words="Quốc hội")),
    ("sơ kết Đề án số 02 của BTV Thành ủy; đẩy mạnh", "Đề án số 02 của BTV Thành ủy",
     dict(kind="ĐA", number="02", issuer_words="BTV Thành ủy")),
    ("Quy định 1374-QĐ/TU ngày 1-12-2017 của BTV Thành ủy về", "Quy định 1374-QĐ/TU ngày 1-12-2017 của BTV Thành ủy",
     dict(kind="QĐi", type_code="QĐ", symbol="1374-QĐ/TU")),
    ("Quyết định số 321-QĐ/TW ngày 1-7-2025 về", "Quyết định số 321-QĐ/TW ngày 1-7-2025",
     dict(kind="QĐ", symbol="321-QĐ/TW")),
    ("Kế hoạch số 81-KH/ĐUK của Đảng ủy Khối", "Kế hoạch số 81-KH/ĐUK của Đảng ủy Khối",
     dict(kind="KH", symbol="81-KH/ĐUK", issuer_words="Đảng ủy Khối")),
    ("Chương trình 07 của Thành ủy được đẩy mạnh", "Chương trình 07 của Thành ủy", dict(kind="CTr", number="07")),
    ("Thông báo kết luận số 12-TB/TW của Bộ Chính trị về", "Thông báo kết luận số 12-TB/TW của Bộ Chính trị",
     dict(kind="TB", symbol="12-TB/TW")),
    ("Chương trình hành động số 15-CTr/TU của Thành ủy TP. Hồ Chí Minh thực hiện",
     "Chương trình hành động số 15-CTr/TU của Thành ủy TP. Hồ Chí Minh", dict(kind="CTr", symbol="15-CTr/TU")),
    ("Chỉ thị 05 của Ban Tuyên giáo Trung ương về", "Chỉ thị 05 của Ban Tuyên giáo Trung ương",
     dict(issuer_words="Ban Tuyên giáo Trung ương")),
    ("Chỉ thị 35-CT/TW ngày 30/5/2019 của Bộ Chính trị về", "Chỉ thị 35-CT/TW ngày 30/5/2019 của Bộ Chính trị",
     dict(date=dt.date(2019, 5, 30))),
    ("Chỉ thị 05 ngày 25 tháng 07 năm 2016 của Ban Bí thư về", "Chỉ thị 05 ngày 25 tháng 07 năm 2016 của Ban Bí thư",
     dict(date=dt.date(2016, 7, 25), issuer_words="Ban Bí thư")),
])
def test_numbered_forms(text, surface, expected):
    mention = only(text)
    assert mention.text == surface and text[mention.start:mention.end] == surface
    for key, value in expected.items():
        assert getattr(mention, key) == value, key


@pytest.mark.parametrize(("text", "surface", "plenums", "khoa"), [
    ("thực hiện Nghị quyết Trung ương 4 (khóa XII) về xây dựng", "Nghị quyết Trung ương 4 (khóa XII)", (4,), 12),
    ("nghị quyết Trung ương 4 khóa XII, nâng cao", "nghị quyết Trung ương 4 khóa XII", (4,), 12),
    ("quán triệt NQ TW4 khóa 11 tới", "NQ TW4 khóa 11", (4,), 11),
    ("Nghị quyết Hội nghị Trung ương 4 khoá XI", "Nghị quyết Hội nghị Trung ương 4 khoá XI", (4,), 11),
    ("Nghị quyết Hội nghị lần thứ 6, 7, 8 BCH Trung ương Đảng (khóa XII) về công tác",
     "Nghị quyết Hội nghị lần thứ 6, 7, 8 BCH Trung ương Đảng (khóa XII)", (6, 7, 8), 12),
    ("Nghị quyết Hội nghị lần thứ 6 và 7 Ban Chấp hành Trung ương về", "Nghị quyết Hội nghị lần thứ 6 và 7 Ban Chấp hành Trung ương",
     (6, 7), None),
])
def test_plenum_forms(text, surface, plenums, khoa):
    mention = only(text)
    assert (mention.text, mention.plenums, mention.term_ordinal) == (surface, plenums, khoa)


@pytest.mark.parametrize(("text", "surface", "congress", "scope", "org_words"), [
    ("thực hiện Nghị quyết Đại hội XII của Đảng, Nghị quyết", "Nghị quyết Đại hội XII của Đảng", 12, "national", None),
    ("Nghị quyết Đại hội đại biểu toàn quốc lần thứ XII của Đảng, Nghị", "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XII của Đảng",
     12, "national", None),
    ("Nghị quyết Đại hội X của Đảng bộ TP và", "Nghị quyết Đại hội X của Đảng bộ TP", 10, "province", "TP"),
    ("Nghị quyết Đại hội Đảng bộ thành phố lần thứ X, nhiệm kỳ 2015-2020. Trong",
     "Nghị quyết Đại hội Đảng bộ thành phố lần thứ X, nhiệm kỳ 2015-2020", 10, "province", "thành phố"),
    ("nghị quyết Đại hội Đảng bộ Khối lần thứ II (2015-2020).", "nghị quyết Đại hội Đảng bộ Khối lần thứ II (2015-2020)",
     2, "bloc", "Khối"),
    ("Nghị quyết Đại hội Đảng bộ Khối Dân - Chính – Đảng TPHCM đạt", "Nghị quyết Đại hội Đảng bộ Khối Dân - Chính – Đảng TPHCM",
     None, "bloc", "Khối Dân - Chính – Đảng TPHCM"),
    ("Nghị quyết Đại hội lần thứ XII Đảng bộ Khối (2015-2020) đã", "Nghị quyết Đại hội lần thứ XII Đảng bộ Khối (2015-2020)",
     12, "bloc", "Khối"),
])
def test_congress_forms(text, surface, congress, scope, org_words):
    mention = only(text)
    assert (mention.text, mention.congress, mention.congress_scope, mention.organization_words) == (
        surface, congress, scope, org_words)


@pytest.mark.parametrize(("text", "surface", "name"), [
    ("nhiệm vụ theo quy định của Điều lệ Đảng và", "Điều lệ Đảng", "dieu le dang"),
    ("thực hiện Quy chế dân chủ ở cơ sở gắn với", "Quy chế dân chủ ở cơ sở", "quy che dan chu o co so"),
    ("thực hiện quy chế dân chủ cơ sở", "quy chế dân chủ cơ sở", "quy che dan chu o co so"),
])
def test_named_documents(text, surface, name):
    mention = only(text)
    assert (mention.text, mention.name, mention.number) == (surface, name, None)


def test_wrapper_yields_only_the_inner_reference():
    text = "Thành ủy ban hành Kế hoạch thực hiện Kết luận số 21-KL/TW ngày 24-10-2017 của Bộ Chính trị về sơ kết"
    assert [m.text for m in find_citations(text)] == ["Kết luận số 21-KL/TW ngày 24-10-2017 của Bộ Chính trị"]


def test_topic_clause_is_excluded_and_nested_title_reference_is_separate():
    text = ("Kết luận số 21-KL/TW ngày 24-10-2017 của Bộ Chính trị về sơ kết 5 năm thực hiện "
            "Nghị quyết số 16-NQ/TW của Bộ Chính trị về phương hướng")
    assert [m.text for m in find_citations(text)] == [
        "Kết luận số 21-KL/TW ngày 24-10-2017 của Bộ Chính trị", "Nghị quyết số 16-NQ/TW của Bộ Chính trị"]


def test_bare_symbol_without_type_word():
    mention = only("rà soát theo 21-KL/TW và báo cáo")
    assert (mention.text, mention.kind, mention.symbol, mention.type_word) == ("21-KL/TW", "KL", "21-KL/TW", "")


# --------------------------------------------------------------------------------------
# Real-world noise
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "symbol"), [
    ("Nghị quyết số 54/NQ/QH14 ngày 24-11-2017 của Quốc hội", "54/2017/QH14"),   # year from the date
    ("Chỉ thị số 05-CT/TƯ của Bộ Chính trị", "05-CT/TW"),                        # Ư (U+01AF) for W
    ("Chỉ thị số 05-CT/T.Ư của Bộ Chính trị", "05-CT/TW"),
    ("Nghị quyết 16 – NQ/TW của Bộ Chính trị", "16-NQ/TW"),                      # spaced en dash
    ("Nghị quyết 18/NQ-TW về sắp xếp", "18-NQ/TW"),                              # swapped separators
    ("Chỉ thị số\u00a005-CT/TW\u00a0 của Bộ Chính trị", "05-CT/TW"),              # no-break spaces
    ("CHỈ THỊ SỐ 05-CT/TW CỦA BỘ CHÍNH TRỊ", "05-CT/TW"),                        # upper case
    ("chi thi 05-CT/TW cua Bo Chinh tri", "05-CT/TW"),                           # no diacritics
    ("Quy định số 8-QĐi/TW", "08-QĐi/TW"),                                       # unpadded number
])
def test_irregular_symbols(text, symbol):
    assert only(text).symbol == symbol


def test_irregular_state_symbol_without_date_keeps_its_parts():
    mention = only("Nghị quyết số 54/NQ/QH14 của Quốc hội")
    assert (mention.family, mention.number, mention.issuer_code, mention.year, mention.symbol) == (
        "state_law", "54", "QH14", None, None)


def test_nfd_input_gives_offsets_into_the_nfc_text():
    nfc_text = "Tiếp tục thực hiện Nghị quyết Trung ương 4 (khóa XII) và Chỉ thị 05 của Bộ Chính trị."
    nfd_text = unicodedata.normalize("NFD", nfc_text)
    assert len(nfd_text) > len(nfc_text)
    mentions = find_citations(nfd_text)
    assert [nfc_text[m.start:m.end] for m in mentions] == [m.text for m in mentions] == [
        "Nghị quyết Trung ương 4 (khóa XII)", "Chỉ thị 05 của Bộ Chính trị"]


def test_lower_case_and_no_diacritics_find_the_same_spans():
    text = "Kết luận 21 của Bộ Chính trị và Nghị quyết 54 của Quốc hội"
    expected = [(m.start, m.end, m.kind, m.number) for m in find_citations(text)]
    for variant in (text.lower(), fold(text), "ket luan 21 cua bo chinh tri va nghi quyet 54 cua quoc hoi"):
        assert [(m.start, m.end, m.kind, m.number) for m in find_citations(variant)] == expected


def test_shadow_is_length_preserving_even_for_awkward_characters():
    text = "Nghị quyết 54 — 한국 İstanbul e\u0301\u0301 Ðảng"
    assert len(shadow(text)) == len(text)
    assert shadow("Ðảng ủy Khối") == "dang uy khoi"


@pytest.mark.parametrize(("token", "value"), [("XII", 12), ("xiv", 14), ("II", 2), ("11", 11), ("IIII", None), ("vx", None)])
def test_roman_values(token, value):
    assert roman_value(token) == value


@pytest.mark.parametrize(("printed", "code"), [("TW", "TW"), ("TƯ", "TW"), ("tư", "TW"), ("T.Ư", "TW"), ("TU", "TU"),
                                               ("ĐUK", "ĐUK"), ("duk", "ĐUK"), ("qh14", "QH14")])
def test_issuer_codes(printed, code):
    assert canonical_issuer_code(printed) == code


# --------------------------------------------------------------------------------------
# Not citations
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "tổ chức Hội nghị lần thứ 21 để họp bàn",
    "hoàn thành chỉ tiêu 05 đảng viên",
    "Ban Chấp hành Đảng bộ Khối các cơ quan TP Hà Nội khóa XII",
    "ngày 24-10-2017 và ngày 6-12-2018, 14/11",
    "Đảng bộ Quận 4 và Quận 1",
    "Phát biểu kết luận tại hội nghị, ông",
    "niêm yết công khai theo quy định, có hệ thống",
    "theo chương trình, kế hoạch công tác đề ra",
    "xây dựng kế hoạch năm 2020 - năm diễn ra nhiều sự kiện",
    "đánh giá kế hoạch 10 tháng năm 2019",
    "chủ đề “Năm Dân vận chính quyền” và “Năm nâng cao hiệu lực, hiệu quả hoạt động của hệ thống chính trị 2019”",
    "Kế hoạch tổ chức Đại hội Đảng bộ các cấp",
    "hoàn thành chỉ tiêu Đại hội Đảng bộ Thành phố đề ra",
    "ban hành nghị quyết, phối hợp Ban lãnh đạo",
    "BTV Thành ủy đã xây dựng và ban hành 3 quy định về công tác kiểm tra",
])
def test_not_citations(text):
    assert [m for m in find_citations(text) if not m.generic] == []


@pytest.mark.parametrize(("text", "surface"), [
    ("triển khai hiệu quả các nghị quyết của Trung ương và chỉ thị", "các nghị quyết của Trung ương"),
    ("và chỉ thị của thành phố.", "chỉ thị của thành phố"),
    ("thực hiện các nghị quyết của Trung ương và Thành ủy; nghiêm túc", "các nghị quyết của Trung ương và Thành ủy"),
    ("chấp hành nghị quyết, chỉ thị, quy định của Đảng, pháp luật", "nghị quyết, chỉ thị, quy định của Đảng"),
    ("thực hiện nghị quyết Đại hội Đảng các cấp, thực hiện", "nghị quyết Đại hội Đảng các cấp"),
])
def test_generic_phrases_are_flagged_not_cited(text, surface):
    mentions = find_citations(text)
    assert [(m.text, m.generic) for m in mentions] == [(surface, True)]


# --------------------------------------------------------------------------------------
# The corpus ground truth (spans only; resolution is tested in test_find_directives)
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("variant", ["nfc", "nfd", "no-diacritics"])
@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_spans_match_the_ground_truth(name, variant):
    text = corpus_text(name)
    entries = truth()["files"][name]
    source = variants(text)[variant]
    mentions = find_citations(source)
    found = {(m.start, m.end) for m in mentions if not m.generic}
    expected = {(e["start"], e["end"]) for e in entries if not e["generic"]}
    assert found == expected
    generic_found = {(m.start, m.end) for m in mentions if m.generic}
    assert {(e["start"], e["end"]) for e in entries if e["generic"]} <= generic_found
    for m in mentions:
        assert m.text == unicodedata.normalize("NFC", source)[m.start:m.end]


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_parts_do_not_depend_on_the_input_form(name):
    """NFD and diacritic-free input give the same parts (bar the printed forms and one misprint)."""
    def key(m: Mention) -> tuple:
        return (m.start, m.end, m.kind, m.number, m.plenums, m.congress, m.congress_scope, m.term_ordinal,
                m.term_years, m.date, m.year, m.generic, m.name)

    text = corpus_text(name)
    expected = [key(m) for m in find_citations(text)]
    for variant in variants(text).values():
        assert [key(m) for m in find_citations(variant)] == expected
