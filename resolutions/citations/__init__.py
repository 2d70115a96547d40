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
A date, plenum or khóa may follow after a comma ("Kết luận số 21, ngày 25-10-2021", "Nghị
quyết số 05, ngày 01/11/2016 của Hội nghị Trung ương 4 khóa XII"): it is part of the span.

Forms: party documents (type word or abbreviation, "số", symbol or number), plenum and
congress resolutions ("Nghị quyết Trung ương 4 khóa XII", "NQ ĐH XIII của Đảng"), named
documents (Điều lệ Đảng), and state documents — laws by symbol or by name and year ("Luật
Đất đai 2024"), Nghị định, Thông tư, Quyết định, resolutions of Quốc hội — and symbols
printed without a type word when they cannot be anything else (21-KL/TW, 30/2020/NĐ-CP).

Modules: ``patterns`` (vocabulary and compiled patterns), ``mention`` (what a citation
states), ``parsing`` (from a type word to the end of the citation).
"""
from __future__ import annotations

from .mention import Mention, canonical_issuer_code, roman_value, shadow
from .parsing import find_citations

__all__ = ["Mention", "canonical_issuer_code", "find_citations", "roman_value", "shadow"]
