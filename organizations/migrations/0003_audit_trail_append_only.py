"""The audit trail is append-only in the database itself (PostgreSQL).

No code path of the product edits or deletes an audit record, and this makes it so for
any other path too (a shell, a stray admin action, a bug): rows can be inserted, and the
only update allowed is the one PostgreSQL makes itself when a user is deleted (the actor
becomes NULL; the actor's e-mail, kept beside it, still names them). TRUNCATE (used by
the test runner between transactional tests) is a table operation, not a row change.
"""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION rt_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit records cannot be changed or deleted' USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER IF EXISTS rt_audit_append_only ON auditlog_logentry;
CREATE TRIGGER rt_audit_append_only BEFORE UPDATE OR DELETE ON auditlog_logentry
    FOR EACH ROW EXECUTE FUNCTION rt_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS rt_audit_append_only ON auditlog_logentry;
DROP FUNCTION IF EXISTS rt_audit_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0002_depth_path_index"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create, drop)]
