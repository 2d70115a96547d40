"""PostgreSQL: the trigram index of the reports' folded text, built CONCURRENTLY.

The reports table is the largest of the database (the text of every report): a plain
CREATE INDEX would block every report save for the whole build, so this migration is
not atomic and builds the index without taking the write lock.
"""
from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX CONCURRENTLY IF NOT EXISTS search_report_trgm "
                              "ON meetings_report USING gin (search_text gin_trgm_ops)")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS search_report_trgm")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("search", "0001_trigram_fold")]

    operations = [migrations.RunPython(forward, backward)]
