"""Resolve parsed citations (``resolutions.citations``) against the directive register.

Why this is more than a symbol lookup: party numbering restarts every term, "/TW" covers
three organs, "QĐ" is both Quyết định and Quy định, and people cite "Kết luận 21 của Bộ
Chính trị" or "Nghị quyết Đại hội Đảng bộ thành phố" without a symbol at all (DOMAIN §2).
So each mention gets a *pool* of possible directives (same kind and number, same plenum,
congress resolutions, or an alias), the pool is narrowed by what the text states (symbol,
issuer words or code, date, khóa, term, congress organisation and ordinal), and only
then, if several remain, by the context of the report (its organisation and date).

What the text states is a hard filter: a contradiction empties the pool and the citation
is reported as unknown and registrable, never silently pinned on the nearest document.
Context is only a tie-breaker: it never removes the last candidate. When context cannot
decide either, the citation lists its candidates.

The register is read in a bounded number of queries (aliases, directives, organs, and the
context organisation when given by code), whatever the number of mentions.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q

from organizations.models import Organ, Organization
from organizations.text import search_key

from .citations import Mention, canonical_issuer_code, find_citations, shadow
from .models import Directive, DirectiveAlias

#: Abbreviations expanded before comparing names ("BTV Thành ủy TPHCM" = "Ban Thường vụ Thành ủy TP. Hồ Chí Minh").
_EXPANSIONS = {
    "tphcm": "thanh pho ho chi minh", "hcm": "ho chi minh", "tp": "thanh pho", "btv": "ban thuong vu",
    "bch": "ban chap hanh", "tw": "trung uong", "bct": "bo chinh tri", "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
}
#: Words that say what kind of body is meant but not which one; ignored when matching congress organisations.
_ORG_STOP_WORDS = frozenset({"dang", "bo", "uy", "khoi", "cua", "thanh", "pho", "tinh", "quan", "huyen"})
#: Congress scope → organisation kind of the congress' organisation.
_SCOPE_KINDS = {"national": "central", "province": "province", "bloc": "bloc", "district": "district"}


def name_tokens(text: str) -> tuple[str, ...]:
    """Folded words of a name with abbreviations expanded and punctuation dropped."""
    words = re.findall(r"[a-z0-9]+", shadow(text or "").replace("tp.", "tp "))
    return tuple(token for word in words for token in _EXPANSIONS.get(word, word).split())


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------

@dataclass
class Citation:
    """A mention with what the register says about it.

    Exactly one of three outcomes: ``directive`` (one document), ``documents`` (the
    surface names several, "Nghị quyết Hội nghị lần thứ 6, 7, 8 …") or neither — then
    ``candidates`` lists the ambiguous choices, and an empty list means unknown
    (``registrable``: offer to register it from ``mention.parts()``). ``label`` is the
    resolved directive's readable name, for listings.
    """

    mention: Mention
    directive: int | None = None
    candidates: list[int] = field(default_factory=list)
    documents: list[int] = field(default_factory=list)
    kind: str | None = None
    number: str | None = None
    year: int | None = None
    issuer: str | None = None
    symbol: str | None = None
    label: str = ""

    @property
    def start(self) -> int:
        return self.mention.start

    @property
    def end(self) -> int:
        return self.mention.end

    @property
    def text(self) -> str:
        return self.mention.text

    @property
    def registrable(self) -> bool:
        return self.directive is None and not self.candidates and not self.documents

    def as_dict(self) -> dict:
        """The JSON object of ``find_directives --json``."""
        data = {
            "start": self.start, "end": self.end, "text": self.text, "kind": self.kind, "number": self.number,
            "year": self.year, "issuer": self.issuer, "symbol": self.symbol, "directive": self.directive,
            "candidates": self.candidates, "documents": self.documents, "registrable": self.registrable,
        }
        if self.registrable:
            data["parts"] = self.mention.parts()
        return data


# --------------------------------------------------------------------------------------
# Register snapshot
# --------------------------------------------------------------------------------------

def _number_variants(number: str) -> set[str]:
    value = int(number)
    return {str(value), f"{value:02d}", f"{value:03d}", f"{value:04d}"}


def _kinds(mention: Mention) -> set[str]:
    """Kinds the mention may mean: a bare "…-QĐ/…" symbol is a Quyết định or a Quy định, a
    bare "54/2017/QH14" a law or a resolution of Quốc hội."""
    if mention.kind == "QĐ" and not mention.type_word:
        return {"QĐ", "QĐi"}
    if mention.family == "state_law" and not mention.type_word and not mention.type_code:
        return {"L", "NQ"}
    return {mention.kind} if mention.kind else set()


def _law_key(mention: Mention) -> str | None:
    """The folded name of a law cited by name ("Luật Đất đai 2024" → "dat dai"), else None."""
    if mention.kind != "L" or not mention.name:
        return None
    key = search_key(mention.name)
    return re.sub(r"^(?:bo\s+)?luat\s+", "", key) or None


def _alias_keys(mention: Mention) -> set[str]:
    keys = {search_key(mention.text)}
    if mention.name:
        keys.add(search_key(mention.name))
    if mention.symbol_printed:
        keys.add(search_key(mention.symbol_printed))
    return keys


class Register:
    """The part of the register the mentions can refer to, loaded in three queries."""

    def __init__(self, mentions: Sequence[Mention]):
        keys = set().union(*(_alias_keys(m) for m in mentions)) if mentions else set()
        self.aliases: dict[str, set[int]] = {}
        for key, directive_id in DirectiveAlias.objects.filter(key__in=keys).values_list("key", "directive_id"):
            self.aliases.setdefault(key, set()).add(directive_id)
        alias_ids = set().union(*self.aliases.values()) if self.aliases else set()
        query = self._query(mentions, alias_ids)
        self.directives: list[Directive] = list(
            Directive.objects.filter(query).select_related("issuer", "issuer__organization", "term")
        ) if query is not None else []
        self.by_id = {d.pk: d for d in self.directives}
        self.organs: list[Organ] = list(Organ.objects.select_related("organization"))
        self._organ_names = [(organ, self._names(organ)) for organ in self.organs]

    @staticmethod
    def _query(mentions: Sequence[Mention], alias_ids: set[int]) -> Q | None:
        parts = [Q(pk__in=alias_ids)] if alias_ids else []
        for m in mentions:
            if m.number and _kinds(m):
                parts.append(Q(kind__in=_kinds(m), number__in=_number_variants(m.number)))
        for m in mentions:
            if law_key := _law_key(m):
                parts.append(Q(kind="L", search_text__contains=law_key))
        plenums = {p for m in mentions for p in m.plenums if not m.number}
        if plenums:
            parts.append(Q(kind="NQ", plenum__in=plenums, issuer__organization__kind="central"))
        if any(m.congress or m.congress_scope for m in mentions):
            parts.append(Q(kind="NQ", number="", issuer__kind="congress"))
        return reduce(or_, parts) if parts else None

    @staticmethod
    def _names(organ: Organ) -> list[tuple[str, ...]]:
        names = [organ.name, organ.short_name, *organ.aliases.splitlines()]
        return [tokens for tokens in (name_tokens(n) for n in names) if tokens]

    def organs_named(self, words: str) -> list[Organ]:
        """Organs whose name, short name or an alias is ``words``; failing that, contains all its words."""
        wanted = name_tokens(words)
        exact = [organ for organ, names in self._organ_names if wanted in names]
        if exact:
            return exact
        return [organ for organ, names in self._organ_names if any(set(wanted) <= set(n) for n in names)]

    def pool(self, mention: Mention) -> list[Directive]:
        """Every directive the mention could mean before any filtering.

        The number comes first: "Nghị quyết số 05 … của Hội nghị Trung ương 4" and "Luật Đất
        đai số 31/2024/QH15" are numbered documents whose plenum or name only narrows.
        """
        if mention.number:
            variants, kinds = _number_variants(mention.number), _kinds(mention)
            found = [d for d in self.directives if d.kind in kinds and d.number in variants]
        elif law_key := _law_key(mention):
            found = [d for d in self.directives if d.kind == "L" and law_key in d.search_text]
            found += [d for d in self._aliased(mention) if d not in found]
        elif mention.name:
            found = self._aliased(mention)
        elif mention.plenums:
            found = [d for d in self.directives if d.kind == "NQ" and d.plenum in mention.plenums
                     and d.issuer.organization and d.issuer.organization.kind == "central"]
        elif mention.congress or mention.congress_scope:
            found = [d for d in self.directives if d.kind == "NQ" and not d.number and d.issuer.kind == "congress"]
        else:
            found = []
        return found or self._aliased(mention)

    def aliased_ids(self, mention: Mention) -> set[int]:
        return set().union(*(self.aliases.get(k, set()) for k in _alias_keys(mention)))

    def _aliased(self, mention: Mention) -> list[Directive]:
        return [self.by_id[i] for i in sorted(self.aliased_ids(mention)) if i in self.by_id]


# --------------------------------------------------------------------------------------
# Context
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Context:
    """Where and when the text was written: the report's organisation and date.

    The organisation is kept as its tree path: an issuer's organisation is in the report's
    lineage (the organisation itself or an ancestor) exactly when its path is a prefix of
    this one, so no ancestor query is needed.
    """

    path: str = ""
    date: dt.date | None = None

    @classmethod
    def build(cls, org: Organization | str | None, date: dt.date | None) -> Context:
        if isinstance(org, str):
            org = Organization.objects.filter(code=org).only("path").first()
        return cls(path=org.path if org is not None else "", date=date)

    def in_lineage(self, org: Organization | None) -> bool:
        return bool(self.path) and org is not None and self.path.startswith(org.path)


# --------------------------------------------------------------------------------------
# Filters: what the text states (hard) and what the context suggests (soft)
# --------------------------------------------------------------------------------------

_Filter = Callable[[Mention, list[Directive], Register], "list[Directive] | None"]


def _year(d: Directive) -> int | None:
    return d.issue_date.year if d.issue_date else d.year


def _code(d: Directive) -> str:
    return canonical_issuer_code(d.issuer_code or d.issuer.symbol_code or "")


def _by_symbol(m: Mention, pool: list[Directive], register: Register) -> list[Directive] | None:
    """Prefer an exact canonical symbol; a misprint ("05-CT/TƯ" typed "05-CT/TU") does not rule out the rest."""
    same = [d for d in pool if m.symbol and d.symbol == m.symbol]
    return same or None


def _by_issuer_words(m: Mention, pool: list[Directive], register: Register) -> list[Directive] | None:
    """"của Bộ Chính trị" names an organ; "của Trung ương"/"của Thành ủy" name the committee and its organs."""
    if not m.issuer_words:
        return None
    organs = register.organs_named(m.issuer_words)
    organ_ids = {o.pk for o in organs}
    org_ids = {o.organization_id for o in organs if o.organization_id}
    if organs and all(o.kind == "bch" for o in organs) and not _names_the_executive(m.issuer_words):
        return [d for d in pool if d.issuer_id in organ_ids or d.issuer.organization_id in org_ids]
    kept = [d for d in pool if d.issuer_id in organ_ids]
    if not kept and m.symbol:
        # Sources disagree on the organ (29-QĐ/TW: headed BCH, cited "của Bộ Chính trị"): an exact
        # symbol from the same organisation is still the document.
        kept = [d for d in pool if d.symbol == m.symbol and d.issuer.organization_id in org_ids]
    return kept


def _names_the_executive(words: str) -> bool:
    """"Ban Chấp hành (BCH) Trung ương" names the BCH itself; "Trung ương", "Thành ủy" the whole committee."""
    tokens = name_tokens(words)
    return any(tokens[i:i + 2] == ("chap", "hanh") for i in range(len(tokens) - 1))


def _by_issuer_code(m: Mention, pool: list[Directive], register: Register) -> list[Directive] | None:
    """Only when no issuer words are given: the words say more than the code (DOMAIN §2.2)."""
    if m.issuer_words or not m.issuer_code:
        return None
    codes = {m.issuer_code}
    if m.undiacritised and m.issuer_code == "TU":
        codes.add("TW")  # without diacritics "TƯ" (a misprint of TW) and "TU" look the same
    return [d for d in pool if _code(d) in codes]


def _by_year(m: Mention, pool: list[Directive], register: Register) -> list[Directive] | None:
    if not m.year:
        return None
    return [d for d in pool if _year(d) in (None, m.year)]


def _by_date(m: Mention, pool: list[Directive], register: Register) -> list[Directive] | None:
    """Same day first; a different day of the same year is tolerated (typos), another year is not.

    A date after a comma ("Kết luận số 21, ngày 14/9/2018, Đảng ủy Khối đã …") may be the
    sentence's own date: it decides when it fits a document and is ignored when it fits none.
    """
    if not m.date:
        return None
    exact = [d for d in pool if d.issue_date == m.date]
    if exact:
        return exact
    year = m.date.year
    kept = [d for d in pool if _year(d) == year
            or (_year(d) is None and (d.term is None or d.term.start_year <= year <= d.term.end_year))]
    return kept if kept or not m.date_detached else None


def _by_plenum(m: Mention, pool: list[Directive], register: Register) -> list[Directive] | None:
    """A numbered resolution "của Hội nghị Trung ương 4": the plenum that adopted it."""
    if not (m.number and m.plenums):
        return None
    exact = [d for d in pool if d.plenum in m.plenums]
    return exact or [d for d in pool if d.plenum is None and d.issuer.kind == "bch"]


def _by_term_ordinal(m: Mention, pool: list[Directive], register: Register) -> list[Directive] | None:
    if not m.term_ordinal:
        return None
    return [d for d in pool if d.term is None or d.term.ordinal == m.term_ordinal]


def _by_term_years(m: Mention, pool: list[Directive], register: Register) -> list[Directive] | None:
    if not m.term_years:
        return None
    return [d for d in pool if d.term is None or (d.term.start_year, d.term.end_year) == m.term_years]


def _by_congress_scope(m: Mention, pool: list[Directive], register: Register) -> list[Directive] | None:
    kind = _SCOPE_KINDS.get(m.congress_scope or "")
    if not kind:
        return None
    return [d for d in pool if d.issuer.organization and d.issuer.organization.kind == kind]


def _by_congress_organization(m: Mention, pool: list[Directive], register: Register) -> list[Directive] | None:
    """"Khối Dân - Chính - Đảng TPHCM": every distinctive word must occur in the organisation's names."""
    wanted = {t for t in name_tokens(m.organization_words or "") if t not in _ORG_STOP_WORDS}
    if not wanted:
        return None
    return [d for d in pool if wanted <= _organization_words(d)]


def _organization_words(d: Directive) -> set[str]:
    org = d.issuer.organization
    names = [d.issuer.name, d.issuer.short_name, *(d.issuer.aliases or "").splitlines()]
    if org is not None:
        names += [org.name, org.short_name]
    return {t for n in names for t in name_tokens(n)}


def _by_congress_ordinal(m: Mention, pool: list[Directive], register: Register) -> list[Directive] | None:
    if not m.congress:
        return None
    return [d for d in pool if d.term is not None and d.term.ordinal == m.congress]


#: Hard filters in order. ``_by_symbol`` is a preference (it never empties the pool).
_STATED: tuple[_Filter, ...] = (
    _by_symbol, _by_issuer_words, _by_issuer_code, _by_year, _by_date, _by_plenum, _by_term_ordinal, _by_term_years,
    _by_congress_scope, _by_congress_organization, _by_congress_ordinal,
)


def _apply_stated(m: Mention, pool: list[Directive], register: Register) -> list[Directive]:
    for rule in _STATED:
        narrowed = rule(m, pool, register)
        if narrowed is not None:
            pool = narrowed
        if not pool:
            break
    return pool


def _prefer(items: list, predicate: Callable) -> list:
    """The items satisfying ``predicate`` if there are any, else all of them (a soft rule)."""
    kept = [item for item in items if predicate(item)]
    return kept or items


def _issued_by(context: Context, d: Directive) -> bool:
    """Could the text have cited ``d`` at the context date? (A document cannot be cited before it exists.)"""
    if d.issue_date:
        return d.issue_date <= context.date
    return d.term is None or d.term.start_year <= context.date.year


def _in_force_term(context: Context, d: Directive) -> bool:
    return d.term is not None and d.term.start_year <= context.date.year <= d.term.end_year


def _apply_context(pool: list[Directive], context: Context) -> list[Directive]:
    """Tie-breakers, each only when several remain: the report's own lineage, then its date."""
    if len(pool) > 1 and context.path:
        pool = _prefer(pool, lambda d: context.in_lineage(d.issuer.organization))
    if len(pool) > 1 and context.date:
        pool = _prefer(pool, lambda d: _issued_by(context, d))
        pool = _prefer(pool, lambda d: _in_force_term(context, d))
    return pool


# --------------------------------------------------------------------------------------
# Resolution
# --------------------------------------------------------------------------------------

def _ordered(directives: Iterable[Directive]) -> list[int]:
    return [d.pk for d in sorted(directives, key=lambda d: (d.issue_date or dt.date.min, d.plenum or 0, d.number, d.pk))]


def _resolve_one(m: Mention, register: Register, context: Context) -> Citation:
    pool = _apply_stated(m, register.pool(m), register)
    if len(m.plenums) > 1 and not m.number:
        return _resolve_set(m, pool, context)
    if len(pool) > 1:
        # The register's aliases say what a surface means to this office: plenum 4 of khóa XII
        # adopted 04-NQ/TW and 05-NQ/TW, yet "NQ TW4 khóa XII" is registered as an alias of the first.
        aliased = set(register.aliased_ids(m))
        pool = _prefer(pool, lambda d: d.pk in aliased)
    pool = _apply_context(pool, context)
    if len(pool) == 1:
        return _citation(m, directive=pool[0])
    return _citation(m, candidates=_ordered(pool))


def _resolve_set(m: Mention, pool: list[Directive], context: Context) -> Citation:
    """One surface, several documents: all of them, provided they belong to one term."""
    terms: dict[int | None, list[Directive]] = {}
    for d in pool:
        terms.setdefault(d.term_id, []).append(d)
    groups = list(terms.values())
    if len(groups) > 1 and context.date:
        groups = _prefer(groups, lambda g: all(_issued_by(context, d) for d in g))
        groups = _prefer(groups, lambda g: any(_in_force_term(context, d) for d in g))
    if len(groups) == 1:
        return _citation(m, documents=_ordered(groups[0]))
    return _citation(m, candidates=_ordered(pool))


def _citation(m: Mention, *, directive: Directive | None = None, candidates: list[int] | None = None,
              documents: list[int] | None = None) -> Citation:
    if directive is None:
        return Citation(mention=m, candidates=candidates or [], documents=documents or [], kind=m.kind,
                        number=m.number, year=m.year or (m.date.year if m.date else None),
                        issuer=m.issuer_words or m.organization_words or m.issuer_code, symbol=m.symbol)
    return Citation(mention=m, directive=directive.pk, kind=directive.kind, number=directive.number or None,
                    year=_year(directive) or m.year, issuer=str(directive.issuer), symbol=directive.symbol or None,
                    label=directive.label)


def resolve(mentions: Iterable[Mention], *, context_org: Organization | str | None = None,
            context_date: dt.date | None = None) -> list[Citation]:
    """Resolve mentions against the register; generic phrases are dropped (they cite nothing).

    ``context_org`` (an Organization or its code) and ``context_date`` describe the report
    the text comes from; they only break ties between documents the text itself allows.
    """
    wanted = [m for m in mentions if not m.generic]
    if not wanted:
        return []
    register = Register(wanted)
    context = Context.build(context_org, context_date)
    return [_resolve_one(m, register, context) for m in wanted]


def find_directives(text: str, *, context_org: Organization | str | None = None,
                    context_date: dt.date | None = None) -> list[Citation]:
    """Parse and resolve in one call: the citations of ``text`` (offsets into its NFC form)."""
    return resolve(find_citations(text), context_org=context_org, context_date=context_date)
