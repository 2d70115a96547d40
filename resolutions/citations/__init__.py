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

from .mention import Mention, canonical_issuer_code, roman_value, shadow
from .parsing import find_citations

__all__ = ["Mention", "canonical_issuer_code", "find_citations", "roman_value", "shadow"]
