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
