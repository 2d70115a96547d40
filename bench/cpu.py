"""A CPU reference printed with every benchmark: the same machines run at different speeds.

Seen here: the loop below took 1.0–1.75 s on one 2-core machine within an hour, and the
benchmarks' figures moved with it. Quoting it beside a figure says under which speed it
was taken (lower is faster).
"""
from __future__ import annotations

import time


def reference() -> float:
    """Seconds for 20 million additions in a Python loop."""
    started = time.perf_counter()
    total = 0
    for i in range(20_000_000):
        total += i
    return time.perf_counter() - started


def database_reference(cursor) -> float:
    """Seconds PostgreSQL takes to add up 10 million generated integers (no table read).

    The server's own speed: on one machine whose Python loop above ran in 1.3 s, this took
    2.2–2.6 s, where an earlier machine computed the same summaries more than twice as fast.
    """
    cursor.execute("SET jit = off")
    started = time.perf_counter()
    cursor.execute("SELECT sum(x) FROM generate_series(1, 10000000) x")
    cursor.fetchone()
    elapsed = time.perf_counter() - started
    cursor.execute("RESET jit")
    return elapsed


def bare_rollup(cursor, start, end) -> tuple[int, float]:
    """(rows, seconds) of the bare roll-up the summaries issue quotes as the floor of the year.

    Every counted link of reports ending in [start, end] counted for its directive in its unit
    and in each ancestor — the unit's path cut at every depth — into a temp table: one join,
    one aggregation, one write, none of the summary's other figures, keys or indexes. Quoting
    the real computation against it says how far it is from the least the job could cost on
    the machine at hand. It runs with the session settings of the real run (512 MB of
    work_mem, no JIT), so that the floor is not made lower than it is; close the connection
    afterwards (a session's temp buffers can only be sized before its first temp table).
    """
    from meetings.models import ImplementationLink, Report, ReportStatus
    from organizations.models import Organization

    step = Organization.steplen
    cursor.execute("SET work_mem = '512MB'")
    cursor.execute("SET jit = off")
    started = time.perf_counter()
    cursor.execute("DROP TABLE IF EXISTS bench_bare_rollup")
    cursor.execute(f"""CREATE TEMP TABLE bench_bare_rollup AS
        SELECT l.directive_id, substr(o.path, 1, k.depth * {step}) AS ancestor_path, COUNT(*) AS links
        FROM {ImplementationLink._meta.db_table} l
        JOIN {Report._meta.db_table} r ON r.id = l.report_id
        JOIN {Organization._meta.db_table} o ON o.id = r.organization_id
        CROSS JOIN LATERAL generate_series(1, o.depth) AS k(depth)
        WHERE r.status IN (%s, %s) AND r.period_end BETWEEN %s AND %s
        GROUP BY 1, 2""", [ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, start, end])
    rows = cursor.rowcount
    elapsed = time.perf_counter() - started
    cursor.execute("DROP TABLE bench_bare_rollup")
    cursor.execute("RESET work_mem")
    cursor.execute("RESET jit")
    return rows, elapsed
