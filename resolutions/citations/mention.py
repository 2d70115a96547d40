"""What one citation states (:class:`Mention`) and the helpers that read its parts."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from organizations.text import fold

from ..symbols import canonical_symbol, default_type_code, normalize_issuer_code
from .patterns import PARTY_CODES, ROMAN_VALUES, STATE_CODES

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
    #: The date came after a comma ("Kết luận số 21, ngày 25-10-2021"): it may as well be the
    #: date of the sentence, so the resolver drops it when no document has it.
    date_detached: bool = False
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
        return canonical_symbol(family=self.family, number=self.number, type_code=self.type_code or default_type_code(self.kind or ""),
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
    if not token or any(c not in ROMAN_VALUES for c in token):
        return None
    total = 0
    for i, c in enumerate(token):
        value = ROMAN_VALUES[c]
        total += -value if i + 1 < len(token) and ROMAN_VALUES[token[i + 1]] > value else value
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


def symbol_family(shape: str, issuer_code: str, has_type: bool) -> str:
    """Which symbol family a printed shape belongs to (DOMAIN §2.1)."""
    if issuer_code.startswith("QH"):
        return "state_law"
    if issuer_code in PARTY_CODES.values():
        return "party"
    if shape == "dated":
        return "state_normative" if has_type else "state_law"
    return "state_admin"


def parse_date(groups: dict) -> dt.date | None:
    day, month, year = (groups.get("d") or groups.get("d2"), groups.get("m") or groups.get("m2"),
                        groups.get("y") or groups.get("y2"))
    try:
        return dt.date(int(year), int(month), int(day))
    except (TypeError, ValueError):
        return None


