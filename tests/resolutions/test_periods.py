"""Period arithmetic: buckets, ranges, parsing, calendar terms."""
from __future__ import annotations

import datetime as dt

import pytest

from resolutions import periods as P

pytestmark = pytest.mark.embedded

D = dt.date


@pytest.mark.parametrize("kind, day, start, end, key", [
    ("month", D(2019, 11, 15), D(2019, 11, 1), D(2019, 11, 30), "2019-11"),
    ("month", D(2020, 2, 29), D(2020, 2, 1), D(2020, 2, 29), "2020-02"),
    ("quarter", D(2019, 11, 15), D(2019, 10, 1), D(2019, 12, 31), "2019-Q4"),
    ("quarter", D(2019, 1, 1), D(2019, 1, 1), D(2019, 3, 31), "2019-Q1"),
    ("half", D(2019, 6, 30), D(2019, 1, 1), D(2019, 6, 30), "2019-H1"),
    ("half", D(2019, 7, 1), D(2019, 7, 1), D(2019, 12, 31), "2019-H2"),
    ("year", D(2019, 7, 1), D(2019, 1, 1), D(2019, 12, 31), "2019"),
    ("term", D(2019, 7, 1), D(2016, 1, 1), D(2020, 12, 31), "2016-2020"),
    ("term", D(2020, 12, 31), D(2016, 1, 1), D(2020, 12, 31), "2016-2020"),
    ("term", D(2021, 1, 1), D(2021, 1, 1), D(2025, 12, 31), "2021-2025"),
])
def test_period_of(kind, day, start, end, key):
    p = P.period_of(kind, day)
    assert (p.start, p.end, p.key) == (start, end, key)
    assert P.parse_period(key) == p


def test_overlapping_and_ending_within():
    months = P.periods_overlapping("month", D(2019, 11, 20), D(2020, 2, 3))
    assert [p.key for p in months] == ["2019-11", "2019-12", "2020-01", "2020-02"]
    assert [p.key for p in P.periods_ending_within("month", D(2019, 1, 1), D(2019, 3, 31))] == ["2019-01", "2019-02", "2019-03"]
    assert P.periods_ending_within("quarter", D(2019, 2, 1), D(2019, 2, 28)) == []
    assert [p.key for p in P.periods_ending_within("quarter", D(2019, 3, 1), D(2019, 3, 31))] == ["2019-Q1"]
    year = P.parse_period("2019")
    assert len(P.all_periods_overlapping(year.start, year.end)) == 12 + 4 + 2 + 1 + 1
    assert P.periods_overlapping("month", D(2019, 2, 1), D(2019, 1, 1)) == []


def test_labels_and_navigation():
    assert P.parse_period("2019-Q4").label_vi == "quý IV/2019"
    assert P.parse_period("2019-H2").label_vi == "6 tháng cuối năm 2019"
    assert P.parse_period("2019-11").label_vi == "tháng 11/2019"
    assert P.parse_period("2019-12").next().key == "2020-01"
    assert P.parse_period("2019-Q1").previous().key == "2018-Q4"


@pytest.mark.parametrize("text", ["", "2019-13", "2019-Q5", "2019-H3", "19-11", "2015-2020", "nov 2019"])
def test_parse_rejects_with_a_message(text):
    with pytest.raises(ValueError, match="period|term"):
        P.parse_period(text)


def test_parse_accepts_lower_case_and_spaces():
    assert P.parse_period(" 2019-q4 ").key == "2019-Q4"
    assert P.parse_period("2019-3").key == "2019-03"


# ----------------------------------------------------------------------------------------
# Bounds and alignment of reporting periods
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["٢٠١٩-١١", "²⁰¹⁹", "2019-1١", "0000", "0000-Q1", "9996-10000", "2019 -11"])
def test_parse_period_takes_ascii_digits_and_real_years_only(text):
    with pytest.raises(ValueError):
        P.parse_period(text)


def test_bounds_run_from_the_earliest_known_year_to_next_year():
    today = D(2026, 12, 4)
    assert P.year_bounds(2016, today) == P.Bounds(2016, 2027)
    assert P.year_bounds(1900, today) == P.Bounds(1930, 2027)  # never before the Party existed
    assert P.year_bounds(None, today) == P.Bounds(1930, 2027)
    assert P.year_bounds(2030, today) == P.Bounds(2026, 2027)  # this year is always allowed
    b = P.Bounds(2016, 2027)
    assert b.clip(D(1, 1, 31), D(9999, 12, 31)) == (D(2016, 1, 1), D(2027, 12, 31))
    assert b.clip(D(9999, 12, 1), D(9999, 12, 31)) is None
    # A summary period is shown when it starts inside: the current term runs to 2030.
    assert b.admits(P.parse_period("2026-2030")) and not b.admits(P.parse_period("2028-01"))


BOUNDS = P.Bounds(2016, 2027)


@pytest.mark.parametrize("kind, start, end", [
    ("month", D(2019, 2, 1), D(2019, 2, 28)),
    ("quarter", D(2019, 10, 1), D(2019, 12, 31)),
    ("half", D(2019, 7, 1), D(2019, 12, 31)),
    ("year", D(2019, 1, 1), D(2019, 12, 31)),
    ("term", D(2020, 10, 15), D(2025, 9, 30)),  # party terms are local: any dates within the bounds
    ("custom", D(2019, 1, 1), D(2019, 10, 31)),  # "10 tháng năm 2019"
])
def test_aligned_periods_are_accepted(kind, start, end):
    assert P.report_period_errors(kind, start, end, BOUNDS) == {}


@pytest.mark.parametrize("kind, start, end, field, words", [
    ("month", D(2019, 3, 5), D(2019, 3, 31), "period_start", "It should start on 01/03/2019."),
    ("month", D(2019, 3, 1), D(2019, 3, 10), "period_end", "It should end on 31/03/2019."),
    ("month", D(2019, 3, 1), D(2019, 4, 30), "period_end", "one calendar month"),
    ("quarter", D(2019, 2, 1), D(2019, 4, 30), "period_start", "It should start on 01/01/2019."),
    ("half", D(2019, 1, 1), D(2019, 12, 31), "period_end", "It should end on 30/06/2019."),
    ("year", D(2019, 1, 1), D(2020, 12, 31), "period_end", "It should end on 31/12/2019."),
    ("month", D(9999, 12, 1), D(9999, 12, 31), "period_start", "between 2016 and 2027"),
    ("custom", D(2019, 1, 1), D(9999, 12, 31), "period_end", "between 2016 and 2027"),
    ("term", D(1, 1, 1), D(2020, 12, 31), "period_start", "between 2016 and 2027"),
])
def test_misaligned_or_unbounded_periods_name_the_field(kind, start, end, field, words):
    errors = P.report_period_errors(kind, start, end, BOUNDS)
    assert field in errors and words in errors[field]
