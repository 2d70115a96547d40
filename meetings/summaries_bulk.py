"""Whole-tree progress summaries on PostgreSQL: each period built into a fresh partition and swapped in.

Same rows as the portable path of :mod:`meetings.summaries` (tests compare the two on random
trees); this is how a national period (~2 M rows from ~3.4 M links) is computed in seconds:

1. **Run tables** (:class:`BulkRun`, once for all the periods of a computation): every
   organisation with its parent and depth, and every (organisation, ancestor) pair; then, per
   period inside its locked transaction, the counted links and target contributions.
2. **Own rows** per (directive, organisation): the links of the period aggregated, full-joined
   with the units expected to report (assignments × the units of their reporter kind below the
   assigned organisation), each classified on time / late / pending / overdue.
3. **Roll-up level by level**, deepest first: a level's rows are its own rows plus its children's
   rows summed by parent — each row is read once per level it passes, not once per ancestor.
4. **Write**: the rows go, in unit order, into an empty table shaped like the summary table (no index yet), the
   keys and indexes are built in bulk, and the table replaces the period's partition
   (:mod:`resolutions.partitions`). Target values follow the same way. One transaction (a new
   period's empty partitions are committed before it): a killed worker leaves the previous
   partition in place, readers see the old figures until commit.
"""
from __future__ import annotations

import datetime as dt

from django.db import connection

from organizations.models import ORG_LEVELS, Organization
from resolutions import partitions
from resolutions.models import SUMMARY_FIGURES
from resolutions.periods import Period

STEP = Organization.steplen

#: The additive figures of a summary row.
SUMS = SUMMARY_FIGURES

def level_sql(kind_column: str) -> str:
    """SQL of a unit's administrative level (``ORG_LEVELS``) from its kind, for ``unit_level``."""
    cases = " ".join(f"WHEN '{str(getattr(kind, 'value', kind))}' THEN {int(level)}" for kind, level in ORG_LEVELS.items())
    return f"(CASE {kind_column} {cases} ELSE 4 END)"


ORG, ANC, FACT, FACT_TP, EXP = "sb_org", "sb_anc", "sb_fact", "sb_fact_tp", "sb_exp"
OWN, ROLL, OWN_TP, ROLL_TP = "sb_own", "sb_roll", "sb_own_tp", "sb_roll_tp"


class BulkRun:
    """The tree as temp tables, shared by the periods of one whole-tree computation.

    Session-local temp tables: invisible to other sessions, dropped on exit (or with the
    connection if the process dies). A unit moved while a run is going is seen where it was
    when the run started (the next run places it right). The reports and links, on the
    contrary, are read by each period inside its own locked transaction (:func:`facts`): a
    report submitted during a long run is never overwritten by an older copy.
    """

    def __init__(self, t: dict[str, str], start: dt.date, end: dt.date, periods: int = 1) -> None:
        self.t, self.start, self.end, self.periods = t, start, end, periods
        self.max_depth = 0

    def __enter__(self) -> BulkRun:
        t = self.t
        with connection.cursor() as cur:
            self._drop(cur)
            # Big sorts and hash aggregates in memory, temp tables in local buffers (only takes
            # effect before the session's first temp table), no JIT compilation per statement.
            # Reset on exit; the connection is closed after a run, which frees the buffers.
            cur.execute("SET work_mem = '512MB'")
            # maintenance_work_mem stays at its default: the parallel index builds of a partition
            # were slower with 512MB (one big in-memory sort per worker) than with 64MB runs.
            cur.execute("SET temp_buffers = '1GB'")
            cur.execute("SET jit = off")
            try:
                self._tree(cur, t)
            except BaseException:
                self.__exit__()
                raise
        return self

    def _tree(self, cur, t: dict[str, str]) -> None:
        cur.execute(f"""CREATE TEMP TABLE {ORG} AS
            SELECT o.id, p.id AS parent_id, o.depth, o.kind, {level_sql('o.kind')} AS level, o.valid_from, o.valid_to
            FROM {t['org']} o LEFT JOIN {t['org']} p ON p.path = substr(o.path, 1, length(o.path) - {STEP})""")
        # Each unit with each of its ancestors (itself included), and what an assignment above
        # asks of it: its kind and validity.
        cur.execute(f"""CREATE TEMP TABLE {ANC} (org_id bigint NOT NULL, anc_id bigint NOT NULL,
            kind varchar(20) NOT NULL, valid_from date, valid_to date, parent_id bigint, depth integer, level integer)""")
        cur.execute(f"SELECT COALESCE(MAX(depth), 0) FROM {ORG}")
        self.max_depth = cur.fetchone()[0]
        for depth in range(1, self.max_depth + 1):
            cur.execute(f"""INSERT INTO {ANC} (org_id, anc_id, kind, valid_from, valid_to, parent_id, depth, level)
                SELECT o.id, a.id, o.kind, o.valid_from, o.valid_to, o.parent_id, o.depth, o.level
                FROM {ORG} o JOIN {t['org']} u ON u.id = o.id
                JOIN {t['org']} a ON a.path = substr(u.path, 1, %(len)s)
                WHERE o.depth >= %(depth)s AND a.depth = %(depth)s""", {"len": STEP * depth, "depth": depth})
        for table in (ORG, ANC):
            cur.execute(f"ANALYZE {table}")

    def __exit__(self, *exc) -> None:
        with connection.cursor() as cur:
            self._drop(cur)
            cur.execute("RESET work_mem")
            cur.execute("RESET jit")
        if not connection.in_atomic_block:
            connection.close()  # the backend keeps its temp buffers as long as it lives

    @staticmethod
    def _drop(cur) -> None:
        cur.execute(f"DROP TABLE IF EXISTS {ORG}, {ANC}, {FACT}, {FACT_TP}, {EXP}, {OWN}, {ROLL}, {OWN_TP}, {ROLL_TP}")


def facts(cur, t: dict[str, str], params: dict) -> None:
    """The period's counted links and target contributions, read once for the steps below."""
    cur.execute(f"DROP TABLE IF EXISTS {FACT}, {FACT_TP}")
    cur.execute(f"""CREATE TEMP TABLE {FACT} AS
        SELECT l.id AS link_id, l.report_id, l.directive_id, r.organization_id, o.parent_id, o.depth, o.level, r.period_end,
               r.submitted_at, l.assessment
        FROM {t['link']} l JOIN {t['report']} r ON r.id = l.report_id JOIN {ORG} o ON o.id = r.organization_id
        WHERE r.status IN (%(s_submitted)s, %(s_accepted)s) AND r.period_end >= %(p_start)s AND r.period_end <= %(p_end)s""",
                params)
    # Contributions joined to the narrow copy above, not to the reports again (their text makes
    # them the biggest table of the database).
    cur.execute(f"""CREATE TEMP TABLE {FACT_TP} AS
        SELECT c.target_id, tg.aggregation, f.directive_id, f.organization_id, f.parent_id, f.depth, f.period_end,
               f.submitted_at, f.report_id, c.value
        FROM {t['contrib']} c JOIN {FACT} f ON f.link_id = c.link_id JOIN {t['target']} tg ON tg.id = c.target_id""")
    for table in (FACT, FACT_TP):
        cur.execute(f"ANALYZE {table}")


def _expectations(cur, exps) -> None:
    """The period's expectations (one per assignment) as a small analysed table.

    A table rather than ``VALUES``: with real statistics the planner drives the join from the
    ancestor pairs instead of multiplying every unit by every expectation of its kind.
    """
    cur.execute(f"DROP TABLE IF EXISTS {EXP}")
    cur.execute(f"""CREATE TEMP TABLE {EXP} (directive_id bigint, org_id bigint, reporter_kind varchar(20),
                                            cutoff timestamptz)""")
    if exps:
        cur.executemany(f"INSERT INTO {EXP} VALUES (%s, %s, %s, %s)",
                        [(e.directive_id, e.org_id, e.reporter_kind, e.cutoff) for e in exps])
    cur.execute(f"ANALYZE {EXP}")


def own_rows(cur, exps, params: dict) -> None:
    """The period's own row of every (directive, organisation) with links or an expectation."""
    _expectations(cur, exps)
    valid = ("(o.valid_to IS NULL OR o.valid_to >= %(p_start)s) "
             "AND (o.valid_from IS NULL OR o.valid_from <= %(p_end)s)")
    cur.execute(f"DROP TABLE IF EXISTS {OWN}")
    cur.execute(f"""CREATE TEMP TABLE {OWN} AS
        WITH lk AS (
            SELECT f.directive_id, f.organization_id, MIN(f.parent_id) AS parent_id, MIN(f.depth) AS depth,
                   MIN(f.level) AS level, COUNT(*)::int AS reports,
                   (COUNT(*) FILTER (WHERE f.assessment = 'not_started'))::int AS ns,
                   (COUNT(*) FILTER (WHERE f.assessment = 'in_progress'))::int AS ip,
                   (COUNT(*) FILTER (WHERE f.assessment = 'behind'))::int AS bh,
                   (COUNT(*) FILTER (WHERE f.assessment = 'done'))::int AS dn,
                   MAX(f.period_end) AS last_date, MIN(f.submitted_at) AS first_sub
            FROM {FACT} f WHERE f.period_end >= %(p_start)s AND f.period_end <= %(p_end)s
            GROUP BY f.directive_id, f.organization_id),
        ex AS (
            SELECT x.directive_id, x.unit_id, MIN(x.parent_id) AS parent_id, MIN(x.depth) AS depth,
                   MIN(x.level) AS level, MIN(x.cutoff) AS cutoff FROM (
                SELECT e.directive_id, o.org_id AS unit_id, o.parent_id, o.depth, o.level, e.cutoff
                FROM {EXP} e JOIN {ANC} o ON o.anc_id = e.org_id AND o.kind = e.reporter_kind
                WHERE e.reporter_kind <> '' AND {valid}
                UNION ALL
                SELECT e.directive_id, o.id, o.parent_id, o.depth, o.level, e.cutoff FROM {EXP} e JOIN {ORG} o ON o.id = e.org_id
                WHERE e.reporter_kind = '' AND {valid}
            ) x GROUP BY x.directive_id, x.unit_id)
        SELECT COALESCE(lk.directive_id, ex.directive_id) AS directive_id,
               COALESCE(lk.organization_id, ex.unit_id) AS organization_id,
               COALESCE(lk.parent_id, ex.parent_id) AS parent_id, COALESCE(lk.depth, ex.depth) AS depth,
               COALESCE(lk.level, ex.level) AS level,
               CASE WHEN ex.unit_id IS NULL THEN 0 ELSE 1 END AS expected_units,
               CASE WHEN ex.unit_id IS NOT NULL AND lk.first_sub IS NOT NULL THEN 1 ELSE 0 END AS reported_units,
               CASE WHEN lk.reports IS NULL THEN 0 ELSE 1 END AS reporting_units,
               COALESCE(lk.reports, 0) AS reports,
               COALESCE(lk.ns, 0) AS links_not_started, COALESCE(lk.ip, 0) AS links_in_progress,
               COALESCE(lk.bh, 0) AS links_behind, COALESCE(lk.dn, 0) AS links_done,
               CASE WHEN ex.unit_id IS NOT NULL AND lk.first_sub < ex.cutoff THEN 1 ELSE 0 END AS units_on_time,
               CASE WHEN ex.unit_id IS NOT NULL AND lk.first_sub >= ex.cutoff THEN 1 ELSE 0 END AS units_late,
               CASE WHEN ex.unit_id IS NOT NULL AND lk.first_sub IS NULL AND %(now)s < ex.cutoff
                    THEN 1 ELSE 0 END AS units_pending,
               CASE WHEN ex.unit_id IS NOT NULL AND lk.first_sub IS NULL AND %(now)s >= ex.cutoff
                    THEN 1 ELSE 0 END AS units_overdue,
               lk.last_date AS last_report_date
        FROM lk FULL JOIN ex ON ex.directive_id = lk.directive_id AND ex.unit_id = lk.organization_id""", params)
    cur.execute(f"ANALYZE {OWN}")


def _rollup(cur, own: str, roll: str, keys: tuple[str, ...], sums: tuple[str, ...], maxes: tuple[str, ...],
            max_depth: int, unit_columns: tuple[str, ...] = ()) -> None:
    """Every level from the deepest up: a level's rows are its own rows (table ``own``) plus its
    children's rows added up by parent — ``sums`` summed, ``maxes`` the highest — per ``keys``.

    Each row is read once per level it passes through, never once per ancestor. The deepest
    level has no children: its rows stay in ``own`` (the largest level is never copied);
    ``roll`` receives the levels above it. Rows that only children have take the parent's
    parent, and its ``unit_columns`` (facts of the unit, such as its level), from the tree.
    """
    cur.execute(f"DROP TABLE IF EXISTS {roll}")
    cur.execute(f"CREATE TEMP TABLE {roll} AS SELECT * FROM {own} WHERE false")
    key_cols = ", ".join(f"COALESCE(w.{k}, c.{k})" for k in keys)
    added = [f"COALESCE(w.{c}, 0) + COALESCE(c.{c}, 0)" for c in sums] + [f"GREATEST(w.{c}, c.{c})" for c in maxes]
    grouped = [f"SUM(r.{c}) AS {c}" for c in sums] + [f"MAX(r.{c}) AS {c}" for c in maxes]
    on = " AND ".join(f"c.{k} = w.{k}" for k in keys)
    cols = ", ".join((*keys, "organization_id", "parent_id", "depth", *unit_columns, *sums, *maxes))
    unit = "".join(f"COALESCE(w.{c}, o.{c}), " for c in unit_columns)
    for depth in range(max_depth - 1, 0, -1):
        children = own if depth + 1 == max_depth else roll
        cur.execute(f"""INSERT INTO {roll} ({cols})
            SELECT {key_cols}, COALESCE(w.organization_id, c.organization_id), COALESCE(w.parent_id, o.parent_id),
                   %(depth)s, {unit}{', '.join(added)}
            FROM (SELECT * FROM {own} WHERE depth = %(depth)s) w
            FULL JOIN (SELECT {', '.join(f'r.{k}' for k in keys)}, r.parent_id AS organization_id, {', '.join(grouped)}
                       FROM {children} r WHERE r.depth = %(child)s
                       GROUP BY {', '.join(f'r.{k}' for k in keys)}, r.parent_id) c
              ON {on} AND c.organization_id = w.organization_id
            LEFT JOIN {ORG} o ON w.organization_id IS NULL AND o.id = c.organization_id""",
                    {"depth": depth, "child": depth + 1})


def rollup(cur, max_depth: int) -> None:
    """The summary rows of every level (see :func:`_rollup`)."""
    _rollup(cur, OWN, ROLL, ("directive_id",), SUMS, ("last_report_date",), max_depth, unit_columns=("level",))


def _all_rows(own: str, roll: str, cols: tuple[str, ...], max_depth: int) -> str:
    """Every rolled-up row of the period: the deepest level's own rows and the levels above."""
    names = ", ".join(cols)
    return f"(SELECT {names} FROM {own} WHERE depth = {int(max_depth)} UNION ALL SELECT {names} FROM {roll})"


# A target's value in one unit: sum, highest, or the latest report's value (rn = 1), by its rule.
TARGET_VALUE_SQL = """CASE WHEN z.aggregation = 'max' THEN MAX(z.value)
                    WHEN z.aggregation = 'latest' THEN SUM(CASE WHEN z.rn = 1 THEN z.value ELSE 0 END)
                    ELSE SUM(z.value) END"""


def target_rows(cur, params: dict, max_depth: int) -> None:
    """Own target values per unit (sum / max / each unit's latest), then Σ or max over each subtree.

    A unit's value is split in two columns — ``value_sum`` for targets that add up (sum, and
    latest: the sum of each unit's latest), ``value_max`` for the highest — so that one
    level-by-level roll-up serves every rule. The window that finds each unit's latest
    contribution runs over the "latest" targets' contributions only.
    """
    cur.execute(f"DROP TABLE IF EXISTS {OWN_TP}, {ROLL_TP}")
    cur.execute(f"""CREATE TEMP TABLE {OWN_TP} AS
        SELECT z.directive_id, z.target_id, z.aggregation, z.organization_id, MIN(z.parent_id) AS parent_id,
               MIN(z.depth) AS depth,
               CASE WHEN z.aggregation = 'max' THEN 0 ELSE {TARGET_VALUE_SQL} END AS value_sum,
               COUNT(*)::int AS contributions,
               CASE WHEN z.aggregation = 'max' THEN MAX(z.value) END AS value_max
        FROM (SELECT f.*, NULL::bigint AS rn FROM {FACT_TP} f WHERE f.aggregation <> 'latest'
              UNION ALL
              SELECT f.*, ROW_NUMBER() OVER (PARTITION BY f.organization_id, f.target_id
                                             ORDER BY f.period_end DESC, f.submitted_at DESC, f.report_id DESC)
              FROM {FACT_TP} f WHERE f.aggregation = 'latest') z
        GROUP BY z.directive_id, z.target_id, z.aggregation, z.organization_id""", params)
    _rollup(cur, OWN_TP, ROLL_TP, ("directive_id", "target_id", "aggregation"), ("value_sum", "contributions"),
            ("value_max",), max_depth)


def write(cur, t: dict[str, str], period: Period, params: dict, max_depth: int) -> int:
    """Build the period's partitions of both tables from the temp rows and swap them in.

    Summary rows are written in unit order: every reader takes a unit's rows, or its
    children's, together (a refresh rolls a unit's children up, a dashboard page shows a
    unit's directives or a parent's units), and in hash order each unit's rows lay on as
    many pages as it has directives — a district's refresh read ~900 pages instead of ~70.
    """
    ps_table, tp_table = t["ps_name"], t["tp_name"]
    stage = partitions.new_stage(cur, ps_table, period)
    sums = ", ".join(SUMS)
    cur.execute(f"""INSERT INTO {connection.ops.quote_name(stage)}
            (id, directive_id, organization_id, period_kind, period_start, period_end, unit_level, {sums},
             last_report_date, is_closed, amended_after_close, computed_at)
        SELECT {partitions.next_id_sql(cur, ps_table)}, r.directive_id, r.organization_id, %(kind)s, %(p_start)s, %(p_end)s,
               r.level, {', '.join(f'r.{c}' for c in SUMS)}, r.last_report_date, false, 0, %(now)s
        FROM {_all_rows(OWN, ROLL, ("directive_id", "organization_id", "level", *SUMS, "last_report_date"), max_depth)} r
        ORDER BY r.organization_id""",
                params)
    rows = cur.rowcount
    partitions.finish_stage(cur, ps_table, stage)
    tp_stage = partitions.new_stage(cur, tp_table, period)
    cur.execute(f"""INSERT INTO {connection.ops.quote_name(tp_stage)}
            (id, summary_id, target_id, organization_id, period_kind, period_start, value, contributions)
        SELECT {partitions.next_id_sql(cur, tp_table)}, s.id, x.target_id, x.organization_id, %(kind)s, %(p_start)s,
               CASE WHEN x.aggregation = 'max' THEN x.value_max ELSE x.value_sum END, x.contributions
        FROM {_all_rows(OWN_TP, ROLL_TP, ("directive_id", "target_id", "aggregation", "organization_id", "value_sum",
                                          "value_max", "contributions"), max_depth)} x
        JOIN {connection.ops.quote_name(stage)} s
          ON s.organization_id = x.organization_id AND s.period_kind = %(kind)s AND s.period_start = %(p_start)s
         AND s.directive_id = x.directive_id
        ORDER BY x.organization_id""", params)
    partitions.finish_stage(cur, tp_table, tp_stage)
    partitions.swap(cur, period, {ps_table: stage, tp_table: tp_stage})
    cur.execute(f"DROP TABLE IF EXISTS {FACT}, {FACT_TP}, {OWN}, {ROLL}, {OWN_TP}, {ROLL_TP}")
    return rows


def compute(cur, t: dict[str, str], period: Period, exps, params: dict, run: BulkRun) -> int:
    """One period of the whole tree (caller: one transaction, the period's lock held). Rows written.

    Takes the partition-DDL lock first (``partitions.lock_ddl``): whole-tree builds of
    different periods run one at a time, or their swaps would deadlock.
    """
    partitions.lock_ddl(cur)
    facts(cur, t, params)
    own_rows(cur, exps, params)
    rollup(cur, run.max_depth)
    target_rows(cur, params, run.max_depth)
    return write(cur, t, period, params, run.max_depth)
