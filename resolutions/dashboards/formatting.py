"""How the dashboards write a figure: ``number``, the language's decimals without ``floatformat``.

A dashboard page writes thousands of figures; the template filter cost many times more than
this does for the same text. ``_number`` takes the separator, for a caller that writes many
figures with one look-up of it (the sparklines, the template tags).
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import get_format


def number(value: float | Decimal | int | None, places: int = 1) -> str:
    """``floatformat:"-places"`` at a fraction of its cost (a dashboard shows thousands of figures).

    Whole numbers without decimals, others with ``places`` of them, in the language's decimal
    separator (12,5 in Vietnamese, 12.5 in English); no thousands separator, as the templates had.
    """
    return _number(value, places, get_format("DECIMAL_SEPARATOR"))


def _number(value, places: int, separator: str) -> str:
    if value is None:
        return ""
    if value == int(value):
        text = str(int(value))
    else:  # half up on the decimal value, as floatformat rounds (not the float's half to even)
        exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
        text = str(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    return text if separator == "." else text.replace(".", separator)


def width_class(percent: str | float) -> str:
    """The ``w-pct-N`` class drawing a bar ``percent`` wide (0–100, whole percents).

    Classes, never ``style`` attributes: the Content-Security-Policy allows no inline style
    (``w-pct-0`` … ``w-pct-100`` are in ``static/css/app.css``). Whole percents are a fraction
    of a pixel on these bars; a non-zero share never rounds down to an invisible 0 (a unit
    that did report still shows a sliver).
    """
    value = min(max(float(percent), 0.0), 100.0)
    whole = int(value + 0.5)
    if whole == 0 and value > 0:
        whole = 1
    return f"w-pct-{whole}"


def cell_text(value) -> str:
    """A figure of a chart's table as the page shows it: a dash for none, the language's decimals.

    (Whole floats show without decimals — "100", not "100,0".) Plain text: the template escapes it.
    """
    if value is None:
        return "—"
    if isinstance(value, float | Decimal):
        return number(value, 1)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)
