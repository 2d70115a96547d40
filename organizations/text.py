"""Vietnamese text normalisation shared by every app.

Real input arrives as NFC or NFD, with no-break spaces, en dashes and sometimes without
diacritics. Everything stored is NFC (so offsets, hashes and uniqueness agree); search keys
are *folded*: accents dropped, đ/Đ/Ð mapped to d, lower-cased. Both transformations keep
the length of NFC text, so a folded shadow shares offsets with the original.
"""
from __future__ import annotations

import unicodedata

# Length-preserving replacements: one code point for one code point, so offsets survive.
_SPACE_LIKE = "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u3000"
_DASH_LIKE = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_SPACES = str.maketrans({c: " " for c in _SPACE_LIKE} | {c: "-" for c in _DASH_LIKE})
_D_FOLD = str.maketrans({"đ": "d", "Đ": "D", "Ð": "D", "ð": "d"})


def nfc(text: str) -> str:
    """NFC-normalise text; the only form the database ever stores."""
    return unicodedata.normalize("NFC", text or "")


def clean_input(text: str) -> str:
    """Normalise user input for storage: NFC, unified line endings, no stray NULs."""
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return text


def unify_spaces(text: str) -> str:
    """Map exotic spaces to ' ' and dash look-alikes to '-', one for one (offsets kept)."""
    return text.translate(_SPACES)


def fold(text: str) -> str:
    """Accent- and case-insensitive key of ``text`` (NFC first).

    ``fold("Đảng ủy Khối")`` → ``"dang uy khoi"``. On NFC Vietnamese text the result has
    the same length as the input, so positions found in the folded text are positions in
    the original.
    """
    text = unify_spaces(nfc(text)).translate(_D_FOLD)
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.lower()


def search_key(text: str) -> str:
    """Folded text with runs of whitespace collapsed: the key stored for `icontains` search."""
    return " ".join(fold(text).split())


#: Characters never wanted inside a one-line value (a name, a title, a code): C0/C1 controls
#: (a vertical tab pasted from Word breaks every DOCX the name reaches), bidi overrides and
#: isolates (they make a name read differently than it is stored) and zero-width marks
#: (two names that look identical would differ). Whitespace controls become a space.
_LINE_WHITESPACE = "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029"
_LINE_DROP = {
    *(chr(c) for c in range(0x20) if chr(c) not in _LINE_WHITESPACE),
    *(chr(c) for c in range(0x7f, 0xa0) if chr(c) != "\x85"),
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff",
    *(chr(c) for c in range(0x202a, 0x202f)), *(chr(c) for c in range(0x2066, 0x206a)),
}
_LINE = str.maketrans({c: " " for c in _LINE_WHITESPACE} | {c: None for c in _LINE_DROP})
_TEXT = str.maketrans({c: None for c in _LINE_DROP} | {"\v": "\n", "\f": "\n"})


def clean_line(text: str) -> str:
    """Normalise a one-line value for storage: NFC, no control or invisible characters,
    whitespace runs collapsed, trimmed. Text fields that keep their lines use ``clean_input``."""
    return " ".join(nfc(text).translate(_LINE).split())


def clean_text(text: str) -> str:
    """Normalise multi-line text: as ``clean_input``, and control characters other than
    newline and tab dropped (they cannot be written to DOCX or XLSX and mean nothing)."""
    return clean_input(text).translate(_TEXT)
