"""The search: one ranked list of reports, meetings, directives, units and people.

Why it is shaped like this:

* **The database does the matching.** Every word is a ``LIKE '%word%'`` on a folded column
  (``search_text``, or ``rt_fold(title)`` for meetings) that a trigram GIN index answers on
  PostgreSQL (``search/migrations``); SQLite runs the same SQL on the folded columns,
  slower but with the same results.
* **Scope is part of the query.** Reports and meetings are filtered by the user's subtrees
  (``scope_q``), units by the same prefixes, people by a position held in them; directives
  are the shared register — with a unit filter, those assigned in the unit's subtree or
  issued by its organs. Counts are taken on those scoped queries, never before.
* **Bounded work.** Each way a row of a kind matches is read newest first and stops after
  ``COUNT_CAP + 1`` rows (``search.ranking``): that window is both the count ("more than
  200" beyond it) and the candidates that are ranked. No query reads or sorts a whole
  table, and the words and the citations each use their own index.
* **Ranking in SQL.** A score of boosts (a cited directive > a report linked to it or
  quoting its symbol > a match in a title > a match in a body), then the newest first,
  over the window's rows. The lists of each kind are merged by score.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)

from meetings.models import ImplementationLink, Meeting, Report
from organizations.models import Organization, Person, Position
from organizations.selectors import organizations_in_scope, scope_q
from resolutions.models import Assignment, Directive, DirectiveAlias

from .highlight import Run
from .query import ParsedQuery
from .ranking import COUNT_CAP, Source, Way, in_list, in_scope

PAGE_SIZE = 20
MAX_PAGE = COUNT_CAP // PAGE_SIZE
#: Order of the kinds when scores tie (and of the tabs).
KINDS = ("directive", "report", "meeting", "unit", "person")
#: Filters that only reports have: set, they leave the other kinds out.
REPORT_FILTERS = ("report_kind", "status", "directive")


class Fold(Func):
    """``rt_fold(expr)``: the accent- and case-folded text (see ``search.apps`` and the migration)."""

    function = "rt_fold"
    output_field = TextField()


def _score(*boosts: tuple[Q, int], base: int = 0):
    """The sum of the boosts whose condition holds, as one SQL expression."""
    expr = Value(base, output_field=IntegerField())
    for condition, points in boosts:
        expr = expr + Case(When(condition, then=Value(points)), default=Value(0), output_field=IntegerField())
    return expr


def _all_terms(field_name: str, terms: list[str]) -> Q:
    q = Q()
    for term in terms:
        q &= Q(**{f"{field_name}__contains": term})
    return q


def _phrase(field_name: str, query: ParsedQuery) -> Q:
    """The whole query as typed (folded) appears in the field: ranks above scattered words."""
    return Q(**{f"{field_name}__contains": query.key}) if query.key else Q(pk__in=[])


# --------------------------------------------------------------------------------------
# One query per kind: (matching rows, score, newest-first order)
# --------------------------------------------------------------------------------------

def _linked_way(directive_ids: list[int]) -> Way:
    """Reports linked to one of the directives: checked row by row down the newest reports
    when many are, read from the links' directive index when few are."""
    links = ImplementationLink.objects.filter(directive_id__in=directive_ids)
    return Way(Q(Exists(links.filter(report=OuterRef("pk")))), in_list("pk", links.values("report_id")), members=links)


def _reports(user, query: ParsedQuery, filters: dict) -> Source:
    qs = Report.objects.all()
    if filters.get("organization"):
        qs = qs.filter(organization__path__startswith=filters["organization"].path)
    if filters.get("date_from"):
        qs = qs.filter(period_end__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(period_start__lte=filters["date_to"])
    if filters.get("report_kind"):
        qs = qs.filter(kind=filters["report_kind"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("directive"):
        qs = qs.filter(Exists(ImplementationLink.objects.filter(report=OuterRef("pk"), directive=filters["directive"])))
    linked = (Exists(ImplementationLink.objects.filter(report=OuterRef("pk"), directive_id__in=query.linked))
              if query.linked else Q(pk__in=[]))
    quotes = [Q(search_text__contains=key) for key in query.symbol_keys]
    # Each way of matching is its own window (search.ranking): the links of the cited
    # directives and the words are answered by different indexes. A query that is only a
    # citation is answered by the links — the citations of the reports' text resolved to
    # directives (a report that quotes a symbol without implementing it was unlinked on
    # purpose), not by the symbol's characters, which "154-NQ/TW" contains as well as "54-NQ/TW".
    if query.citation_only:
        ways = [_linked_way(query.linked)]
    else:
        # Terms too short for the trigram index alone are not looked for in the reports'
        # text (every report would be read); a number among them finds its directives'.
        ways = [_all_terms("search_text", query.terms)] if query.indexable else []
        if query.titled_ids:
            ways.append(_linked_way(query.titled_ids))
    quoted = Q(pk__in=[])
    for condition in quotes:
        quoted |= condition
    score = _score((Q(linked), 60), (quoted, 40), (_all_terms("folded_title", query.terms), 20),
                   (_phrase("folded_title", query), 10), base=10)
    return Source(qs, ways, score, ["-period_end", "-pk"], scope=in_scope(user), row_scope=scope_q(user, "organization"),
                  universe=Report.objects.annotate(folded_title=Fold("title")), recency="period_end")


def _meetings(user, query: ParsedQuery, filters: dict) -> Source | None:
    if any(filters.get(name) for name in REPORT_FILTERS):
        return None
    qs = Meeting.objects.filter(scope_q(user, "organization"))
    if filters.get("organization"):
        qs = qs.filter(organization__path__startswith=filters["organization"].path)
    if filters.get("date_from"):
        qs = qs.filter(date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(date__lte=filters["date_to"])
    linked = (Exists(ImplementationLink.objects.filter(report__meeting=OuterRef("pk"),
                                                       directive_id__in=query.linked))
              if query.linked else Q(pk__in=[]))
    folded = {"folded_title": Fold("title")}
    qs = qs.annotate(**folded)
    way = Q(linked) if query.citation_only else _all_terms("folded_title", query.terms)
    score = _score((Q(linked), 50), (_phrase("folded_title", query), 10), base=20)
    return Source(qs, [way], score, ["-date", "-pk"], universe=Meeting.objects.annotate(**folded))


def _directives(user, query: ParsedQuery, filters: dict) -> Source | None:
    if any(filters.get(name) for name in REPORT_FILTERS):
        return None
    qs = Directive.objects.all()
    if unit := filters.get("organization"):
        # A unit's directives: those assigned to it or to a unit below it, and those its own
        # organs issued (a Thành ủy's resolutions, its congress' resolution).
        assigned = Assignment.objects.filter(directive=OuterRef("pk"), organization__path__startswith=unit.path)
        qs = qs.filter(Exists(assigned) | Q(issuer__organization=unit))
    if filters.get("date_from"):
        qs = qs.filter(issue_date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(issue_date__lte=filters["date_to"])
    # A number alone names its directives as a citation does: they lead the list.
    leading = query.directive_ids + (query.titled_ids if query.by_number else [])
    cited = Q(pk__in=leading) if leading else Q(pk__in=[])
    if query.citation_only:
        way = cited
    else:
        aliased = Q(pk__in=DirectiveAlias.objects.filter(key__contains=query.key).values("directive_id"))
        way = cited | _all_terms("search_text", query.terms) | aliased
    score = _score((cited, 100), (_phrase("search_text", query), 10), base=20)
    return Source(qs, [way], score, [F("issue_date").desc(nulls_last=True), "-pk"])


def _units(user, query: ParsedQuery, filters: dict) -> Source | None:
    if query.citation_only or filters.get("date_from") or filters.get("date_to") or any(
            filters.get(name) for name in REPORT_FILTERS):
        return None
    qs = organizations_in_scope(user)
    if filters.get("organization"):
        qs = qs.filter(path__startswith=filters["organization"].path)
    score = _score((Q(search_text__startswith=query.key), 15), (_phrase("search_text", query), 10), base=20)
    return Source(qs, [_all_terms("search_text", query.terms)], score, ["depth", "path"])


def _people(user, query: ParsedQuery, filters: dict) -> Source | None:
    if query.citation_only or filters.get("date_from") or filters.get("date_to") or any(
            filters.get(name) for name in REPORT_FILTERS):
        return None
    positions = Position.objects.filter(scope_q(user, "organization"), person=OuterRef("pk"))
    if filters.get("organization"):
        positions = positions.filter(organization__path__startswith=filters["organization"].path)
    qs = Person.objects.filter(Exists(positions))
    score = _score((Q(search_text__startswith=query.key), 15), (_phrase("search_text", query), 10), base=20)
    return Source(qs, [_all_terms("search_text", query.terms)], score, ["full_name", "pk"])


SOURCES = {"report": _reports, "meeting": _meetings, "directive": _directives, "unit": _units, "person": _people}


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------

@dataclass
class Hit:
    """One line of the results, whatever its kind."""

    kind: str
    pk: int
    url: str = ""
    title: list[Run] = field(default_factory=list)
    passage: list[Run] = field(default_factory=list)
    unit: Organization | None = None
    parent: Organization | None = None
    issuer: str = ""
    date: dt.date | None = None
    date_end: dt.date | None = None
    status: str = ""
    status_code: str = ""
    detail: str = ""


@dataclass
class KindCount:
    kind: str
    count: int

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


@dataclass
class ResultPage:
    """What the page shows: the hits of one page, the counts of each kind, the pagination."""

    query: ParsedQuery
    kind: str
    hits: list[Hit]
    counts: list[KindCount]
    number: int
    num_pages: int

    #: The count beyond which the page says "more than …".
    cap = COUNT_CAP

    @property
    def total(self) -> int:
        return sum(min(c.count, COUNT_CAP + 1) for c in self.counts if not self.kind or c.kind == self.kind)

    @property
    def grand_total(self) -> int:
        return sum(min(c.count, COUNT_CAP + 1) for c in self.counts)

    @property
    def grand_total_capped(self) -> bool:
        return self.grand_total > COUNT_CAP

    @property
    def total_capped(self) -> bool:
        return self.total > COUNT_CAP

    # The interface of includes/pagination.html (a Django Page's).
    @property
    def paginator(self) -> ResultPage:
        return self

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


#: Directives whose title contains the whole query count as meant by it (at most this many).
TITLED_DIRECTIVES = 5


def _with_titled_directives(query: ParsedQuery) -> ParsedQuery:
    """Add the directives whose title holds the query as a phrase: typing a directive's
    title leads to the reports linked to it, which rank above reports merely sharing words.
    A query of short terms only (no trigram to look up) with a number in it ("05") is read
    as directives' number instead: their reports are those linked to them."""
    if query.citation_only:
        return query
    if query.by_number:
        numbers = {form for n in query.numbers for form in (n, n.lstrip("0") or "0", n.zfill(2))}
        titled = list(Directive.objects.filter(number__in=numbers).order_by("-pk")
                      .values_list("pk", flat=True)[:TITLED_DIRECTIVES])
    elif len(query.key.split()) < 2:
        return query
    else:
        titled = list(Directive.objects.filter(search_text__contains=query.key).order_by("-pk")
                      .values_list("pk", flat=True)[:TITLED_DIRECTIVES])
    if not titled:
        return query
    return replace(query, titled_ids=titled, linked_ids=list(dict.fromkeys(query.directive_ids + titled)))


def search(user, query: ParsedQuery, filters: dict, kind: str = "", page: int = 1) -> ResultPage:
    """The page ``page`` of the hits of ``query`` for ``user``, of one ``kind`` or of all kinds."""
    kind = kind if kind in SOURCES else ""
    page = max(1, min(page, MAX_PAGE))
    if query.empty:
        return ResultPage(query, kind, [], [], 1, 1)
    query = _with_titled_directives(query)
    built = {name: SOURCES[name](user, query, filters) for name in KINDS}
    built = {name: b for name, b in built.items() if b is not None}
    counts = [KindCount(name, len(source.window())) for name, source in built.items()]
    shown = sum(min(c.count, COUNT_CAP) for c in counts if not kind or c.kind == kind)
    num_pages = max(1, min(MAX_PAGE, -(-shown // PAGE_SIZE)))
    page = min(page, num_pages)
    wanted = page * PAGE_SIZE
    ranked: list[tuple[int, int, int, str, int]] = []
    for count in counts:
        if not count.count or (kind and count.kind != kind):
            continue
        rows = built[count.kind].ranked(wanted)
        rank = KINDS.index(count.kind)
        ranked.extend((-row_score, rank, i, count.kind, pk) for i, (pk, row_score) in enumerate(rows))
    ranked.sort()
    chosen = [(name, pk) for _s, _r, _i, name, pk in ranked[(page - 1) * PAGE_SIZE:wanted]]
    return ResultPage(query, kind, build_hits(user, query, chosen), counts, page, num_pages)


def build_hits(user, query: ParsedQuery, chosen: list[tuple[str, int]]) -> list[Hit]:
    """The hits for ``(kind, pk)`` pairs, in that order (one query per kind shown)."""
    from .hits import load_hits

    return load_hits(user, query, chosen)
