"""Period arithmetic for progress summaries — pure functions, no database.

Summary periods are calendar periods: month, quarter, half-year, year and term.

**Term.** Party terms are local (each congress opens its own, e.g. 2015-10 → 2020-09 for a
bloc, 2016 → 2021 for the Central Committee), so summaries use one *calendar* term for the
whole tree: five whole years starting on 1 January of the year after a multiple of five,
i.e. [2016-01-01, 2020-12-31], [2021-01-01, 2025-12-31], … A term is written "2016-2020".

Textual keys (``parse_period``/``Period.key``): ``2019-11`` (month), ``2019-Q4`` (quarter),
``2019-H2`` (half-year), ``2019`` (year), ``2016-2020`` (term).

**Bounds and alignment of reporting periods** (the one place the rule lives). A period
lies within :class:`Bounds`: from the earliest year the register and the tree know (the
first term, directive or unit; never before 1930, the year the Party was founded) to next
year. Why bounds at all: one report dated 9999 or 0001 used to stop or swamp every summary
of the country (a period of year 10 000 cannot be written; a term from year 1 means 38 000
periods to recompute each night). A report's month, quarter, half-year or year is the
calendar one (:func:`aligned_period`), because summaries count a report in the calendar
periods its end falls in; terms and other periods only have to lie within the bounds
(:func:`report_period_errors`). Everything here is pure except :func:`known_bounds`, which
asks the register for its earliest year (cached).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

MONTH, QUARTER, HALF, YEAR, TERM = "month", "quarter", "half", "year", "term"
KINDS: tuple[str, ...] = (MONTH, QUARTER, HALF, YEAR, TERM)
#: Length of each kind in months; assignment frequencies use the same names (month/quarter/half/year).
MONTHS: dict[str, int] = {MONTH: 1, QUARTER: 3, HALF: 6, YEAR: 12, TERM: 60}
TERM_YEARS = 5


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period of one kind: ``start`` and ``end`` are both inclusive."""

    start: dt.date
    end: dt.date
    kind: str

    @property
    def key(self) -> str:
        y = self.start.year
        if self.kind == MONTH:
            return f"{y}-{self.start.month:02d}"
        if self.kind == QUARTER:
            return f"{y}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == HALF:
            return f"{y}-H{(self.start.month - 1) // 6 + 1}"
        if self.kind == YEAR:
            return str(y)
        return f"{y}-{self.end.year}"

    @property
    def label_vi(self) -> str:
        """How a Vietnamese document names the period ("tháng 11/2019", "quý IV/2019", "6 tháng cuối năm 2019")."""
        y = self.start.year
        if self.kind == MONTH:
            return f"tháng {self.start.month}/{y}"
        if self.kind == QUARTER:
            return f"quý {('I', 'II', 'III', 'IV')[(self.start.month - 1) // 3]}/{y}"
        if self.kind == HALF:
            return f"6 tháng {'đầu' if self.start.month == 1 else 'cuối'} năm {y}"
        if self.kind == YEAR:
            return f"năm {y}"
        return f"nhiệm kỳ {y}-{self.end.year}"

    def __str__(self) -> str:
        return self.key

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> Period:
        return period_of(self.kind, self.end + dt.timedelta(days=1))

    def previous(self) -> Period:
        return period_of(self.kind, self.start - dt.timedelta(days=1))


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def term_start_year(year: int) -> int:
    """First year of the calendar term containing ``year`` (2016 for 2016…2020)."""
    return ((year - 1) // TERM_YEARS) * TERM_YEARS + 1


def period_of(kind: str, day: dt.date) -> Period:
    """The period of ``kind`` containing ``day``."""
    if kind == TERM:
        first = term_start_year(day.year)
        return Period(dt.date(first, 1, 1), dt.date(first + TERM_YEARS - 1, 12, 31), TERM)
    try:
        months = MONTHS[kind]
    except KeyError:
        raise ValueError(f"unknown period kind {kind!r}") from None
    first_month = ((day.month - 1) // months) * months + 1
    last_month = first_month + months - 1
    return Period(dt.date(day.year, first_month, 1), _month_end(day.year, last_month), kind)


def periods_overlapping(kind: str, start: dt.date, end: dt.date) -> list[Period]:
    """Every period of ``kind`` that overlaps [start, end], in order."""
    if end < start:
        return []
    out = [period_of(kind, start)]
    while out[-1].end < end:
        out.append(out[-1].next())
    return out


def periods_ending_within(kind: str, start: dt.date, end: dt.date) -> list[Period]:
    """Every period of ``kind`` whose last day lies in [start, end]."""
    return [p for p in periods_overlapping(kind, start, end) if start <= p.end <= end]


def all_periods_overlapping(start: dt.date, end: dt.date, kinds: tuple[str, ...] | list[str] = KINDS) -> list[Period]:
    """Periods of every kind overlapping [start, end], shortest kinds first."""
    return [p for kind in kinds for p in periods_overlapping(kind, start, end)]


# ASCII digits only: ``\d`` alone would also take "٢٠١٩" or "²⁰¹⁹".
_PATTERNS = [
    (re.compile(r"(\d{4})-(\d{1,2})", re.ASCII), MONTH),
    (re.compile(r"(\d{4})-[Qq]([1-4])", re.ASCII), QUARTER),
    (re.compile(r"(\d{4})-[Hh]([12])", re.ASCII), HALF),
    (re.compile(r"(\d{4})", re.ASCII), YEAR),
    (re.compile(r"(\d{4})-(\d{4})", re.ASCII), TERM),
]


def parse_period(text: str) -> Period:
    """Parse ``2019-11``, ``2019-Q4``, ``2019-H2``, ``2019`` or ``2016-2020`` into a period.

    Raises ``ValueError`` with a readable message on anything else.
    """
    raw = (text or "").strip()
    for pattern, kind in _PATTERNS:
        m = pattern.fullmatch(raw)
        if not m:
            continue
        year = int(m.group(1))
        if year < 1:  # "0000": no such year (and no date of it to build)
            break
        if kind == YEAR:
            return period_of(YEAR, dt.date(year, 1, 1))
        n = int(m.group(2))
        if kind == MONTH:
            if not 1 <= n <= 12:
                break
            return period_of(MONTH, dt.date(year, n, 1))
        if kind == QUARTER:
            return period_of(QUARTER, dt.date(year, 3 * n - 2, 1))
        if kind == HALF:
            return period_of(HALF, dt.date(year, 6 * n - 5, 1))
        term = period_of(TERM, dt.date(year, 1, 1))
        if term.start.year != year or term.end.year != n:
            raise ValueError(f"{raw!r} is not a term: terms run {term.start.year}-{term.end.year}, "
                             f"{term.start.year + TERM_YEARS}-{term.end.year + TERM_YEARS}, …")
        return term
    raise ValueError(f"{raw!r} is not a period: use 2019-11, 2019-Q4, 2019-H2, 2019 or 2016-2020")


# --------------------------------------------------------------------------------------
# Bounds and alignment of reporting periods
# --------------------------------------------------------------------------------------
#: The Party was founded in 1930: nothing it reports on is older.
FIRST_YEAR = 1930
#: Kinds whose reports must cover exactly one calendar period (terms are local, "custom" free).
ALIGNED_KINDS: tuple[str, ...] = (MONTH, QUARTER, HALF, YEAR)


@dataclass(frozen=True)
class Bounds:
    """The years a reporting or summary period may lie in, both inclusive."""

    first_year: int
    last_year: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.first_year, 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.last_year, 12, 31)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def admits(self, period: Period) -> bool:
        """Whether a summary period may be shown or computed: it starts within the bounds.

        (Its start, not its end: the current calendar term runs past next year.)
        """
        return self.contains(period.start)

    def clip(self, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
        """[start, end] cut to the bounds; None when nothing of it lies inside."""
        start, end = max(start, self.start), min(end, self.end)
        return (start, end) if start <= end else None


def year_bounds(earliest_known: int | None, today: dt.date) -> Bounds:
    """From the earliest year known (never before 1930) to next year.

    The current year always lies inside, whatever the register says (a register whose only
    term starts in 2030 must not forbid this month's report).
    """
    first = max(FIRST_YEAR, earliest_known or FIRST_YEAR)
    return Bounds(min(first, today.year), today.year + 1)


def known_bounds(today: dt.date | None = None) -> Bounds:
    """The bounds for today, from the earliest year of the register and the tree (cached read)."""
    # Imported here: selectors import the models, and this module stays importable alone.
    from .selectors import earliest_known_year

    return year_bounds(earliest_known_year(), today or timezone.localdate())


def aligned_period(kind: str, start: dt.date) -> Period | None:
    """The calendar period of ``kind`` that a report starting on ``start`` must cover exactly.

    None for kinds without calendar alignment (term, custom).
    """
    return period_of(kind, start) if kind in ALIGNED_KINDS else None


def _alignment_rule(kind: str) -> str:
    return {
        MONTH: _("A monthly report covers one calendar month, from its first to its last day."),
        QUARTER: _("A quarterly report covers one calendar quarter: 1 January–31 March, 1 April–30 June, "
                   "1 July–30 September or 1 October–31 December."),
        HALF: _("A half-year report covers 1 January–30 June or 1 July–31 December."),
        YEAR: _("A yearly report covers one calendar year, from 1 January to 31 December."),
    }[kind]


def report_period_errors(kind: str, start: dt.date | None, end: dt.date | None,
                         bounds: Bounds) -> dict[str, str]:
    """Field name → what is wrong with a report's period (empty when it is right).

    The one statement of the rule: the model's ``clean()`` and the report form both call it.
    """
    errors: dict[str, str] = {}
    outside = _("A reporting period must lie between %(first)s and %(last)s.") % {
        "first": bounds.first_year, "last": bounds.last_year}
    for name, day in (("period_start", start), ("period_end", end)):
        if day is not None and not bounds.contains(day):
            errors[name] = outside
    if errors or start is None or end is None or start > end:
        return errors  # an ordering error is reported by the form and the check constraint
    expected = aligned_period(kind, start)
    if expected is None:
        return errors
    if start != expected.start:
        hint = _("It should start on %(date)s.") % {"date": f"{expected.start:%d/%m/%Y}"}
        errors["period_start"] = f"{_alignment_rule(kind)} {hint}"
    elif end != expected.end:
        hint = _("It should end on %(date)s.") % {"date": f"{expected.end:%d/%m/%Y}"}
        errors["period_end"] = f"{_alignment_rule(kind)} {hint}"
    return errors
