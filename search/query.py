"""What a search box query means: folded words and phrases, and the directives it cites.

The query is folded exactly as the stored ``search_text`` columns are
(``organizations.text.search_key``: NFC first, so NFD input and both tone-mark placements,
``khoá``/``khóa``, give the same key). Words in double quotes stay together as a phrase;
other words may appear in any order. A query that is a citation in any form the citation
finder knows ("CT 05", "05/CT-TW", "chỉ thị số 05-CT/TƯ", "nghi quyet 54") is resolved
against the register, so that the directive — or every candidate, when the citation is
ambiguous — leads the results.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from organizations.text import nfc, search_key
from resolutions.resolver import find_directives

#: Longest query taken into account: a search box is not a place for a whole report.
MAX_QUERY = 200
#: At most this many words and phrases are matched (each one is a condition of the query).
MAX_TERMS = 8
#: The shortest term a trigram index can look up (pg_trgm reads three characters at a time):
#: a query of shorter terms only ("05", "Q1") would make PostgreSQL read the whole index.
TRIGRAM = 3

_QUOTED = re.compile(r"[\"“”„«»]([^\"“”„«»]*)[\"“”„«»]?")
#: Full-width Latin letters, digits and signs ("ＣＴ ０５", typed with an East Asian input
#: method) are their ASCII selves in a query; the ideographic space is a space.
_FULL_WIDTH = {**{code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}, 0x3000: " "}
#: Characters that only separate words in a query (a symbol keeps its - / and .).
_SEPARATORS = re.compile(r"[,;:!?()\[\]{}<>*+=|\\`~^]+")


@dataclass
class ParsedQuery:
    """A query as the selectors use it."""

    raw: str
    key: str = ""
    terms: list[str] = field(default_factory=list)
    directive_ids: list[int] = field(default_factory=list)
    symbol_keys: list[str] = field(default_factory=list)
    citation_only: bool = False
    #: Directives whose reports match too: the cited ones and those whose title is the query.
    linked_ids: list[int] = field(default_factory=list)
    titled_ids: list[int] = field(default_factory=list)

    @property
    def linked(self) -> list[int]:
        return self.linked_ids or self.directive_ids

    @property
    def indexable(self) -> bool:
        """Whether a term is long enough for the trigram indexes (the others are then checked
        on the rows those find)."""
        return any(len(term) >= TRIGRAM for term in self.terms)

    @property
    def numbers(self) -> list[str]:
        """The terms that are a number alone ("05"): read as a directive's number."""
        return [term for term in self.terms if term.isdigit()]

    @property
    def by_number(self) -> bool:
        """A query of terms too short to look up with a number among them ("05"): it names
        the directives with that number, as a citation would."""
        return not self.indexable and bool(self.numbers)

    @property
    def empty(self) -> bool:
        return not self.terms and not self.directive_ids


def split_terms(text: str) -> list[str]:
    """Folded phrases (from quotes) and words, without duplicates, in the order typed."""
    terms: list[str] = []
    for match in _QUOTED.finditer(text):
        phrase = search_key(_SEPARATORS.sub(" ", match.group(1)))
        if phrase:
            terms.append(phrase)
    rest = _QUOTED.sub(" ", text)
    for word in search_key(_SEPARATORS.sub(" ", rest)).split():
        word = word.strip(".-/'")
        if word:
            terms.append(word)
    unique = list(dict.fromkeys(terms))
    return unique[:MAX_TERMS]


def parse(text: str) -> ParsedQuery:
    """Fold ``text`` and resolve the directives it cites (one bounded set of register reads)."""
    raw = " ".join((text or "").translate(_FULL_WIDTH).split())[:MAX_QUERY]
    query = ParsedQuery(raw=raw, key=search_key(raw), terms=split_terms(raw))
    if not query.key:
        return query
    ids: list[int] = []
    spans: list[tuple[int, int]] = []
    for citation in find_directives(raw):
        found = ([citation.directive] if citation.directive else []) + citation.candidates + citation.documents
        if not found:
            continue
        ids.extend(found)
        spans.append((citation.start, citation.end))
        if citation.symbol:
            query.symbol_keys.append(search_key(citation.symbol))
    query.directive_ids = list(dict.fromkeys(ids))
    # A query that is nothing but citations is answered by them (and the reports linked to
    # them or quoting the symbol); mixed with other words, the words must match too.
    text_nfc = nfc(raw)
    outside = [c for i, c in enumerate(text_nfc) if not any(s <= i < e for s, e in spans)]
    query.citation_only = bool(ids) and not "".join(outside).strip(" .,;:")
    return query
