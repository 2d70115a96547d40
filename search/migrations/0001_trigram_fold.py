"""PostgreSQL: the trigram and unaccent extensions, the ``rt_fold`` function and the trigram
indexes of the folded columns of the smaller tables (units, people, directives, aliases,
meetings). SQLite gets ``rt_fold`` from ``search.apps`` and needs no index to be correct.

``rt_fold`` is ``lower(unaccent(…))`` declared IMMUTABLE (``unaccent`` itself is only STABLE,
because its dictionary could change) so that an expression index can use it: it folds
Vietnamese as ``organizations.text.fold`` does (accents off, đ → d, lower case).
"""
from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE OR REPLACE FUNCTION rt_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
    "AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$",
    "CREATE INDEX IF NOT EXISTS search_org_trgm ON organizations_organization USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS search_person_trgm ON organizations_person USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS search_directive_trgm ON resolutions_directive USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS search_alias_trgm ON resolutions_directivealias USING gin (key gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS search_meeting_trgm ON meetings_meeting USING gin (rt_fold(title) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_meeting_trgm",
    "DROP INDEX IF EXISTS search_alias_trgm",
    "DROP INDEX IF EXISTS search_directive_trgm",
    "DROP INDEX IF EXISTS search_person_trgm",
    "DROP INDEX IF EXISTS search_org_trgm",
    "DROP FUNCTION IF EXISTS rt_fold(text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0003_audit_trail_append_only"),
        ("resolutions", "0005_summary_unit_level_attention_index"),
        ("meetings", "0004_report_dismissed_directives_and_links_event"),
    ]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
