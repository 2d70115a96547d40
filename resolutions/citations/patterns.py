"""The vocabulary and the compiled patterns of the citation finder.

Everything is written for the folded shadow (lower case, no diacritics, đ→d), so one
pattern matches "Chỉ thị", "CHỈ THỊ" and "chi thi" alike.
"""
from __future__ import annotations

import re

from organizations.text import fold

# --------------------------------------------------------------------------------------
# Vocabulary (all folded: lower case, no diacritics)
# --------------------------------------------------------------------------------------

#: Type words that open a citation, folded, with their kind code.
TYPE_WORDS: dict[str, str] = {
    "nghi quyet": "NQ", "chi thi": "CT", "ket luan": "KL", "quy dinh": "QĐi", "quyet dinh": "QĐ",
    "quy che": "QC", "huong dan": "HD", "ke hoach": "KH", "de an": "ĐA", "chuong trinh": "CTr",
    "thong bao": "TB", "thong tri": "TT", "dieu le": "ĐL",
    # Compound names of a type: the whole phrase is the type word ("Thông báo kết luận số 12-TB/TW").
    "thong bao ket luan": "TB", "chuong trinh hanh dong": "CTr",
    # State documents (DOMAIN §2.1): laws, decrees, ministerial circulars.
    "luat": "L", "bo luat": "L", "nghi dinh": "NĐ", "thong tu": "TTư",
}
#: Abbreviated type words ("NQ TW4", "CT 05"): accepted only before a number, symbol or plenum.
TYPE_ABBREVIATIONS: dict[str, str] = {"nq": "NQ", "ct": "CT", "kl": "KL", "qdi": "QĐi", "qd": "QĐ", "kh": "KH", "ctr": "CTr"}

#: Type codes inside symbols, folded → canonical ("qdi" must win over "qd": full-token match).
TYPE_CODES: dict[str, str] = {
    "nq": "NQ", "ct": "CT", "kl": "KL", "qdi": "QĐi", "qd": "QĐ", "qc": "QC", "hd": "HD", "kh": "KH",
    "da": "ĐA", "ctr": "CTr", "tb": "TB", "tt": "TT", "ttri": "TT", "bc": "BC", "ttr": "TTr", "cv": "CV",
    "nd": "NĐ", "qyd": "QyĐ",
}
#: Issuer codes of party symbols, keyed by their folded upper-case form.
PARTY_CODES: dict[str, str] = {c.upper() if c.isascii() else fold(c).upper(): c for c in (
    "TW", "TU", "ĐUK", "ĐU", "HU", "QU", "ThU", "CB", "VPTW", "BTCTW", "UBKTTU", "ĐĐ", "BCS")}
#: Issuer codes of state bodies, same keying.
STATE_CODES: dict[str, str] = {fold(c).upper(): c for c in (
    "CP", "TTg", "UBND", "HĐND", "VPCP", "UBTVQH", "BTC", "BNV", "BTP", "BCA", "BQP", "BYT", "BGDĐT", "BTNMT",
    "BXD", "BCT", "BTTTT", "BKHĐT", "BLĐTBXH", "BNNPTNT", "BGTVT", "BVHTTDL", "BKHCN", "NHNN", "TTCP", "KTNN")}
#: In a state symbol a type code can mean another kind than in a party one: "TT" is a
#: Thông tư (01/2021/TT-BNV) there, a Thông tri (party) here.
STATE_TYPE_KINDS: dict[str, str] = {"TT": "TTư", "NĐ": "NĐ"}

ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def _w(phrase: str) -> str:
    """A folded phrase as a regex: words separated by any run of spaces."""
    return r"\s+".join(re.escape(word) for word in phrase.split())


def _alternation(phrases) -> str:
    """Longest first, so "quyet dinh" is never cut short by a shorter alternative."""
    return "|".join(_w(p) for p in sorted(phrases, key=len, reverse=True))


_B = r"(?!\w)"  # right word boundary (the folded text is almost pure ASCII)
_ROMAN = r"[ivxlc]+"
_ORDINAL = rf"(?:{_ROMAN}|\d{{1,2}}){_B}"
_CITY_NAMES = r"(?:ho\s+chi\s+minh|hcm|ha\s+noi|da\s+nang|hai\s+phong|can\s+tho|hue)"
#: A city or province as written after an organ or "Đảng bộ": "TP", "TPHCM", "thành phố", "TP. Hồ Chí Minh".
_PLACE = (rf"(?:(?:thanh\s+pho|tp\.?|tinh)\s*{_CITY_NAMES}|tp\.?\s*hcm|tphcm|{_CITY_NAMES}"
          rf"|thanh\s+pho|tp|tinh){_B}")
_BLOC_NAME = r"(?:dan\s*-\s*chinh\s*-\s*dang|cac\s+co\s+quan(?:\s+trung\s+uong)?|doanh\s+nghiep(?:\s+trung\s+uong)?|co\s+quan)"
_COMMITTEE = r"(?:thanh|tinh|quan|huyen|thi)\s+uy"
#: Who issued a document, as written after "của".
_ISSUER = "|".join([
    rf"(?:ban\s+thuong\s+vu|btv|thuong\s+truc|ban\s+chap\s+hanh|bch)\s+{_COMMITTEE}(?:\s+{_PLACE})?",
    rf"(?:ban\s+thuong\s+vu|btv|ban\s+chap\s+hanh|bch)\s+dang\s+uy\s+khoi(?:\s+{_BLOC_NAME})?(?:\s+{_PLACE})?",
    rf"{_COMMITTEE}(?:\s+{_PLACE})?",
    rf"dang\s+uy\s+khoi(?:\s+{_BLOC_NAME})?(?:\s+{_PLACE})?",
    rf"(?:ban\s+(?:tuyen\s+giao|to\s+chuc|dan\s+van|noi\s+chinh|kinh\s+te|doi\s+ngoai)|uy\s+ban\s+kiem\s+tra"
    rf"|van\s+phong)\s+(?:trung\s+uong(?:\s+dang)?|{_COMMITTEE}(?:\s+{_PLACE})?|dang\s+uy\s+khoi)",
    r"bo\s+chinh\s+tri",
    r"ban\s+bi\s+thu(?:\s+trung\s+uong(?:\s+dang)?)?",
    r"(?:ban\s+chap\s+hanh|bch)\s+(?:trung\s+uong|tw)(?:\s+dang)?",
    r"trung\s+uong(?:\s+dang)?",
    r"quoc\s+hoi",
    r"thu\s+tuong(?:\s+chinh\s+phu)?",
    r"chinh\s+phu",
    rf"(?:ubnd|hdnd|uy\s+ban\s+nhan\s+dan|hoi\s+dong\s+nhan\s+dan)(?:\s+{_PLACE})?",
])
#: Extra "issuers" that only occur in generic phrases ("chỉ thị của thành phố").
_GENERIC_ISSUER = rf"(?:{_ISSUER}|dang(?!\s*bo){_B}|nha\s+nuoc|thanh\s+pho|tinh|cap\s+tren)"

#: Words that make "<type word> <number>" a quantity, not a reference ("kế hoạch 10 tháng");
#: "ngày" only counts when no date follows ("Chỉ thị 05 ngày 15-5-2016" is a reference).
_QUANTITY_WORDS = ("thang", "nam", "ngay", "tuan", "quy", "gio", "lan", "nhiem vu", "noi dung", "chi tieu",
                   "dang vien", "nguoi", "don vi", "muc", "diem", "trang", "van ban", "nhom", "khau", "giai phap")

# --------------------------------------------------------------------------------------
# Compiled patterns (matched with .match at a position of the folded shadow)
# --------------------------------------------------------------------------------------

TYPE_START = re.compile(
    rf"(?<!\w)(?:(?P<word>{_alternation(TYPE_WORDS)})|(?P<abbr>{_alternation(TYPE_ABBREVIATIONS)})){_B}")

_NUM = r"(?P<num>\d{1,5})"
_CODE = r"(?P<type>[a-z]{1,4})"
_ISSUER_CODE = r"(?P<issuer>[a-z][a-z0-9]*(?:\.[a-z0-9]+)*)"
#: Symbol shapes, most specific first; each yields num/type/issuer (and year).
SYMBOLS: list[tuple[str, re.Pattern[str]]] = [
    ("dated", re.compile(rf"{_NUM}\s*/\s*(?P<year>(?:19|20)\d\d)\s*/\s*(?:{_CODE}\s*-\s*)?{_ISSUER_CODE}{_B}")),
    ("party", re.compile(rf"{_NUM}\s*-\s*{_CODE}\s*/\s*{_ISSUER_CODE}{_B}")),
    ("swapped", re.compile(rf"{_NUM}\s*/\s*{_CODE}\s*-\s*{_ISSUER_CODE}{_B}")),
    ("slashed", re.compile(rf"{_NUM}\s*/\s*{_CODE}\s*/\s*{_ISSUER_CODE}{_B}")),
    ("partial", re.compile(rf"{_NUM}\s*-\s*{_CODE}{_B}(?!\s*/)")),
]
NUMBER_INTRO = re.compile(r"\s+(?P<so>so\s*:?\s*)?")
_DATE_AHEAD = r"\s+\d{1,2}(?:\s*[-/.]|\s+thang)"
_QUANTITY_GUARD = (rf"(?!\s*%)(?!\s+(?:{_alternation(w for w in _QUANTITY_WORDS if w != 'ngay')}){_B})"
                   rf"(?!\s+ngay{_B}(?!{_DATE_AHEAD}))")
BARE_NUMBER = re.compile(rf"(?P<num>\d{{1,5}})(?![\w/]|[-.,]\d){_QUANTITY_GUARD}")

PLENUM_SINGLE = re.compile(
    rf"(?:\s+hoi\s+nghi)?(?:\s+(?:ban\s+chap\s+hanh|bch))?\s+(?:trung\s+uong|tw|t\.u)(?:\s+dang)?"
    rf"\s*(?:lan\s+thu\s+)?(?P<plenum>\d{{1,2}}){_B}{_QUANTITY_GUARD}")
PLENUM_LIST = re.compile(
    rf"\s+hoi\s+nghi\s+(?:lan\s+thu\s+)?(?P<plenums>\d{{1,2}}(?:\s*,\s*\d{{1,2}}|\s+va\s+\d{{1,2}})*)"
    rf"\s+(?:cua\s+)?(?:ban\s+chap\s+hanh|bch)\s+(?:trung\s+uong|tw)(?:\s+dang)?{_B}")

#: "Đại hội" or its abbreviation "ĐH" ("NQ ĐH XIII của Đảng").
CONGRESS = re.compile(r"\s+(?:dai\s+hoi|dh)(?!\w)")
_ORG_NAME = rf"(?P<org>khoi(?:\s+{_BLOC_NAME})?(?:\s+{_PLACE})?{_B}|{_PLACE}|(?:quan|huyen)\s+\d{{1,2}}{_B})"
#: Congress qualifiers, in any order after "Đại hội" (name → pattern).
CONGRESS_ITEMS: list[tuple[str, re.Pattern[str]]] = [
    ("generic", re.compile(r"\s+dang(?:\s+bo)?\s+cac\s+cap(?!\w)")),
    ("delegates", re.compile(r"\s+dai\s+bieu(?!\w)")),
    ("nationwide", re.compile(r"\s+toan\s+quoc(?!\w)")),
    ("national", re.compile(r"\s+(?:cua\s+)?dang(?!\s*bo)(?!\w)")),
    ("ordinal", re.compile(rf"\s+(?:lan\s+thu\s+(?P<ordinal>{_ORDINAL})|(?P<roman>{_ROMAN}){_B})")),
    ("organization", re.compile(rf"\s+(?:cua\s+)?dang\s+bo\s+{_ORG_NAME}")),
]

#: Trailing elements, in any order, each at most once (name → pattern).
TRAILING: list[tuple[str, re.Pattern[str]]] = [
    # "ngày 25-10-2021", "ngày 25/10/2021", "ngày 25 tháng 10 năm 2021"; after a comma too
    # ("Kết luận số 21, ngày 25-10-2021"), which the resolver weighs less (``date_detached``).
    ("date", re.compile(
        r"(?P<comma>\s*,)?\s+ngay\s+(?:(?P<d>\d{1,2})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<y>\d{4})"
        r"|(?P<d2>\d{1,2})\s+thang\s+(?P<m2>\d{1,2})\s+nam\s+(?P<y2>\d{4}))(?!\d)")),
    ("date", re.compile(r"\s*\(\s*(?:ngay\s+)?(?P<d>\d{1,2})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<y>\d{4})\s*\)")),
    ("khoa", re.compile(rf"\s*\(\s*khoa\s+(?P<k>{_ORDINAL})\s*\)|\s*,?\s+khoa\s+(?P<k2>{_ORDINAL})")),
    ("term", re.compile(
        r"\s*\(\s*(?:nhiem\s+ky\s+)?(?P<a>\d{4})\s*-\s*(?P<b>\d{4})\s*\)"
        r"|\s*,?\s+nhiem\s+ky\s+(?P<a2>\d{4})\s*-\s*(?P<b2>\d{4})(?!\d)")),
    # "của Hội nghị Trung ương 4", "tại Hội nghị lần thứ 4 Ban Chấp hành Trung ương": the plenum.
    ("plenum", re.compile(
        rf"\s+(?:cua|tai)\s+hoi\s+nghi(?:\s+lan\s+thu\s+(?P<p>\d{{1,2}}))?(?:\s+(?:ban\s+chap\s+hanh|bch))?"
        rf"\s+(?:trung\s+uong|tw)(?:\s+dang)?(?:\s*(?:lan\s+thu\s+)?(?P<p2>\d{{1,2}}))?{_B}")),
    ("issuer", re.compile(rf"\s+cua\s+(?P<who>{_ISSUER}){_B}")),
]

#: A law cited by its name and year ("Luật Đất đai 2024", "Bộ luật Lao động năm 2019") or by
#: name and number ("Luật Đất đai số 31/2024/QH15"). Name words stop at these.
_LAW_NAME_STOP = ("so", "nam", "ngay", "thang", "cua", "khoan", "dieu", "va", "tai", "luat", "theo", "ve")
LAW_NAME = re.compile(
    rf"\s+(?P<name>(?!(?:{_alternation(_LAW_NAME_STOP)}){_B})[a-z]+"
    rf"(?:(?:\s*,\s*|\s+)(?!(?:{_alternation(_LAW_NAME_STOP)}){_B})[a-z]+){{0,7}}?)"
    rf"(?:\s+(?:nam\s+)?(?P<year>(?:19|20)\d\d)(?![\d/])|(?=\s+so\s*:?\s*\d))")
#: First words that make "luật …" ordinary prose: "luật sư", "luật pháp", "luật này", "luật mới".
LAW_FIRST_STOP = frozenset({"su", "phap", "nay", "moi", "cu", "hien", "chung", "khac", "le", "dinh"})
#: Words after "tỉnh"/"thành phố"/"Tỉnh ủy" that are not part of a place name.
NAME_STOP = frozenset({"lan", "khoa", "nhiem", "ngay", "so", "ve", "va", "tai", "cua", "trong", "nam", "thang"})

#: Unnumbered documents cited by name: (pattern, kind, canonical folded name = alias key).
NAMED: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"dieu\s+le\s+dang(?:\s+cong\s+san\s+viet\s+nam)?(?!\w)"), "ĐL", "dieu le dang"),
    (re.compile(r"quy\s+che\s+dan\s+chu\s+(?:o\s+)?co\s+so(?!\w)"), "QC", "quy che dan chu o co so"),
]

_ANY_TYPE = _alternation(TYPE_WORDS)
GENERIC = re.compile(
    rf"(?:{_ANY_TYPE})(?:\s*,\s*(?:{_ANY_TYPE}))*(?:\s+va\s+(?:{_ANY_TYPE}))?"
    rf"\s+cua\s+{_GENERIC_ISSUER}(?:\s*(?:,|\s+va)\s+{_GENERIC_ISSUER})*{_B}")
GENERIC_LEAD = re.compile(r"(?<!\w)(?:cac|nhung|moi)\s+$")
BARE_SYMBOL = re.compile(r"(?<![\w/.-])\d{1,5}\s*[-/]\s*(?:(?:19|20)\d\d\s*/\s*)?[a-z]")

