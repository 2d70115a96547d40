"""PostgreSQL: reports by unit, newest first, with their id — built CONCURRENTLY.

A search in a subtree reads the subtree's units first and their reports from this index
(``search.ranking.in_scope``). Holding the id, it answers "the newest reports of these
units linked to that directive" from the index and the links alone, without reading the
reports themselves (``(organization_id, period_end)`` alone needs every row for its id).
"""
from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX CONCURRENTLY IF NOT EXISTS search_report_unit_newest "
                              "ON meetings_report (organization_id, period_end, id)")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS search_report_unit_newest")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("search", "0003_newest_first_indexes")]

    operations = [migrations.RunPython(forward, backward)]
