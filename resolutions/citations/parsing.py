"""The parsers: from a type word to the end of the citation, on the folded shadow."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from organizations.text import nfc

from .mention import Mention, canonical_issuer_code, parse_date, roman_value, shadow, symbol_family
from .patterns import (
    BARE_NUMBER,
    BARE_SYMBOL,
    CONGRESS,
    CONGRESS_ITEMS,
    GENERIC,
    GENERIC_LEAD,
    LAW_FIRST_STOP,
    LAW_NAME,
    NAME_STOP,
    NAMED,
    NUMBER_INTRO,
    PARTY_CODES,
    PLENUM_LIST,
    PLENUM_SINGLE,
    STATE_CODES,
    STATE_TYPE_KINDS,
    SYMBOLS,
    TRAILING,
    TYPE_ABBREVIATIONS,
    TYPE_CODES,
    TYPE_START,
    TYPE_WORDS,
)


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
    for pattern, kind, name in NAMED:
        m = pattern.match(folded, draft.start)
        if m:
            draft.end = m.end()
            draft.fields.update(kind=kind, name=name)
            return True
    return False


def _parse_plenum(original: str, folded: str, draft: _Draft) -> bool:
    if draft.fields.get("kind") != "NQ":
        return False
    m = PLENUM_LIST.match(folded, draft.end) or PLENUM_SINGLE.match(folded, draft.end)
    if not m:
        return False
    numbers = m.groupdict().get("plenums") or m.group("plenum")
    plenums = tuple(dict.fromkeys(int(n) for n in re.findall(r"\d+", numbers)))
    draft.end = m.end()
    draft.fields["plenums"] = plenums
    return True


def _parse_congress(original: str, folded: str, draft: _Draft) -> bool:
    """"Nghị quyết Đại hội …" / "NQ ĐH …": ordinal, organisation and scope in any order.

    Abbreviated ("NQ ĐH XIII") only with an ordinal: "NQ ĐH" alone names nothing.
    """
    if draft.fields.get("kind") != "NQ":
        return False
    m = CONGRESS.match(folded, draft.end)
    if not m:
        return False
    pos, found, org_end = _congress_items(original, folded, m.end())
    if "generic" in found:
        if draft.fields.get("abbreviated"):
            return False
        draft.end = pos
        draft.fields["generic"] = True
        return True
    if not found.keys() & {"nationwide", "national", "ordinal", "organization"}:
        return False
    if draft.fields.get("abbreviated") and "ordinal" not in found:
        return False
    draft.end = pos
    if "ordinal" in found:
        draft.fields["congress"] = _ordinal_of(found["ordinal"])
    if "organization" in found:
        org = found["organization"]
        words = org.group("org")
        draft.fields["organization_words"] = original[org.start("org"):org_end]
        draft.fields["congress_scope"] = ("bloc" if words.startswith("khoi")
                                          else "district" if words.startswith(("quan", "huyen")) else "province")
    elif found.keys() & {"nationwide", "national"}:
        draft.fields["congress_scope"] = "national"
    draft.fields.setdefault("congress_scope", None)
    return True


def _congress_items(original: str, folded: str, pos: int) -> tuple[int, dict[str, re.Match[str]], int]:
    """Consume congress qualifiers in any order, each once; stop at a generic "các cấp".

    Returns the end, the items found and the end of the organisation's name, which runs
    on over a proper name ("Đảng bộ tỉnh Bình Dương") the patterns cannot list.
    """
    found: dict[str, re.Match[str]] = {}
    org_end = pos
    while "generic" not in found:
        for name, pattern in CONGRESS_ITEMS:
            item = None if name in found else pattern.match(folded, pos)
            if item and (name != "ordinal" or _ordinal_of(item)):
                found[name], pos = item, item.end()
                if name == "organization":
                    pos = org_end = _proper_name_end(original, folded, item.end("org"))
                break
        else:
            break
    return pos, found, org_end


def _proper_name_end(original: str, folded: str, pos: int) -> int:
    """After "tỉnh", "thành phố" or "Tỉnh ủy": the end of the place name that follows.

    A name is its capitalised words ("tỉnh Quảng Ninh"); typed in lower case, up to three
    words count only when the congress ordinal follows them ("tinh quang ninh lan thu xv").
    """
    if not re.search(r"(?:tinh|pho|tp|uy)$", folded[max(0, pos - 4):pos]):
        return pos
    start = pos
    for _ in range(4):
        word = _NEXT_WORD.match(folded, pos)
        if not word or word.group(1) in NAME_STOP or not original[word.start(1)].isupper():
            break
        pos = word.end()
    if pos == start:
        lower = _LOWER_NAME_BEFORE_ORDINAL.match(folded, pos)
        if lower and not any(w in NAME_STOP for w in lower.group(1).split()):
            pos = lower.end(1)
    return pos


_NEXT_WORD = re.compile(r"\s+([a-z]+)(?!\w)")
_LOWER_NAME_BEFORE_ORDINAL = re.compile(r"\s+([a-z]+(?:\s+[a-z]+){0,2})(?=\s+lan\s+thu\s)")


def _ordinal_of(item: re.Match[str]) -> int | None:
    return roman_value(item.group("ordinal") or item.group("roman") or "")


def _parse_number(original: str, folded: str, draft: _Draft) -> bool:
    """"[số] 05-CT/TW", "[số] 54/NQ/QH14", or a bare "05" (with the guards for quantities)."""
    intro = NUMBER_INTRO.match(folded, draft.end)
    if not intro:
        return False
    pos = intro.end()
    if _parse_symbol(original, folded, pos, draft):
        return True
    m = BARE_NUMBER.match(folded, pos)
    if not m:
        return False
    number = m.group("num")
    if not intro.group("so") and len(number) == 4 and number[:2] in ("19", "20"):
        return False  # "Kế hoạch 2020": a year, not a number
    draft.end = m.end()
    draft.fields["number"] = number
    return True


def _parse_symbol(original: str, folded: str, pos: int, draft: _Draft) -> bool:
    for shape, pattern in SYMBOLS:
        m = pattern.match(folded, pos)
        if not m:
            continue
        type_key = m.group("type")
        if type_key is not None and type_key not in TYPE_CODES:
            continue
        has_issuer = m.groupdict().get("issuer") is not None
        issuer_code = canonical_issuer_code(original[m.start("issuer"):m.end("issuer")]) if has_issuer else None
        type_code = TYPE_CODES.get(type_key) if type_key else None
        family = symbol_family(shape, issuer_code, has_type=type_key is not None) if issuer_code else "party"
        draft.end = m.end()
        draft.fields.update(
            number=m.group("num"), type_code=type_code, issuer_code=issuer_code,
            symbol_printed=original[m.start():m.end()], family=family,
        )
        if m.groupdict().get("year"):
            draft.fields["year"] = int(m.group("year"))
        if family != "party" and type_code in STATE_TYPE_KINDS:
            type_kind = STATE_TYPE_KINDS[type_code]
        elif family == "state_law" and type_code is None:
            type_kind = "L"  # 59/2020/QH14: a law (a resolution of Quốc hội carries its type word)
        else:
            type_kind = type_code
        draft.fields.setdefault("kind", type_kind)
        return True
    return False


def _parse_trailing(original: str, folded: str, draft: _Draft) -> None:
    """Absorb the adjacent date, khóa, term and "của <issuer>" in whatever order they come."""
    seen: set[str] = set()
    progressed = True
    while progressed:
        progressed = False
        for name, pattern in TRAILING:
            if name in seen or (name == "plenum" and draft.fields.get("plenums")):
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
        date = parse_date(groups)
        return {"date": date, "date_detached": bool(groups.get("comma"))} if date else None
    if name == "plenum":
        plenum = groups.get("p") or groups.get("p2")
        return {"plenums": (int(plenum),)} if plenum else None
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
    m = GENERIC.match(folded, draft.start)
    if not m:
        return False
    lead = GENERIC_LEAD.search(folded, max(0, draft.start - 6), draft.start)
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
    if kind == "L":
        return (_parse_law,)
    return (_parse_number, _parse_generic)


def _parse_law(original: str, folded: str, draft: _Draft) -> bool:
    """"Luật số 59/2020/QH14", "Luật Đất đai 2024", "Bộ luật Lao động năm 2019", "Luật Đất đai số 31/2024/QH15".

    "luật" is also an ordinary word ("pháp luật", "luật sư"), so a law needs "số" and a
    number, or a name and a year or number; a name starts with a capital letter unless it
    has two words or more ("luat dat dai 2024", typed in a search box).
    """
    if folded[max(0, draft.start - 5):draft.start].endswith("phap "):
        return False
    intro = NUMBER_INTRO.match(folded, draft.end)
    if intro and intro.group("so"):
        return _parse_number(original, folded, draft)
    m = LAW_NAME.match(folded, draft.end)
    if not m:
        return False
    name = m.group("name")
    if name.split()[0] in LAW_FIRST_STOP or not (original[m.start("name")].isupper() or len(name.split()) > 1):
        return False
    draft.fields["name"] = original[draft.start:m.end("name")]
    if m.group("year"):
        draft.end = m.end()
        draft.fields["year"] = int(m.group("year"))
        return True
    draft.end = m.end("name")
    return _parse_number(original, folded, draft)


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
    for match in TYPE_START.finditer(folded):
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
    if not draft.fields.get("generic") and draft.fields["kind"] not in ("ĐL", "QC"):
        _parse_trailing(original, folded, draft)
    return _build(original, draft)


def _bare_symbols(original: str, folded: str, mentions: list[Mention]) -> Iterator[Mention]:
    """Symbols printed without a type word ("theo 21-KL/TW"): the kind comes from the type code."""
    covered = [(m.start, m.end) for m in mentions]
    for m in BARE_SYMBOL.finditer(folded):
        if any(start <= m.start() < end for start, end in covered):
            continue
        draft = _Draft(m.start(), m.start(), {})
        if not _parse_symbol(original, folded, m.start(), draft):
            continue
        if not _distinctive(draft.fields):
            continue
        _parse_trailing(original, folded, draft)
        yield _build(original, draft)


def _distinctive(fields: dict) -> bool:
    """Is a symbol without a type word surely a document? (Not "12-A/B", a room or a plate.)

    A party symbol with a known issuer code and a type code; a state law or normative
    document with its year (54/2017/QH14, 30/2020/NĐ-CP); an administrative one with a
    known state issuer code (439/QĐ-TTg).
    """
    family, code, type_code = fields["family"], fields["issuer_code"], fields.get("type_code")
    if family == "party":
        return code in PARTY_CODES.values() and bool(type_code)
    if family == "state_law":
        return bool(fields.get("year") or type_code)
    if family == "state_normative":
        return bool(fields.get("year") and type_code)
    return code in STATE_CODES.values() and bool(type_code)


def _space(word: str) -> str:
    return " ".join(word.split())


def _build(original: str, draft: _Draft) -> Mention:
    fields = {k: v for k, v in draft.fields.items() if k != "abbreviated"}
    return Mention(start=draft.start, end=draft.end, text=original[draft.start:draft.end], **fields)

