"""Find directive citations in Vietnamese running text (pure parsing, no database).

Why a folded shadow: users paste text in NFC or NFD, with U+00A0, en dashes, in any case
and sometimes without diacritics. Every pattern here runs on ``fold(nfc(text))`` (accents
dropped, đ→d, lower case, exotic spaces and dashes unified one for one), so "Chỉ thị 05",
"CHỈ THỊ 05" and "chi thi 05" are the same match, and because folding is length-preserving
on NFC text the offsets found in the shadow are offsets into the NFC text. Only the parts
folding destroys (the issuer code "TƯ" vs "TU", the printed symbol, the surface) are read
back from the NFC text at the same offsets.

A :class:`Mention` is what the text *says* (type word, number, symbol, issuer words,
plenum, congress, khóa, dates). Deciding which registered directive it means is the
resolver's job (``resolutions.resolver``), never this module's: the symbol alone is not a
key (numbering restarts every term, DOMAIN §2.2).

Span convention (as in ``corpus/citations.json``): from the type word to the last
identifying element — number or symbol, an adjacent "ngày …" date, "(khóa …)", the term
("nhiệm kỳ 2015-2020", "(2015-2020)") and "của <issuer>"; topic clauses ("về …") are left
out. Wrappers such as "Kế hoạch thực hiện Kết luận số 21-KL/TW" yield only the inner
reference, because a type word without a number, plenum, congress or name is no citation.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field

from organizations.text import fold, nfc

from .symbols import canonical_symbol, normalize_issuer_code

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
STATE_CODES: dict[str, str] = {fold(c).upper(): c for c in ("CP", "TTg", "UBND", "HĐND", "BTC", "BNV")}

_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


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

_TYPE_START = re.compile(
    rf"(?<!\w)(?:(?P<word>{_alternation(TYPE_WORDS)})|(?P<abbr>{_alternation(TYPE_ABBREVIATIONS)})){_B}")

_NUM = r"(?P<num>\d{1,5})"
_CODE = r"(?P<type>[a-z]{1,4})"
_ISSUER_CODE = r"(?P<issuer>[a-z][a-z0-9]*(?:\.[a-z0-9]+)*)"
#: Symbol shapes, most specific first; each yields num/type/issuer (and year).
_SYMBOLS: list[tuple[str, re.Pattern[str]]] = [
    ("dated", re.compile(rf"{_NUM}\s*/\s*(?P<year>(?:19|20)\d\d)\s*/\s*(?:{_CODE}\s*-\s*)?{_ISSUER_CODE}{_B}")),
    ("party", re.compile(rf"{_NUM}\s*-\s*{_CODE}\s*/\s*{_ISSUER_CODE}{_B}")),
    ("swapped", re.compile(rf"{_NUM}\s*/\s*{_CODE}\s*-\s*{_ISSUER_CODE}{_B}")),
    ("slashed", re.compile(rf"{_NUM}\s*/\s*{_CODE}\s*/\s*{_ISSUER_CODE}{_B}")),
    ("partial", re.compile(rf"{_NUM}\s*-\s*{_CODE}{_B}(?!\s*/)")),
]
_NUMBER_INTRO = re.compile(r"\s+(?P<so>so\s*:?\s*)?")
_DATE_AHEAD = r"\s+\d{1,2}(?:\s*[-/.]|\s+thang)"
_QUANTITY_GUARD = (rf"(?!\s*%)(?!\s+(?:{_alternation(w for w in _QUANTITY_WORDS if w != 'ngay')}){_B})"
                   rf"(?!\s+ngay{_B}(?!{_DATE_AHEAD}))")
_BARE_NUMBER = re.compile(rf"(?P<num>\d{{1,5}})(?![\w/]|[-.,]\d){_QUANTITY_GUARD}")

_PLENUM_SINGLE = re.compile(
    rf"(?:\s+hoi\s+nghi)?(?:\s+(?:ban\s+chap\s+hanh|bch))?\s+(?:trung\s+uong|tw|t\.u)(?:\s+dang)?"
    rf"\s*(?:lan\s+thu\s+)?(?P<plenum>\d{{1,2}}){_B}{_QUANTITY_GUARD}")
_PLENUM_LIST = re.compile(
    rf"\s+hoi\s+nghi\s+(?:lan\s+thu\s+)?(?P<plenums>\d{{1,2}}(?:\s*,\s*\d{{1,2}}|\s+va\s+\d{{1,2}})*)"
    rf"\s+(?:cua\s+)?(?:ban\s+chap\s+hanh|bch)\s+(?:trung\s+uong|tw)(?:\s+dang)?{_B}")

_CONGRESS = re.compile(r"\s+dai\s+hoi(?!\w)")
_ORG_NAME = rf"(?P<org>khoi(?:\s+{_BLOC_NAME})?(?:\s+{_PLACE})?{_B}|{_PLACE}|(?:quan|huyen)\s+\d{{1,2}}{_B})"
#: Congress qualifiers, in any order after "Đại hội" (name → pattern).
_CONGRESS_ITEMS: list[tuple[str, re.Pattern[str]]] = [
    ("generic", re.compile(r"\s+dang(?:\s+bo)?\s+cac\s+cap(?!\w)")),
    ("delegates", re.compile(r"\s+dai\s+bieu(?!\w)")),
    ("nationwide", re.compile(r"\s+toan\s+quoc(?!\w)")),
    ("national", re.compile(r"\s+(?:cua\s+)?dang(?!\s*bo)(?!\w)")),
    ("ordinal", re.compile(rf"\s+(?:lan\s+thu\s+(?P<ordinal>{_ORDINAL})|(?P<roman>{_ROMAN}){_B})")),
    ("organization", re.compile(rf"\s+(?:cua\s+)?dang\s+bo\s+{_ORG_NAME}")),
]

#: Trailing elements, in any order, each at most once (name → pattern).
_TRAILING: list[tuple[str, re.Pattern[str]]] = [
    ("date", re.compile(
        r"\s+ngay\s+(?:(?P<d>\d{1,2})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<y>\d{4})"
        r"|(?P<d2>\d{1,2})\s+thang\s+(?P<m2>\d{1,2})\s+nam\s+(?P<y2>\d{4}))(?!\d)")),
    ("khoa", re.compile(rf"\s*\(\s*khoa\s+(?P<k>{_ORDINAL})\s*\)|\s*,?\s+khoa\s+(?P<k2>{_ORDINAL})")),
    ("term", re.compile(
        r"\s*\(\s*(?:nhiem\s+ky\s+)?(?P<a>\d{4})\s*-\s*(?P<b>\d{4})\s*\)"
        r"|\s*,?\s+nhiem\s+ky\s+(?P<a2>\d{4})\s*-\s*(?P<b2>\d{4})(?!\d)")),
    ("issuer", re.compile(rf"\s+cua\s+(?P<who>{_ISSUER}){_B}")),
]

#: Unnumbered documents cited by name: (pattern, kind, canonical folded name = alias key).
_NAMED: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"dieu\s+le\s+dang(?:\s+cong\s+san\s+viet\s+nam)?(?!\w)"), "ĐL", "dieu le dang"),
    (re.compile(r"quy\s+che\s+dan\s+chu\s+(?:o\s+)?co\s+so(?!\w)"), "QC", "quy che dan chu o co so"),
]

_ANY_TYPE = _alternation(TYPE_WORDS)
_GENERIC = re.compile(
    rf"(?:{_ANY_TYPE})(?:\s*,\s*(?:{_ANY_TYPE}))*(?:\s+va\s+(?:{_ANY_TYPE}))?"
    rf"\s+cua\s+{_GENERIC_ISSUER}(?:\s*(?:,|\s+va)\s+{_GENERIC_ISSUER})*{_B}")
_GENERIC_LEAD = re.compile(r"(?<!\w)(?:cac|nhung|moi)\s+$")
_BARE_SYMBOL = re.compile(r"(?<![\w/.-])\d{1,5}\s*[-/]\s*(?:(?:19|20)\d\d\s*/\s*)?[a-z]")


# --------------------------------------------------------------------------------------
# The mention
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mention:
    """One reference as written: offsets into the NFC text plus the parts it states.

    Fields left ``None`` were not stated. ``generic`` marks phrases that name no single
    document ("các nghị quyết của Trung ương"); they are found so that they can be
    excluded explicitly, and the resolver drops them.
    """

    start: int
    end: int
    text: str
    kind: str | None = None
    type_word: str = ""
    number: str | None = None
    year: int | None = None
    family: str | None = None
    type_code: str | None = None
    issuer_code: str | None = None
    symbol_printed: str | None = None
    issuer_words: str | None = None
    plenums: tuple[int, ...] = ()
    congress: int | None = None
    congress_scope: str | None = None
    organization_words: str | None = None
    term_ordinal: int | None = None
    term_years: tuple[int, int] | None = None
    date: dt.date | None = None
    name: str | None = None
    generic: bool = False

    @property
    def symbol(self) -> str | None:
        """The canonical symbol when the text states every part of it (else None)."""
        if not (self.number and self.issuer_code and self.family):
            return None
        year = self.year or (self.date.year if self.date and self.family != "party" else None)
        if self.family in ("state_law", "state_normative") and not year:
            return None
        return canonical_symbol(family=self.family, number=self.number, type_code=self.type_code or self.kind or "",
                                issuer_code=self.issuer_code, year=year) or None

    @property
    def plenum(self) -> int | None:
        return self.plenums[0] if len(self.plenums) == 1 else None

    @property
    def undiacritised(self) -> bool:
        """Typed without diacritics: then a printed "TU" may as well be "TƯ" (= TW)."""
        return self.text.isascii()

    def parts(self) -> dict:
        """The stated parts, JSON-ready, for reporting an unknown citation."""
        data = {k: v for k, v in asdict(self).items() if v not in (None, "", (), False)}
        for key in ("start", "end", "text"):
            data.pop(key, None)
        if self.date:
            data["date"] = self.date.isoformat()
        if self.symbol:
            data["symbol"] = self.symbol
        for key in ("plenums", "term_years"):
            if key in data:
                data[key] = list(data[key])
        return data


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------

def shadow(text: str) -> str:
    """The folded, offset-preserving shadow of NFC ``text``.

    ``fold`` keeps the length of ordinary NFC text; for the rare characters where it does
    not (Hangul, a stray combining mark, "İ") fall back to folding one code point at a time
    and keeping the original where the fold would change the length.
    """
    folded = fold(text)
    if len(folded) == len(text):
        return folded
    return "".join(f if len(f := fold(c)) == 1 else c for c in text)


def roman_value(token: str) -> int | None:
    """Arabic or Roman ordinal ("XII", "xii", "12") → int; None for what is not a valid numeral."""
    token = token.strip().lower()
    if token.isdigit():
        return int(token)
    if not token or any(c not in _ROMAN_VALUES for c in token):
        return None
    total = 0
    for i, c in enumerate(token):
        value = _ROMAN_VALUES[c]
        total += -value if i + 1 < len(token) and _ROMAN_VALUES[token[i + 1]] > value else value
    return total if _to_roman(total) == token else None


def _to_roman(n: int) -> str:
    out = []
    for value, letters in ((100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def canonical_issuer_code(printed: str) -> str:
    """Printed issuer code → canonical: "TƯ"/"T.Ư" → TW, "qh14" → QH14, "duk" → ĐUK."""
    code = normalize_issuer_code(printed.strip())
    key = fold(code).upper().replace(".", "")
    if key in PARTY_CODES:
        return PARTY_CODES[key]
    if key in STATE_CODES:
        return STATE_CODES[key]
    return key


def _family(shape: str, issuer_code: str, has_type: bool) -> str:
    """Which symbol family a printed shape belongs to (DOMAIN §2.1)."""
    if issuer_code.startswith("QH"):
        return "state_law"
    if issuer_code in PARTY_CODES.values():
        return "party"
    if shape == "dated":
        return "state_normative" if has_type else "state_law"
    return "state_admin"


def _parse_date(groups: dict) -> dt.date | None:
    day, month, year = (groups.get("d") or groups.get("d2"), groups.get("m") or groups.get("m2"),
                        groups.get("y") or groups.get("y2"))
    try:
        return dt.date(int(year), int(month), int(day))
    except (TypeError, ValueError):
        return None


@dataclass
class _Draft:
    """A mention being assembled while the cursor moves right."""

    start: int
    end: int
    fields: dict = field(default_factory=dict)


# --------------------------------------------------------------------------------------
# Parsers. Each takes (original, folded, draft) and returns True when it extended it.
# --------------------------------------------------------------------------------------

def _parse_named(original: str, folded: str, draft: _Draft) -> bool:
    for pattern, kind, name in _NAMED:
        m = pattern.match(folded, draft.start)
        if m:
            draft.end = m.end()
            draft.fields.update(kind=kind, name=name)
            return True
    return False


def _parse_plenum(original: str, folded: str, draft: _Draft) -> bool:
    if draft.fields.get("kind") != "NQ":
        return False
    m = _PLENUM_LIST.match(folded, draft.end) or _PLENUM_SINGLE.match(folded, draft.end)
    if not m:
        return False
    numbers = m.groupdict().get("plenums") or m.group("plenum")
    plenums = tuple(dict.fromkeys(int(n) for n in re.findall(r"\d+", numbers)))
    draft.end = m.end()
    draft.fields["plenums"] = plenums
    return True


def _parse_congress(original: str, folded: str, draft: _Draft) -> bool:
    """"Nghị quyết Đại hội …": ordinal, organisation and scope in any order."""
    if draft.fields.get("kind") != "NQ" or draft.fields.get("abbreviated"):
        return False
    m = _CONGRESS.match(folded, draft.end)
    if not m:
        return False
    pos, found = _congress_items(folded, m.end())
    if "generic" in found:
        draft.end = pos
        draft.fields["generic"] = True
        return True
    if not found.keys() & {"nationwide", "national", "ordinal", "organization"}:
        return False
    draft.end = pos
    if "ordinal" in found:
        draft.fields["congress"] = _ordinal_of(found["ordinal"])
    if "organization" in found:
        org = found["organization"]
        words = org.group("org")
        draft.fields["organization_words"] = original[org.start("org"):org.end("org")]
        draft.fields["congress_scope"] = ("bloc" if words.startswith("khoi")
                                          else "district" if words.startswith(("quan", "huyen")) else "province")
    elif found.keys() & {"nationwide", "national"}:
        draft.fields["congress_scope"] = "national"
    draft.fields.setdefault("congress_scope", None)
    return True


def _congress_items(folded: str, pos: int) -> tuple[int, dict[str, re.Match[str]]]:
    """Consume congress qualifiers in any order, each once; stop at a generic "các cấp"."""
    found: dict[str, re.Match[str]] = {}
    while "generic" not in found:
        for name, pattern in _CONGRESS_ITEMS:
            item = None if name in found else pattern.match(folded, pos)
            if item and (name != "ordinal" or _ordinal_of(item)):
                found[name], pos = item, item.end()
                break
        else:
            break
    return pos, found


def _ordinal_of(item: re.Match[str]) -> int | None:
    return roman_value(item.group("ordinal") or item.group("roman") or "")


def _parse_number(original: str, folded: str, draft: _Draft) -> bool:
    """"[số] 05-CT/TW", "[số] 54/NQ/QH14", or a bare "05" (with the guards for quantities)."""
    intro = _NUMBER_INTRO.match(folded, draft.end)
    if not intro:
        return False
    pos = intro.end()
    if _parse_symbol(original, folded, pos, draft):
        return True
    m = _BARE_NUMBER.match(folded, pos)
    if not m:
        return False
    number = m.group("num")
    if not intro.group("so") and len(number) == 4 and number[:2] in ("19", "20"):
        return False  # "Kế hoạch 2020": a year, not a number
    draft.end = m.end()
    draft.fields["number"] = number
    return True


def _parse_symbol(original: str, folded: str, pos: int, draft: _Draft) -> bool:
    for shape, pattern in _SYMBOLS:
        m = pattern.match(folded, pos)
        if not m:
            continue
        type_key = m.group("type")
        if type_key is not None and type_key not in TYPE_CODES:
            continue
        has_issuer = m.groupdict().get("issuer") is not None
        issuer_code = canonical_issuer_code(original[m.start("issuer"):m.end("issuer")]) if has_issuer else None
        type_code = TYPE_CODES.get(type_key) if type_key else None
        draft.end = m.end()
        draft.fields.update(
            number=m.group("num"), type_code=type_code, issuer_code=issuer_code,
            symbol_printed=original[m.start():m.end()],
            family=_family(shape, issuer_code, has_type=type_key is not None) if issuer_code else "party",
        )
        if m.groupdict().get("year"):
            draft.fields["year"] = int(m.group("year"))
        draft.fields.setdefault("kind", type_code)
        return True
    return False


def _parse_trailing(original: str, folded: str, draft: _Draft) -> None:
    """Absorb the adjacent date, khóa, term and "của <issuer>" in whatever order they come."""
    seen: set[str] = set()
    progressed = True
    while progressed:
        progressed = False
        for name, pattern in _TRAILING:
            if name in seen:
                continue
            m = pattern.match(folded, draft.end)
            if not m:
                continue
            value = _trailing_value(name, m, original)
            if value is None:
                continue
            seen.add(name)
            draft.end = m.end()
            draft.fields.update(value)
            progressed = True


def _trailing_value(name: str, m: re.Match[str], original: str) -> dict | None:
    groups = m.groupdict()
    if name == "date":
        date = _parse_date(groups)
        return {"date": date} if date else None
    if name == "khoa":
        ordinal = roman_value(groups.get("k") or groups.get("k2") or "")
        return {"term_ordinal": ordinal} if ordinal else None
    if name == "term":
        first, last = int(groups.get("a") or groups["a2"]), int(groups.get("b") or groups["b2"])
        return {"term_years": (first, last)} if first < last <= first + 10 else None
    return {"issuer_words": original[m.start("who"):m.end("who")]}


def _parse_generic(original: str, folded: str, draft: _Draft) -> bool:
    """"(các) nghị quyết[, chỉ thị…] của Trung ương [và Thành ủy]": names no single document."""
    if draft.fields.get("abbreviated"):
        return False
    m = _GENERIC.match(folded, draft.start)
    if not m:
        return False
    lead = _GENERIC_LEAD.search(folded, max(0, draft.start - 6), draft.start)
    if lead:
        draft.start = lead.start()
    draft.end = m.end()
    draft.fields["generic"] = True
    return True


_Parser = Callable[[str, str, _Draft], bool]


def _parsers_for(kind: str) -> tuple[_Parser, ...]:
    """What may follow a type word, tried in order (the first that matches wins).

    Only a Nghị quyết has plenum and congress forms; "Điều lệ" is only ever the Charter.
    """
    if kind == "ĐL":
        return (_parse_named,)
    if kind == "QC":
        return (_parse_named, _parse_number, _parse_generic)
    if kind == "NQ":
        return (_parse_plenum, _parse_congress, _parse_number, _parse_generic)
    return (_parse_number, _parse_generic)


# --------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------

def find_citations(text: str) -> list[Mention]:
    """Every citation in ``text``, in order, as :class:`Mention` (generic phrases flagged).

    ``text`` may be NFC or NFD; offsets are into ``nfc(text)`` (code points).
    """
    original = nfc(text)
    folded = shadow(original)
    mentions: list[Mention] = []
    taken = 0
    for match in _TYPE_START.finditer(folded):
        if match.start() < taken:
            continue
        mention = _mention_at(original, folded, match)
        if mention is not None:
            mentions.append(mention)
            taken = mention.end
    mentions.extend(_bare_symbols(original, folded, mentions))
    return sorted(mentions, key=lambda m: m.start)


def _mention_at(original: str, folded: str, match: re.Match[str]) -> Mention | None:
    abbreviated = match.group("abbr") is not None
    kind = (TYPE_ABBREVIATIONS if abbreviated else TYPE_WORDS)[match.group("abbr") or _space(match.group("word"))]
    draft = _Draft(match.start(), match.end(),
                   {"kind": kind, "abbreviated": abbreviated, "type_word": original[match.start():match.end()]})
    for parser in _parsers_for(kind):
        if parser(original, folded, draft):
            break
    else:
        return None
    if not draft.fields.get("generic") and not draft.fields.get("name"):
        _parse_trailing(original, folded, draft)
    return _build(original, draft)


def _bare_symbols(original: str, folded: str, mentions: list[Mention]) -> Iterator[Mention]:
    """Symbols printed without a type word ("theo 21-KL/TW"): the kind comes from the type code."""
    covered = [(m.start, m.end) for m in mentions]
    for m in _BARE_SYMBOL.finditer(folded):
        if any(start <= m.start() < end for start, end in covered):
            continue
        draft = _Draft(m.start(), m.start(), {})
        if not _parse_symbol(original, folded, m.start(), draft):
            continue
        code = draft.fields["issuer_code"]
        known = code in PARTY_CODES.values() or draft.fields["family"] == "state_law"
        if not (known and draft.fields.get("type_code")):
            continue
        _parse_trailing(original, folded, draft)
        yield _build(original, draft)


def _space(word: str) -> str:
    return " ".join(word.split())


def _build(original: str, draft: _Draft) -> Mention:
    fields = {k: v for k, v in draft.fields.items() if k != "abbreviated"}
    return Mention(start=draft.start, end=draft.end, text=original[draft.start:draft.end], **fields)
