"""PostgreSQL: the indexes that serve each search window in its natural order, built CONCURRENTLY.

A window (``search.ranking``) reads the matching rows newest first and stops after
``COUNT_CAP + 1``: with ``(period_end, id)`` indexed, a word found in most reports is
answered by reading the newest reports until the window is full, instead of collecting
every match to sort it. Units are ordered by ``(depth, path)``; the existing index of that
pair uses the pattern operator class (for prefix lookups), whose order is not ``ORDER BY``'s.
"""
from django.db import migrations

INDEXES = [
    ("search_report_newest", "meetings_report (period_end, id)"),
    ("search_org_depth_path", "organizations_organization (depth, path)"),
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, target in INDEXES:
            schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {target}")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _target in INDEXES:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("search", "0002_report_trigram_index")]

    operations = [migrations.RunPython(forward, backward)]
