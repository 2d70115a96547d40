"""Coverage over recent periods: a row's trend and its sparkline, a unit's history.

``trends`` reads the trend column of a page's rows (one query), ``history`` a unit's figures
over the periods of the directive page's chart (one query, the last period's row with
them); ``Spark`` is a trend's geometry and words, computed once for the template.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import get_format

from ..models import ProgressSummary
from ..periods import Period
from .formatting import _number
from .periods import period_label
from .records import FIGURE_FIELDS, Figures
from .sql import _among, _date, _in_periods, _rows, _table
from .status import coverage_of, words


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    label: str
    reported: int | None
    expected: int | None
    coverage: float | None
    overdue: int | None
    late: int | None

    # Geometry of the row's sparkline (22 px tall): computed here, templates cannot do arithmetic.
    @property
    def spark_height(self) -> str:
        return f"{max(1.0, (self.coverage or 0) * 0.22):.1f}" if self.coverage is not None else "22"

    @property
    def spark_y(self) -> str:
        return f"{23 - float(self.spark_height):.1f}"


@dataclass(frozen=True)
class SparkBar:
    x: int
    y: str
    height: str
    empty: bool
    title: str


@dataclass(frozen=True)
class Spark:
    """A row's trend as a tiny bar chart: geometry and words computed once, drawn by the template."""

    width: int
    bars: list[SparkBar]
    label: str
    direction: str

    @classmethod
    def of(cls, points: list[TrendPoint], direction: str) -> Spark:
        w = words()
        separator, none = get_format("DECIMAL_SEPARATOR"), w["no_figures"]
        texts = [none if p.coverage is None else f"{_number(p.coverage, 1, separator)}%" for p in points]
        bars = [SparkBar(12 * i, "21" if p.coverage is None else p.spark_y, "2" if p.coverage is None else p.spark_height,
                         p.coverage is None, f"{p.label}: {text}") for i, (p, text) in enumerate(zip(points, texts, strict=True))]
        label = w["trend"] + ": " + "; ".join(f"{p.label} {t}" for p, t in zip(points, texts, strict=True))
        return cls(12 * len(points), bars, label, direction)


def trends(org_ids: Sequence[int], directive_ids: Sequence[int], periods: list[Period]) -> dict[tuple[int, int], list[TrendPoint]]:
    """(organisation, directive) → coverage over ``periods``. One query."""
    if not org_ids or not directive_ids:
        return {}
    in_periods, period_params = _in_periods(periods)
    orgs, org_params = _among("organization_id", org_ids)
    directives, directive_params = _among("directive_id", directive_ids)
    sql = (f"SELECT organization_id, directive_id, period_start, reported_units, expected_units, units_overdue,"
           f" units_late FROM {_table(ProgressSummary)} WHERE {in_periods} AND {orgs} AND {directives}")
    found = {(o, d, _date(start)): (reported, expected, overdue, late)
             for o, d, start, reported, expected, overdue, late
             in _rows(sql, [*period_params, *org_params, *directive_params])}
    labels = {p: period_label(p) for p in periods}
    return {(org_id, d_id): [_trend_point(p, labels[p], found.get((org_id, d_id, p.start))) for p in periods]
            for org_id in org_ids for d_id in directive_ids}


def _trend_point(period: Period, label: str, figures: tuple[int, int, int, int] | None) -> TrendPoint:
    """A trend point from (reported, expected, overdue, late), or an empty one without figures."""
    if figures is None:
        return TrendPoint(period, label, None, None, None, None, None)
    reported, expected, overdue, late = figures
    return TrendPoint(period, label, reported, expected, coverage_of(reported, expected), overdue, late)


def history(org_id: int, directive_id: int, periods: list[Period]) -> tuple[Figures | None, list[TrendPoint]]:
    """A unit's coverage of one directive over ``periods`` (oldest first), and the last period's figures.

    One query for the directive page: its history chart, and its own row (the last period is
    the one shown), which a second query read before.
    """
    in_periods, period_params = _in_periods(periods)
    sql = (f"SELECT period_start, {', '.join(FIGURE_FIELDS)} FROM {_table(ProgressSummary)}"
           f" WHERE {in_periods} AND organization_id = %s AND directive_id = %s")
    found: dict[dt.date, Figures] = {}
    for start, *values in _rows(sql, [*period_params, int(org_id), int(directive_id)]):
        last = values[-1]
        found[_date(start)] = Figures(*values[:-1], _date(last) if last is not None else None)
    points = []
    for p in periods:
        f = found.get(p.start)
        points.append(_trend_point(p, period_label(p), None if f is None else (
            f.reported_units, f.expected_units, f.units_overdue, f.units_late)))
    return found.get(periods[-1].start), points


def trend_direction(points: list[TrendPoint]) -> str:
    values = [p.coverage for p in points if p.coverage is not None]
    if len(values) < 2 or values[-1] == values[-2]:
        return "flat"
    return "up" if values[-1] > values[-2] else "down"
