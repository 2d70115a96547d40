"""Rows written in bulk: PostgreSQL ``COPY``, ``bulk_create`` elsewhere.

On PostgreSQL, Django's ``bulk_create`` binds every value client-side (arrays of thousands of
values a column); for an import's units and their audit entries that is most of the time
spent. ``COPY`` streams the same rows (as ``generate_dataset`` does), new units getting their
ids from the table's own sequence first, so nothing else ever hands the same id out.
"""
from __future__ import annotations

import json

from django.db import connection, models

BATCH = 1000


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count])
        return [row[0] for row in cursor.fetchall()]


def insert(model: type[models.Model], objects: list[models.Model], columns: list[str]) -> None:
    """Insert ``objects`` (ids set beforehand on PostgreSQL when the table has no default for them)."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        for start in range(0, len(objects), BATCH):
            model.objects.bulk_create(objects[start:start + BATCH])
        return
    fields = [model._meta.get_field(name) for name in columns]
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) FROM STDIN"
    with connection.cursor() as cursor:
        raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
        with raw.copy(sql) as copy:
            for obj in objects:
                copy.write_row([_value(f, obj) for f in fields])


def insert_values(model: type[models.Model], columns: list[str], rows: list[list]) -> None:
    """Insert plain rows (values of ``columns``): no model instance is built on PostgreSQL."""
    fields = [model._meta.get_field(name) for name in columns]
    if connection.vendor != "postgresql":
        names = [f.attname for f in fields]
        insert(model, [model(**dict(zip(names, row, strict=True))) for row in rows], columns)
        return
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) FROM STDIN"
    with connection.cursor() as cursor:
        raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
        with raw.copy(sql) as copy:
            json_at = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
            for row in rows:
                for i in json_at:
                    if row[i] is not None:
                        row[i] = json.dumps(row[i], cls=fields[i].encoder)
                copy.write_row(row)


def _value(field: models.Field, obj: models.Model):
    value = getattr(obj, field.attname)
    if isinstance(field, models.JSONField) and value is not None:
        return json.dumps(value, cls=field.encoder)
    return value
