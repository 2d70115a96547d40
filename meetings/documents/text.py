"""How the summary document writes text and numbers: Vietnamese conventions, XML-safe strings.

Shared by the DOCX layout, the assessment and the workbook so that a figure reads the same
in all three ("94,1 %", "1.234", a unit's name with a pasted vertical tab cleaned).
"""
from __future__ import annotations

import re
from decimal import Decimal

#: What XML 1.0 cannot carry (tab, newline and carriage return aside), and what it becomes.
_NOT_XML: dict[int, str | None] = {
    **{c: None for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)},
    0x0B: " ", 0x0C: " ", 0xFFFE: None, 0xFFFF: None,
}


def clean(value: object) -> str:
    """Text as a document may hold it: no character XML 1.0 cannot carry.

    A unit named with a vertical tab (pasted from Word) may already be stored; python-docx
    and openpyxl refuse such a character, and one name then failed every summary document
    of its unit. Vertical tabs and form feeds become spaces, other control characters and
    the non-characters U+FFFE/U+FFFF are dropped; spacing is kept (the "Số:        -BC/"
    line leaves room for the number written by hand).
    """
    return "" if value is None else str(value).translate(_NOT_XML)


def upper(text: object) -> str:
    return clean(text).upper()


def num(value: float | Decimal | int | None) -> str:
    """Vietnamese number formatting: '.' separates thousands, ',' decimals; '—' for no value."""
    if value is None:
        return "—"
    f = float(value)
    if f.is_integer():
        return f"{int(f):,}".replace(",", ".")
    return f"{f:,.2f}".rstrip("0").replace(",", " ").replace(".", ",").replace(" ", ".")


def pct(part: float | Decimal | int | None, whole: float | Decimal | int | None) -> str:
    """A share written as Vietnamese administrative texts do: "94,1%"; "—" when it has no meaning."""
    try:
        return percent(float(part) / float(whole) * 100)
    except (TypeError, ZeroDivisionError, ValueError):
        return "—"


def percent(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",").replace(",0", "") + "%"


def names(items: list[str], limit: int = 12, word: str = "đơn vị") -> str:
    """"A, B và C"; beyond ``limit`` names, the rest counted ("… và 5 chi bộ khác")."""
    items = [clean(i) for i in items]
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" và {len(items) - limit} {word} khác"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " và " + items[-1]


_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+")


def excerpt(text: str, around: tuple[int, int] | None = None, limit: int = 280) -> str:
    """One or two sentences of a report, trimmed for a quotation.

    With ``around`` (the offsets of a citation), the line holding the citation: the reports
    write one point per line, so that line is the report's own account of the directive.
    """
    text = clean(text)
    if around is not None:
        start = text.rfind("\n", 0, around[0]) + 1
        end = text.find("\n", around[1])
        text = text[start:end if end >= 0 else len(text)]
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    out = ""
    for sentence in _SENTENCE_END.split(text):
        if out and len(out) + len(sentence) + 1 > limit:
            break
        out = f"{out} {sentence}".strip()
    if len(out) > limit or not out:
        out = text[:limit].rsplit(" ", 1)[0] + " …"
    return out
