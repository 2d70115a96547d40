"""PostgreSQL partitions of the summary tables, one per period, and how a period is swapped in.

Why: a national period holds ~2 million ``ProgressSummary`` rows. Rewriting them in place
costs per-row maintenance of every index (~200 k rows/s here) and leaves millions of dead
rows behind; writing them into a fresh table without indexes, building the indexes in bulk
and attaching the table as the period's partition is several times faster and leaves
nothing to vacuum. Readers keep the old partition until the swapping transaction commits.

Layout (migration ``0003_partitioned_summaries``): ``resolutions_progresssummary`` and
``resolutions_targetprogress`` are ``PARTITION BY RANGE (period_kind, period_start)``; the
partition of a period covers ``[(kind, start), (kind, start + 1 day))`` and is named
``<table>_<kind>_<yyyymmdd>``; a ``<table>_default`` partition catches rows of periods that
have no partition yet (rows written directly, by tests or the admin), and
:func:`ensure_partitions` moves them out when the period gets its own.

Every function is a no-op on SQLite (the embedded mode keeps plain tables).

Locking: callers hold the period's advisory lock (``meetings.summaries._lock_period``), and
every partition DDL additionally takes :func:`lock_ddl` first — two sessions building
different periods would otherwise deadlock (each ``CREATE TABLE … LIKE`` keeps a share lock
on the parent that the other's DETACH must wait for). A swap locks the target-value table
before the summary table, the order in which every writer of both touches them. The tables
have no foreign keys (see ``ProgressSummary``), so no swap locks the tree or the register.
"""
from __future__ import annotations

import datetime as dt
import logging
import secrets
import time
import zlib

from django.db import DatabaseError, OperationalError, connection, transaction

from .periods import Period

logger = logging.getLogger(__name__)

#: How long a swap waits for its lock before it steps back and retries: readers queue behind a
#: waiting exclusive lock, so a long wait would stall pages, not just this job.
SWAP_LOCK_TIMEOUT = "2s"
SWAP_ATTEMPTS = 8
_DDL_KEY = zlib.crc32(b"summary-partition-ddl") - 2**31
#: First key of the session-level advisory locks by which a session owns its stages.
_STAGE_NS = zlib.crc32(b"summary-stage") - 2**31

#: Partition key of both tables: the partitions are periods.
KEY = ("period_kind", "period_start")
#: Identity values handed out per session at a time: a bulk build takes millions at once.
ID_CACHE = 10_000


def tables() -> tuple[str, str]:
    from .models import ProgressSummary, TargetProgress

    return ProgressSummary._meta.db_table, TargetProgress._meta.db_table


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def enabled() -> bool:
    """True when the summary tables are partitioned (PostgreSQL after migration 0003)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cur:
        cur.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [tables()[0]])
        row = cur.fetchone()
    return bool(row and row[0] == "p")


def partition_name(table: str, period: Period) -> str:
    return f"{table}_{period.kind}_{period.start:%Y%m%d}"


def _bounds(period: Period) -> str:
    nxt = period.start + dt.timedelta(days=1)
    return (f"FROM ('{period.kind}', '{period.start.isoformat()}') "
            f"TO ('{period.kind}', '{nxt.isoformat()}')")


def _bounds_check(period: Period) -> str:
    """A CHECK equal to the partition constraint: ATTACH then skips its validation scan."""
    return f"CHECK (period_kind = '{period.kind}' AND period_start = '{period.start.isoformat()}'::date)"


def lock_ddl(cur) -> None:
    """Serialise partition DDL across sessions (transaction-scoped advisory lock)."""
    cur.execute("SELECT pg_advisory_xact_lock(%s)", [_DDL_KEY])


def _exists(cur, name: str) -> bool:
    cur.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    return bool(cur.fetchone()[0])


def _columns(cur, table: str) -> list[str]:
    cur.execute("""SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0
                   AND NOT attisdropped ORDER BY attnum""", [table])
    return [r[0] for r in cur.fetchall()]


def new_stage(cur, table: str, period: Period) -> str:
    """An empty table shaped like ``table`` (columns, defaults, CHECKs) for ``period``'s rows.

    No indexes and no keys yet: rows go in at heap speed, :func:`finish_stage` adds the
    rest in bulk. The random suffix keeps its index names apart from the live partition's.
    """
    name = f"{partition_name(table, period)}_{secrets.token_hex(3)}"
    cur.execute(f"CREATE TABLE {_q(name)} (LIKE {_q(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    cur.execute(f"ALTER TABLE {_q(name)} ADD CONSTRAINT {_q(name + '_bounds')} {_bounds_check(period)}")
    return name


def _stage_key(name: str) -> int:
    return zlib.crc32(name.encode()) - 2**31


def open_stages(period: Period) -> dict[str, str]:
    """Empty stages of both tables for ``period`` ({table: stage}), committed, owned by this session.

    Committed before the period's transaction so that the other sessions of a split
    computation (``meetings.summaries_bulk``) can write into them; no reader ever sees a
    stage, it is not a partition until the swap. This session holds a session-level advisory
    lock on each until :func:`close_stages`: a stage whose lock is free belongs to a process
    that died, and the next call sweeps it away (:func:`sweep_stages`).
    """
    with transaction.atomic(), connection.cursor() as cur:
        lock_ddl(cur)
        sweep_stages(cur)
        stages = {}
        for table in tables():
            stage = new_stage(cur, table, period)
            cur.execute("SELECT pg_advisory_lock(%s, %s)", [_STAGE_NS, _stage_key(stage)])
            stages[table] = stage
    return stages


def close_stages(stages: dict[str, str]) -> None:
    """Drop what is left of ``stages`` (nothing after a swap: they became the partitions), release them.

    Runs after a failure too, so it never raises a database error over the one that stopped
    the computation: what it cannot drop, the next :func:`open_stages` sweeps.
    """
    try:
        with transaction.atomic(), connection.cursor() as cur:
            for stage in stages.values():
                cur.execute(f"DROP TABLE IF EXISTS {_q(stage)}")
        with connection.cursor() as cur:
            for stage in stages.values():
                cur.execute("SELECT pg_advisory_unlock(%s, %s)", [_STAGE_NS, _stage_key(stage)])
    except DatabaseError as exc:
        logger.warning("stages %s left for the next run to sweep: %s", ", ".join(stages.values()), exc)


def sweep_stages(cur) -> list[str]:
    """Drop the stages left by dead sessions (their owner's advisory lock is free). Their names."""
    prefixes = "|".join(tables())
    cur.execute("""SELECT c.relname FROM pg_class c
                   WHERE c.relkind = 'r' AND NOT c.relispartition AND c.relnamespace = current_schema()::regnamespace
                     AND c.relname ~ %s""", [f"^({prefixes})_[a-z]+_[0-9]{{8}}_[0-9a-f]{{6}}$"])
    swept = []
    for (name,) in cur.fetchall():
        cur.execute("SELECT pg_try_advisory_lock(%s, %s)", [_STAGE_NS, _stage_key(name)])
        if cur.fetchone()[0]:
            cur.execute(f"DROP TABLE IF EXISTS {_q(name)}")
            cur.execute("SELECT pg_advisory_unlock(%s, %s)", [_STAGE_NS, _stage_key(name)])
            swept.append(name)
    if swept:
        logger.info("swept stages left by dead sessions: %s", ", ".join(swept))
    return swept


def next_id_sql(cur, table: str) -> str:
    """SQL giving the next identity value of ``table``'s id (the bulk build numbers its own rows).

    The sequence is looked up once: ``pg_get_serial_sequence`` per row costs seconds a period.
    """
    cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cur.fetchone()[0]
    return f"nextval('{sequence}'::regclass)"


def finish_stage(cur, table: str, stage: str) -> None:
    """Give ``stage`` the parent's keys, foreign keys and indexes, built in bulk, and statistics.

    Cloned from the catalog, so a later migration that adds an index to the model is
    followed here; ATTACH then adopts the matching indexes and constraints instead of
    building them again.
    """
    cur.execute("""SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
                   WHERE c.conrelid = to_regclass(%s) AND c.contype IN ('p', 'u', 'f')
                   ORDER BY c.contype DESC, c.conname""", [table])
    for i, (_name, definition) in enumerate(cur.fetchall()):
        cur.execute(f"ALTER TABLE {_q(stage)} ADD CONSTRAINT {_q(f'{stage}_c{i}')} {definition}")
    cur.execute("""SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
                   WHERE i.indrelid = to_regclass(%s)
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                   ORDER BY i.indexrelid""", [table])
    for i, (definition,) in enumerate(cur.fetchall()):
        unique = "UNIQUE " if definition.startswith("CREATE UNIQUE") else ""
        method = definition[definition.index(" USING "):]
        cur.execute(f"CREATE {unique}INDEX {_q(f'{stage}_i{i}')} ON {_q(stage)}{method}")
    cur.execute(f"ANALYZE {_q(stage)}")


def swap(cur, period: Period, stages: dict[str, str]) -> None:
    """Replace the period's partitions of both tables with ``stages`` ({table: stage}), one transaction.

    The exclusive locks are taken first, target values before summaries (the order of every
    other writer), with a short ``lock_timeout``; on a timeout the attempt is rolled back to
    a savepoint and retried, so that queries never pile up behind a long wait. Everything
    slow was done before: the locks are held for milliseconds, until commit.
    """
    ps, tp = tables()
    for attempt in range(1, SWAP_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                cur.execute(f"SET LOCAL lock_timeout = '{SWAP_LOCK_TIMEOUT}'")
                cur.execute(f"LOCK TABLE {_q(tp)}, {_q(ps)} IN ACCESS EXCLUSIVE MODE")
                for table in (tp, ps):
                    live = partition_name(table, period)
                    if _exists(cur, live):
                        cur.execute(f"ALTER TABLE {_q(table)} DETACH PARTITION {_q(live)}")
                        cur.execute(f"DROP TABLE {_q(live)}")
                    cur.execute(f"ALTER TABLE {_q(table)} ATTACH PARTITION {_q(stages[table])} "
                                f"FOR VALUES {_bounds(period)}")
                    cur.execute(f"ALTER TABLE {_q(stages[table])} RENAME TO {_q(live)}")
                cur.execute("SET LOCAL lock_timeout = 0")
            return
        except OperationalError as exc:
            if "lock timeout" not in str(exc) or attempt == SWAP_ATTEMPTS:
                raise
            logger.info("swap of %s waited %s for its lock; retry %d", period.key, SWAP_LOCK_TIMEOUT, attempt)
            time.sleep(0.2 * attempt)


def ensure_partitions(period: Period) -> None:
    """Give ``period`` its own partition in both tables, moving any of its rows out of the default.

    Created by attaching (SHARE UPDATE EXCLUSIVE on the parent: reads go on), with the
    bounds CHECK in place so that only the default partition is scanned. Call it before the
    period's own transaction, not inside it: a new partition stays exclusively locked until
    its transaction commits, so every reader of the summaries would wait for the whole
    computation behind it — and, reading the parent first, deadlock with the swap at its end.
    Its own transaction here (a savepoint only if the caller already holds one open).
    """
    if not enabled():
        return
    with transaction.atomic(), connection.cursor() as cur:
        if all(_exists(cur, partition_name(table, period)) for table in tables()):
            return
        lock_ddl(cur)
        for table in tables():
            live = partition_name(table, period)
            if _exists(cur, live):
                continue
            default = f"{table}_default"
            stage = new_stage(cur, table, period)
            cols = ", ".join(_q(c) for c in _columns(cur, table))
            cur.execute(f"""WITH moved AS (DELETE FROM {_q(default)}
                                           WHERE period_kind = %s AND period_start = %s RETURNING {cols})
                            INSERT INTO {_q(stage)} ({cols}) SELECT {cols} FROM moved""",
                        [period.kind, period.start])
            cur.execute(f"ALTER TABLE {_q(table)} ATTACH PARTITION {_q(stage)} FOR VALUES {_bounds(period)}")
            cur.execute(f"ALTER TABLE {_q(stage)} RENAME TO {_q(live)}")
