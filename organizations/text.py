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
