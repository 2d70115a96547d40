"""The helpers of the dashboards' reads written in SQL: prepared statements, id lists, periods.

The reads that run on every dashboard page with dozens to hundreds of ids in them are
written in SQL because the ORM spent more time compiling one parameter per id and
converting each row into a dict than the database spent planning and running the query.
With these a read keeps one statement text whatever its ids, so that PostgreSQL prepares
it (``_rows``, ``_among``), prunes the summary partitions (``_in_periods``), and reads its
columns back alike on PostgreSQL and SQLite (``_date``, ``_decimal``).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import connection

from ..models import TargetProgress
from ..periods import Period


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _ids(ids) -> str:
    """A SQL list of integer ids: ``int()`` makes every element a number, so it cannot inject."""
    return ",".join(str(int(i)) for i in ids)


def _among(column: str, values: Sequence, integers: bool = True) -> tuple[str, list]:
    """``column`` is one of ``values``: SQL and its parameters.

    On PostgreSQL one array parameter, so that the statement's text is the same whatever the
    ids and it can be prepared (see ``_rows``); elsewhere an inline list of integers.
    """
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [[int(v) for v in values] if integers else list(values)]
    if integers:
        return f"{column} IN ({_ids(values)})", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _in_periods(periods: Sequence[Period]) -> tuple[str, list]:
    """The summary rows of ``periods`` (one kind, oldest first): SQL and its parameters.

    The range beside the list is what lets a prepared (generic) plan skip the other periods'
    partitions when it starts: PostgreSQL prunes on a range of parameters, not on an array
    parameter, and would otherwise read every partition of the kind.
    """
    starts = [p.start for p in periods]
    among, params = _among("period_start", starts, integers=False)
    return (f"period_kind = %s AND period_start >= %s AND period_start <= %s AND {among}",
            [periods[0].kind, min(starts), max(starts), *params])


def _rows(sql: str, params: list) -> list[tuple]:
    """The rows of a read written in SQL.

    On PostgreSQL through a server-binding cursor, which psycopg prepares once the same
    statement has run ``prepare_threshold`` times on the connection (settings: on unless
    ``DB_PREPARED_STATEMENTS=false``). PostgreSQL then stops planning it over every period
    partition on each page: ~1.2 ms of a ~2 ms query here. The ORM's own cursors bind on the
    client and are never prepared. Wrapped as Django wraps its cursors, so query logging,
    ``execute_wrapper`` and the tests' query counts see these reads too.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    from django.db.backends.postgresql.base import ServerBindingCursor

    # What ``connection.cursor()`` does before handing out a cursor, with a server-binding one.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw = ServerBindingCursor(connection.connection)
    with connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_DECIMAL_FIELD = TargetProgress._meta.get_field("value")


def _decimal(value) -> Decimal:
    """PostgreSQL hands back ``Decimal``; SQLite a number, which the model field converts as the ORM would."""
    return value if isinstance(value, Decimal) else _DECIMAL_FIELD.to_python(value)


def _date(value) -> dt.date:
    """A date column read in SQL: a ``date`` on PostgreSQL, ISO text on SQLite."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
