"""Summaries partitioned by period on PostgreSQL; target values carry their organisation and period.

Why (see ``resolutions/partitions.py``): a whole-tree recompute of a national period writes
~2 M rows; building them in a fresh partition and swapping it in is several times faster than
rewriting them in place, and leaves no dead rows. On SQLite (embedded mode) the tables stay
plain; only the field and index changes apply.

Also: the single-column foreign-key indexes of ``ProgressSummary`` are gone (the composite
indexes cover them), its unique constraint now leads with the organisation (and serves
"this unit's rows of a period"), and ``TargetProgress`` gains copies of its summary's
organisation and period so the dashboards read it without a join.
"""
import datetime as dt

import django.db.models.deletion
from django.db import migrations, models

PARENTS = ("resolutions_progresssummary", "resolutions_targetprogress")


def fill_target_progress(apps, schema_editor):
    TargetProgress = apps.get_model("resolutions", "TargetProgress")
    ProgressSummary = apps.get_model("resolutions", "ProgressSummary")
    tp, ps = TargetProgress._meta.db_table, ProgressSummary._meta.db_table
    with schema_editor.connection.cursor() as cur:
        cur.execute(f"""UPDATE {tp} SET organization_id = s.organization_id, period_kind = s.period_kind,
                            period_start = s.period_start
                        FROM {ps} s WHERE s.id = {tp}.summary_id""")
        cur.execute(f"DELETE FROM {tp} WHERE organization_id IS NULL")  # orphans: derived data, recomputed


def _rebuild(cur, table: str, partitioned: bool) -> None:
    """Recreate ``table`` as a partitioned (or plain) table with the same columns, keys and rows."""
    old = f"{table}__old"
    cur.execute("""SELECT c.conname, c.contype, pg_get_constraintdef(c.oid) FROM pg_constraint c
                   WHERE c.conrelid = %s::regclass AND c.contype IN ('p', 'u', 'f') ORDER BY c.conname""", [table])
    keys = cur.fetchall()
    cur.execute("""SELECT ic.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
                   JOIN pg_class ic ON ic.oid = i.indexrelid
                   WHERE i.indrelid = %s::regclass
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""", [table])
    indexes = cur.fetchall()
    cur.execute(f"ALTER TABLE {table} RENAME TO {old}")
    for name, kind, _definition in keys:
        if kind in ("p", "u"):
            cur.execute(f'ALTER TABLE {old} RENAME CONSTRAINT "{name}" TO "{name}__old"')
    for name, _definition in indexes:
        cur.execute(f'ALTER INDEX "{name}" RENAME TO "{name}__old"')
    suffix = " PARTITION BY RANGE (period_kind, period_start)" if partitioned else ""
    cur.execute(f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY){suffix}")
    for name, kind, definition in keys:
        if kind == "p":
            definition = "PRIMARY KEY (id, period_kind, period_start)" if partitioned else "PRIMARY KEY (id)"
        cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for name, definition in indexes:
        method = definition[definition.index(" USING "):]
        unique = "UNIQUE " if definition.startswith("CREATE UNIQUE") else ""
        cur.execute(f'CREATE {unique}INDEX "{name}" ON {table}{method}')
    if partitioned:
        # Every period already computed gets its partition (named as resolutions.partitions
        # names them), so the rows are routed there and the default partition starts empty.
        cur.execute(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")
        cur.execute(f"SELECT DISTINCT period_kind, period_start FROM {old}")
        for kind, start in cur.fetchall():
            nxt = start + dt.timedelta(days=1)
            cur.execute(f"CREATE TABLE {table}_{kind}_{start:%Y%m%d} PARTITION OF {table} FOR VALUES "
                        f"FROM ('{kind}', '{start.isoformat()}') TO ('{kind}', '{nxt.isoformat()}')")
    cur.execute(f"INSERT INTO {table} SELECT * FROM {old}")
    # The copied rows queued their (deferred) foreign-key checks: run them now, or the
    # ALTER TABLE below refuses a table "with pending trigger events".
    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cur.execute(f"""SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                                  GREATEST((SELECT MAX(id) FROM {table}), 1))""")
    cur.execute(f"ALTER TABLE {table} ALTER COLUMN id SET CACHE {10_000 if partitioned else 1}")
    cur.execute(f"DROP TABLE {old}")


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        for table in PARENTS:
            _rebuild(cur, table, partitioned=True)


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        for table in PARENTS:
            _rebuild(cur, table, partitioned=False)


class Migration(migrations.Migration):

    dependencies = [
        ("organizations", "0001_initial"),
        ("resolutions", "0002_summary_directive_period_index"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="progresssummary", name="summary_org_period_idx"),
        migrations.RemoveConstraint(model_name="progresssummary", name="summary_unique"),
        migrations.AddConstraint(
            model_name="progresssummary",
            constraint=models.UniqueConstraint(fields=("organization", "period_kind", "period_start", "directive"),
                                               name="summary_unique"),
        ),
        migrations.AlterField(
            model_name="progresssummary", name="directive",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="summaries",
                                    to="resolutions.directive", verbose_name="directive"),
        ),
        migrations.AlterField(
            model_name="progresssummary", name="organization",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="summaries",
                                    to="organizations.organization", verbose_name="organisation"),
        ),
        migrations.RemoveConstraint(model_name="targetprogress", name="target_progress_unique"),
        migrations.AlterField(
            model_name="targetprogress", name="summary",
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="target_values", to="resolutions.progresssummary"),
        ),
        migrations.AddField(
            model_name="targetprogress", name="organization",
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True,
                                    on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                    to="organizations.organization"),
        ),
        migrations.AddField(
            model_name="targetprogress", name="period_kind",
            field=models.CharField(choices=[("month", "Month"), ("quarter", "Quarter"), ("half", "Half-year"),
                                            ("year", "Year"), ("term", "Term")],
                                   default="month", max_length=8, verbose_name="period"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="targetprogress", name="period_start",
            field=models.DateField(null=True, verbose_name="period start"),
        ),
        migrations.RunPython(fill_target_progress, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="targetprogress", name="organization",
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="organizations.organization"),
        ),
        migrations.AlterField(
            model_name="targetprogress", name="period_start",
            field=models.DateField(verbose_name="period start"),
        ),
        migrations.AddConstraint(
            model_name="targetprogress",
            constraint=models.UniqueConstraint(fields=("organization", "period_kind", "period_start", "target"),
                                               name="target_progress_unique"),
        ),
        migrations.RunPython(partition, unpartition),
    ]
