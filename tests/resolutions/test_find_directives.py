"""Resolving citations against the demo register, the corpus ground truth, and the command.

The demo register (meetings.demo) holds the corpus documents plus the traps of DOMAIN §2.2:
21-KL/TW of 2017 and of 2021, 35-CT/TW of 2019 and 2024, Nghị quyết Trung ương 4 of
khóa XI and XII, and the set cited as "Nghị quyết Hội nghị lần thứ 6, 7, 8".
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from meetings.demo import register as R
from meetings.demo.loader import DemoResult, load_register
from resolutions.models import Directive
from resolutions.resolver import Citation, find_directives
from tests.resolutions.test_citations import CORPUS, CORPUS_FILES, corpus_text, truth, variants

D = dt.date
#: Each corpus file's report context: its organisation and date (meetings/demo/register.py CORPUS_REPORTS).
CONTEXT = {
    spec["file"]: (spec["org"], spec["meeting"]["date"] if spec["meeting"] else spec["period"][1])
    for spec in R.CORPUS_REPORTS
}


@pytest.fixture
def ids(db) -> dict[str, int]:
    """The demo register, loaded; returns demo key → directive id (from the loader's "Demo key:" note)."""
    load_register(DemoResult())
    keys = {}
    for pk, note in Directive.objects.values_list("pk", "note"):
        match = re.search(r"Demo key: (\S+)", note)
        if match:
            keys[match.group(1)] = pk
    assert set(keys) == {d["key"] for d in R.DIRECTIVES}
    return keys


def expected_ids(document: str, ids: dict[str, int]) -> list[int]:
    """The ground truth's document id as register ids (a set id such as TW678_XII → its members)."""
    return sorted(ids[key] for key in R.DOCUMENT_SETS.get(document, [document]))


def linked(citation: Citation) -> list[int]:
    return sorted([citation.directive] if citation.directive else citation.documents)


def one(text: str, **context) -> Citation:
    citations = find_directives(text, **context)
    assert len(citations) == 1, citations
    return citations[0]


# --------------------------------------------------------------------------------------
# Forms resolve to the right document
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "key"), [
    ("Chỉ thị số 05-CT/TW ngày 15-5-2016", "CT05"),
    ("Quy định số 08-QĐi/TW", "QDi08"),
    ("Nghị quyết số 54/2017/QH14", "NQ54QH"),
    ("Nghị quyết số 54/NQ/QH14 ngày 24-11-2017 của Quốc hội", "NQ54QH"),
    ("Nghị quyết số 54/NQ/QH14", "NQ54QH"),
    ("Chỉ thị 05", "CT05"),
    ("Kết luận 21 của Bộ Chính trị", "KL21_2017"),
    ("Kết luận số 21-KL/TW ngày 24-10-2017", "KL21_2017"),
    ("Kết luận số 21-KL/TW ngày 25-10-2021", "KL21_2021"),
    ("Nghị quyết 54 của Quốc hội", "NQ54QH"),
    ("Đề án số 02 của BTV Thành ủy", "DA02TU"),
    ("Đề án số 02-ĐA/TU ngày 24-3-2014 của BTV Thành ủy", "DA02TU"),
    ("Quy định 1374-QĐ/TU ngày 1-12-2017 của BTV Thành ủy", "QD1374TU"),
    ("Kế hoạch số 156-KH/TU ngày 17-10-2017", "KH156TU"),
    ("Nghị quyết số 16-NQ/TW của Bộ Chính trị", "NQ16"),
    ("Nghị quyết số 08-NQ/TU ngày 6-12-2018", "NQ08TU"),
    ("Nghị quyết Trung ương 4 (khóa XII)", "TW4_XII"),
    ("Nghị quyết Trung ương 4 khóa 11", "TW4_XI"),
    ("NQ TW4 khóa XII", "TW4_XII"),
    ("Nghị quyết Đại hội XII của Đảng", "DHTQ12"),
    ("Nghị quyết Đại hội X của Đảng bộ TP", "HCM_DH10"),
    ("nghị quyết Đại hội Đảng bộ Khối lần thứ II (2015-2020)", "KDCD_HCM_DH2"),
    ("Nghị quyết Đại hội lần thứ XII Đảng bộ Khối (2015-2020)", "KCQ_HN_DH12"),
    ("Nghị quyết Đại hội Đảng bộ Khối các cơ quan TP Hà Nội", "KCQ_HN_DH12"),
    ("Chương trình 07 của Thành ủy", "HN_CTR07"),
    ("Điều lệ Đảng", "DIEULE"),
    ("Quy chế dân chủ ở cơ sở", "QCDC"),
    ("Nghị quyết 16 – NQ/TW", "NQ16"),
    ("Nghị quyết 18/NQ-TW", "NQ18"),
    ("theo 156-KH/TU", "KH156TU"),
    # noise: case, no-break spaces, misprints, no diacritics
    ("CHỈ THỊ SỐ 05-CT/TƯ CỦA BỘ CHÍNH TRỊ", "CT05"),
    ("Chỉ thị số\u00a005-CT/TW\u00a0 của Bộ Chính trị", "CT05"),
    ("chi thi 05-CT/TW", "CT05"),
    ("chi thi so 05-ct/tu cua bo chinh tri", "CT05"),
    ("nghi quyet 54 cua quoc hoi", "NQ54QH"),
    ("nghi quyet trung uong 4 (khoa xii)", "TW4_XII"),
    ("de an so 02-da/tu", "DA02TU"),
])
def test_forms_resolve(ids, text, key):
    citation = one(text)
    assert (citation.directive, citation.candidates, citation.documents) == (ids[key], [], [])
    assert citation.symbol == (Directive.objects.get(pk=ids[key]).symbol or None)


def test_state_law_symbol_is_completed_from_the_register(ids):
    citation = one("Nghị quyết số 54/NQ/QH14 của Quốc hội")
    assert (citation.symbol, citation.year, citation.issuer, citation.kind) == ("54/2017/QH14", 2017, "Quốc hội", "NQ")


def test_several_documents_from_one_surface(ids):
    citation = one("Nghị quyết Hội nghị lần thứ 6, 7, 8 BCH Trung ương Đảng (khóa XII) về công tác tổ chức")
    assert citation.directive is None and citation.candidates == []
    assert sorted(citation.documents) == expected_ids("TW678_XII", ids)


# --------------------------------------------------------------------------------------
# Ambiguity, context and unknowns
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "keys"), [
    ("Kết luận số 21-KL/TW", ["KL21_2017", "KL21_2021"]),
    ("Chỉ thị 35 về đại hội", ["CT35_2019", "CT35_2024"]),
    ("Nghị quyết Trung ương 4", ["TW4_XI", "TW4_XII"]),
    ("Nghị quyết Trung ương 6 khóa XII", ["NQ18", "NQ19"]),
])
def test_ambiguous_without_context_lists_candidates(ids, text, keys):
    citation = one(text)
    assert citation.directive is None and not citation.registrable
    assert sorted(citation.candidates) == sorted(ids[k] for k in keys)


@pytest.mark.parametrize(("text", "date", "key"), [
    ("Kết luận số 21-KL/TW", D(2018, 9, 14), "KL21_2017"),        # the 2021 one did not exist yet
    ("Kết luận số 21-KL/TW", D(2022, 3, 1), "KL21_2021"),         # both exist: the term in force wins
    ("Chỉ thị 35", D(2019, 8, 1), "CT35_2019"),
    ("Chỉ thị 35", D(2025, 1, 10), "CT35_2024"),
    ("Nghị quyết Trung ương 4", D(2018, 1, 1), "TW4_XII"),
    ("Nghị quyết Trung ương 4", D(2013, 1, 1), "TW4_XI"),
])
def test_context_date_breaks_ties(ids, text, date, key):
    assert one(text, context_date=date).directive == ids[key]


def test_issuer_words_decide_before_context(ids):
    """KL 21 of 2017 is the Bộ Chính trị's, that of 2021 the BCH's: the words alone decide."""
    assert one("kết luận 21 của Bộ Chính trị").directive == ids["KL21_2017"]
    assert one("Kết luận 21 của Ban Chấp hành Trung ương").directive == ids["KL21_2021"]
    # "của Trung ương" names the committee and its organs: both remain, the date decides.
    assert len(one("Kết luận 21 của Trung ương").candidates) == 2
    assert one("Kết luận 21 của Trung ương", context_date=D(2018, 1, 1)).directive == ids["KL21_2017"]


def test_congress_falls_back_to_the_context_organisation(ids):
    bare = "thực hiện Nghị quyết Đại hội Đảng bộ Khối"
    assert sorted(one(bare).candidates) == sorted([ids["KDCD_HCM_DH2"], ids["KCQ_HN_DH12"]])
    assert one(bare, context_org="HCM-KDCD-STNMT").directive == ids["KDCD_HCM_DH2"]
    assert one(bare, context_org="HN-KCQ").directive == ids["KCQ_HN_DH12"]
    assert one("Nghị quyết Đại hội Đảng bộ thành phố", context_org="HCM-KDCD").directive == ids["HCM_DH10"]


@pytest.mark.parametrize(("text", "parts"), [
    ("Quy định số 205-QĐ/TW ngày 23-9-2019 của Bộ Chính trị",
     dict(kind="QĐi", number="205", symbol="205-QĐ/TW", date="2019-09-23", issuer_words="Bộ Chính trị")),
    ("Chỉ thị số 05-CT/TU của Thành ủy", dict(kind="CT", number="05", symbol="05-CT/TU", issuer_words="Thành ủy")),
    ("Chỉ thị số 05-CT/TU", dict(kind="CT", symbol="05-CT/TU")),          # TU (diacritics present) is not TW
    ("Chỉ thị 05 của Ban Tuyên giáo Trung ương", dict(kind="CT", number="05")),
    ("Chỉ thị số 05-CT/TW ngày 15-5-2012", dict(kind="CT", date="2012-05-15")),  # a different document
    ("Nghị quyết Trung ương 4 (khóa X)", dict(kind="NQ", plenums=[4], term_ordinal=10)),
    ("Nghị quyết Đại hội IX của Đảng bộ thành phố", dict(kind="NQ", congress=9, congress_scope="province")),
])
def test_unknown_is_reported_with_its_parts_never_guessed(ids, text, parts):
    citation = one(text, context_org="HCM", context_date=D(2019, 12, 31))
    assert citation.directive is None and citation.candidates == [] and citation.documents == []
    assert citation.registrable
    data = citation.as_dict()
    for key, value in parts.items():
        assert data["parts"][key] == value, key


def test_generic_phrases_are_not_citations(ids):
    text = "triển khai các nghị quyết của Trung ương và chỉ thị của thành phố; nghị quyết Đại hội Đảng các cấp"
    assert find_directives(text) == []


def test_register_is_read_in_a_bounded_number_of_queries(ids, django_assert_max_num_queries):
    """Aliases, directives, organs and the context organisation by code: 4, for any length of text."""
    text = corpus_text("002_fed9d28645db49f0.txt") * 3
    with django_assert_max_num_queries(4):
        citations = find_directives(text, context_org="HCM", context_date=D(2018, 12, 31))
    assert len(citations) == 3 * 31


# --------------------------------------------------------------------------------------
# The corpus ground truth
# --------------------------------------------------------------------------------------

def score(name: str, text: str, ids: dict[str, int], with_context: bool = True) -> tuple[int, int, int, list[str]]:
    """(true positives, predictions, truth entries, failures) for one corpus text."""
    org, date = CONTEXT[name] if with_context else (None, None)
    citations = find_directives(text, context_org=org, context_date=date)
    entries = truth()["files"][name]
    expected = {(e["start"], e["end"]): expected_ids(e["document"], ids) for e in entries if not e["generic"]}
    generic = [(e["start"], e["end"]) for e in entries if e["generic"]]
    failures, hits = [], 0
    for c in citations:
        want = expected.get((c.start, c.end))
        if want is not None and linked(c) == want:
            hits += 1
        else:
            failures.append(f"{name} {c.start}-{c.end} {c.text!r}: got {linked(c) or c.candidates}, want {want}")
        for start, end in generic:
            assert c.end <= start or c.start >= end, f"{c.text!r} overlaps the generic phrase at {start}-{end}"
    found = {(c.start, c.end) for c in citations}
    failures += [f"{name} {s}-{e}: missed" for (s, e) in expected if (s, e) not in found]
    return hits, len(citations), len(expected), failures


@pytest.mark.parametrize("variant", ["nfc", "nfd", "no-diacritics"])
@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_citations_resolve_exactly(ids, name, variant):
    hits, predicted, expected, failures = score(name, variants(corpus_text(name))[variant], ids)
    assert failures == []
    assert hits == predicted == expected


def test_corpus_precision_and_recall(ids):
    totals = [0, 0, 0]
    failures: list[str] = []
    for name in CORPUS_FILES:
        hits, predicted, expected, failed = score(name, corpus_text(name), ids)
        totals = [totals[0] + hits, totals[1] + predicted, totals[2] + expected]
        failures += failed
    precision, recall = totals[0] / totals[1], totals[0] / totals[2]
    print(f"\ncorpus citations: {totals[0]} correct of {totals[1]} found, {totals[2]} in the ground truth; "
          f"precision {precision:.3f}, recall {recall:.3f}")
    assert failures == []
    assert precision == 1.0 and recall == 1.0


def test_corpus_without_context_never_links_a_wrong_document(ids):
    """Without --org/--date nothing is guessed: every citation is right, ambiguous or unknown."""
    for name in CORPUS_FILES:
        entries = {(e["start"], e["end"]): e for e in truth()["files"][name] if not e["generic"]}
        for c in find_directives(corpus_text(name)):
            want = expected_ids(entries[(c.start, c.end)]["document"], ids)
            assert linked(c) in ([], want), c.text
            assert not c.candidates or set(want) <= set(c.candidates), c.text


# --------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------

def run(*args, stdin: str | None = None) -> str:
    out = io.StringIO()
    kwargs = {"stdout": out}
    if stdin is not None:
        kwargs["stdin"] = io.StringIO(stdin)
    call_command("find_directives", *args, **kwargs)
    return out.getvalue()


def test_command_json_from_a_file(ids):
    rows = json.loads(run(str(CORPUS / "002_fed9d28645db49f0.txt"), "--json", "--org", "HCM", "--date", "2018-12-31"))
    assert len(rows) == 31
    first = rows[3]
    assert first == {
        "start": 783, "end": 836, "text": "Kết luận số 21-KL/TW ngày 24-10-2017 của Bộ Chính trị", "kind": "KL",
        "number": "21", "year": 2017, "issuer": "Bộ Chính trị", "symbol": "21-KL/TW", "directive": ids["KL21_2017"],
        "candidates": [], "documents": [], "registrable": False,
    }
    plenums = next(r for r in rows if r["start"] == 10733)
    assert plenums["directive"] is None and sorted(plenums["documents"]) == expected_ids("TW678_XII", ids)
    irregular = next(r for r in rows if r["start"] == 1041)
    assert (irregular["symbol"], irregular["directive"]) == ("54/2017/QH14", ids["NQ54QH"])


def test_command_reads_stdin_and_normalises_nfd(ids):
    import unicodedata

    text = "Tiếp tục thực hiện Kết luận số 21-KL/TW và Quy định số 999-QĐi/TW."
    rows = json.loads(run("-", "--json", stdin=unicodedata.normalize("NFD", text)))
    assert [(r["start"], r["end"], r["text"]) for r in rows] == [
        (19, 39, "Kết luận số 21-KL/TW"), (43, 65, "Quy định số 999-QĐi/TW")]
    assert rows[0]["directive"] is None and sorted(rows[0]["candidates"]) == sorted([ids["KL21_2017"], ids["KL21_2021"]])
    assert rows[1]["registrable"] and rows[1]["parts"]["symbol"] == "999-QĐi/TW"
    with_date = json.loads(run("-", "--json", "--date", "2019-01-01", stdin=text))
    assert with_date[0]["directive"] == ids["KL21_2017"]


def test_command_table_output(ids, tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("Thực hiện Chỉ thị 05 của Bộ Chính trị và Chỉ thị 35.", encoding="utf-8")
    out = run(str(path))
    assert f"→ #{ids['CT05']}" in out and "ambiguous" in out and "2 citation(s)." in out
    assert "No citations found." in run("-", stdin="Không có gì ở đây.")


@pytest.mark.parametrize(("args", "message"), [
    (["/nonexistent/report.txt"], "No such file"),
    (["-", "--date", "14/11/2019"], "Invalid --date"),
    (["-", "--org", "NOPE"], "Unknown organisation code"),
])
def test_command_errors(ids, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args, stdin="Chỉ thị 05")


def test_command_rejects_non_utf8(ids, tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes("Chỉ thị 05".encode("utf-16"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run(str(path))
