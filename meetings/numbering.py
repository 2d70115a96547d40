"""Numbering checks: meeting numbers and document numbers per term of a unit.

Numbers restart every term (DOMAIN §2.2: "từ số 01 … trong một nhiệm kỳ cấp uỷ"): a unit's
BCH plenums run "lần thứ 1, 2, …" within khóa XII and start again at 1 in khóa XIII, and
its documents of one kind (Chỉ thị, Kế hoạch, …) likewise. Within one term and one series a
number skipped (16 recorded after 14) usually means a meeting or a document never entered,
and a number used twice a typing error — both worth a clerk's look, neither a reason to
refuse what was typed: the minutes say what they say.

Series: a unit's meetings of one kind in one term (``Meeting.sequence``); the numbered
documents of one kind issued by the unit's organs (BCH, BTV, … share one counter, as they
share the issuer code TU) in one term — the directive's own term when it is the unit's,
else the unit's term of its issue year. Documents of state bodies belong to no unit here.

Reads only: the unit page's panel, the meeting form's warning and ``numbering_issues`` (the
admins' tree workspace flags units with it) all come from this module.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organizations.models import Organization, Term
from resolutions.models import Directive
from resolutions.symbols import DirectiveKind

from .models import Meeting, MeetingKind

MEETINGS, DOCUMENTS = "meetings", "documents"
#: A document number the check reads: plain digits ("05"), not "05a" or a year-bearing state number.
_NUMBER = re.compile(r"[0-9]{1,6}")


@dataclass(frozen=True)
class Use:
    """One meeting or document bearing a number."""

    number: int
    day: dt.date | None
    title: str
    meeting_id: int | None = None
    directive_id: int | None = None


@dataclass
class Series:
    """The numbers of one series (a kind of meeting or of document) in one term of a unit."""

    what: str  # MEETINGS or DOCUMENTS
    kind: str
    uses: list[Use] = field(default_factory=list)

    @property
    def label(self) -> str:
        choices = MeetingKind if self.what == MEETINGS else DirectiveKind
        try:
            return str(choices(self.kind).label)
        except ValueError:
            return self.kind

    @property
    def numbers(self) -> list[int]:
        return sorted({u.number for u in self.uses})

    @property
    def missing(self) -> list[tuple[int, int]]:
        """Runs (first, last) of the numbers below the highest one that nobody bears."""
        return missing_runs(self.numbers)

    @property
    def missing_count(self) -> int:
        return sum(last - first + 1 for first, last in self.missing)

    @property
    def duplicates(self) -> list[tuple[int, list[Use]]]:
        """Each number borne more than once, with who bears it (earliest first)."""
        by_number: dict[int, list[Use]] = defaultdict(list)
        for use in self.uses:
            by_number[use.number].append(use)
        return [(n, sorted(uses, key=lambda u: (u.day or dt.date.min, u.title)))
                for n, uses in sorted(by_number.items()) if len(uses) > 1]

    @property
    def has_issues(self) -> bool:
        return bool(self.missing or self.duplicates)

    @property
    def missing_text(self) -> str:
        return runs_text(self.missing)

    @property
    def span_text(self) -> str:
        numbers = self.numbers
        return f"{numbers[0]}–{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])


@dataclass
class TermNumbering:
    term: Term
    series: list[Series]

    @property
    def has_issues(self) -> bool:
        return any(s.has_issues for s in self.series)


@dataclass(frozen=True)
class NumberingIssues:
    """What ``numbering_issues`` answers per unit: how many numbers are missing and repeated."""

    missing: int
    duplicated: int

    @property
    def total(self) -> int:
        return self.missing + self.duplicated


def missing_runs(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """``[1, 2, 5, 9]`` → ``[(3, 4), (6, 8)]``: runs absent from 1 up to the highest number."""
    out, expected = [], 1
    for n in sorted(set(numbers)):
        if n > expected:
            out.append((expected, n - 1))
        expected = max(expected, n + 1)
    return out


#: Runs of missing numbers written out on a page; a register with a few documents of a body
#: numbering in the hundreds would otherwise print a paragraph of ranges.
RUNS_SHOWN = 12


def runs_text(runs: list[tuple[int, int]], limit: int = RUNS_SHOWN) -> str:
    """``[(15, 15), (17, 19)]`` → ``"15, 17–19"`` (the first ``limit`` runs, then "…")."""
    text = ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs[:limit])
    return text + ", …" if len(runs) > limit else text


# --- reading the series ------------------------------------------------------------------------

def _meeting_series(org_ids: list[int]) -> dict[tuple[int, int, str], list[Use]]:
    rows = (Meeting.objects.filter(organization_id__in=org_ids, sequence__isnull=False, term__isnull=False)
            .order_by().values_list("organization_id", "term_id", "kind", "sequence", "date", "title", "pk"))
    out: dict[tuple[int, int, str], list[Use]] = defaultdict(list)
    for org_id, term_id, kind, number, day, title, pk in rows:
        out[(org_id, term_id, kind)].append(Use(number, day, title, meeting_id=pk))
    return out


def _document_series(org_ids: list[int]) -> dict[tuple[int, int, str], list[Use]]:
    terms: dict[int, list[Term]] = defaultdict(list)
    for term in Term.objects.filter(organization_id__in=org_ids).order_by("start_year"):
        terms[term.organization_id].append(term)
    rows = (Directive.objects.filter(issuer__organization_id__in=org_ids).exclude(number="").order_by()
            .values_list("issuer__organization_id", "term_id", "term__organization_id", "kind", "number",
                         "issue_date", "year", "symbol", "pk"))
    out: dict[tuple[int, int, str], list[Use]] = defaultdict(list)
    for org_id, term_id, term_org_id, kind, number, day, year, symbol, pk in rows:
        if not _NUMBER.fullmatch(number or ""):
            continue
        if term_org_id != org_id:  # no term, or another body's: place it by its year in the unit's terms
            year = day.year if day else year
            term_id = _term_of_year(terms[org_id], year)
            if term_id is None:
                continue
        out[(org_id, term_id, kind)].append(Use(int(number), day, f"{DirectiveKind(kind).label} {symbol}",
                                                directive_id=pk))
    return out


def _term_of_year(terms: list[Term], year: int | None) -> int | None:
    """The term running in ``year``; in a congress year, the one it opens."""
    if year is None:
        return None
    running = [t for t in terms if t.start_year <= year <= t.end_year]
    return max(running, key=lambda t: t.start_year).pk if running else None


def _all_series(org_ids: list[int]) -> dict[int, dict[int, list[Series]]]:
    """{unit id: {term id: [series]}}, meetings' series before documents'."""
    out: dict[int, dict[int, list[Series]]] = defaultdict(lambda: defaultdict(list))
    for what, found in ((MEETINGS, _meeting_series(org_ids)), (DOCUMENTS, _document_series(org_ids))):
        for (org_id, term_id, kind), uses in sorted(found.items(), key=lambda item: (item[0][0], item[0][1], item[0][2])):
            out[org_id][term_id].append(Series(what, kind, uses))
    return out


def unit_numbering(org: Organization) -> list[TermNumbering]:
    """Every numbered series of the unit, term by term (the latest term first)."""
    by_term = _all_series([org.pk]).get(org.pk, {})
    terms = Term.objects.filter(pk__in=list(by_term)).order_by("-start_year", "-ordinal")
    return [TermNumbering(term, by_term[term.pk]) for term in terms]


def numbering_issues(org_ids: Iterable[int]) -> dict[int, NumberingIssues]:
    """Units among ``org_ids`` whose numbering has a gap or a repeat, with how many of each.

    For the admins' tree workspace and the lead's checks: two queries whatever the number
    of units; units without an issue are absent from the answer. Each unit counts its own
    meetings and documents, not those of the units below it. The caller scopes ``org_ids``.
    """
    ids = list(org_ids)
    if not ids:
        return {}
    out: dict[int, NumberingIssues] = {}
    for org_id, by_term in _all_series(ids).items():
        missing = sum(s.missing_count for series in by_term.values() for s in series)
        duplicated = sum(len(s.duplicates) for series in by_term.values() for s in series)
        if missing or duplicated:
            out[org_id] = NumberingIssues(missing, duplicated)
    return out


# --- the meeting form -------------------------------------------------------------------------

@dataclass(frozen=True)
class SequenceCheck:
    """What a number typed on the meeting form would do to its series."""

    gaps: list[tuple[int, int]]  # runs it leaves missing (between the highest so far and it)
    taken_by: list[Use]  # meetings of the series already bearing it

    @property
    def warnings(self) -> list[str]:
        out = []
        if self.gaps:
            first, last = self.gaps[0][0], self.gaps[-1][1]
            if first == last:
                out.append(_("Number %(n)s is not yet recorded in this term.") % {"n": first})
            else:
                out.append(_("Numbers %(runs)s are not yet recorded in this term.") % {"runs": runs_text(self.gaps)})
        for use in self.taken_by:
            out.append(_("Number %(n)s was already used on %(day)s (%(title)s).") % {
                "n": use.number, "day": date_format(use.day, "d/m/Y"), "title": use.title})
        return out


def check_sequence(*, organization: Organization, term: Term, kind: str, sequence: int,
                   exclude_meeting: int | None = None) -> SequenceCheck:
    """The gap and the repeat a meeting numbered ``sequence`` would make in its series."""
    rows = (Meeting.objects.filter(organization=organization, term=term, kind=kind, sequence__isnull=False)
            .exclude(pk=exclude_meeting).values_list("sequence", "date", "title", "pk"))
    uses = [Use(number, day, title, meeting_id=pk) for number, day, title, pk in rows]
    highest = max((u.number for u in uses), default=0)
    gaps = [(highest + 1, sequence - 1)] if sequence > highest + 1 else []
    return SequenceCheck(gaps=gaps, taken_by=[u for u in uses if u.number == sequence])


# --- the unit page's panel --------------------------------------------------------------------

def unit_panel(user, organization: Organization):
    """The numbering section of a unit's page (registered in ``MeetingsConfig.ready``).

    The unit page is already scoped (a 404 outside the user's subtree), and the numbers are
    the unit's own: nothing here reaches beyond what the page's reader may see.
    """
    from organizations.hooks import UnitPanel

    terms = unit_numbering(organization)
    if not terms:
        return None
    return UnitPanel("meetings/_numbering_panel.html", {"terms": terms})
