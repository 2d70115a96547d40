"""The demo, loaded once per test session.

``load_demo`` writes a few thousand rows one by one (as an operator's command does, every
row validated and on the audit trail), which takes half a minute; about twenty tests need
it. The first test that asks runs the command and keeps a copy of the rows it wrote
(PostgreSQL ``COPY … TO``); every later one copies them back in (``COPY … FROM``) within a
second. Only tables the command filled from empty are copied, so a test starting from data
of its own — or SQLite, where there is no ``COPY`` — simply runs the command. The summaries
live in partitions created as they are computed (and gone with the test's transaction), so
they are computed again after a copy, as the command does.
"""
from __future__ import annotations

import io

from django.core.management import call_command
from django.db import connection, transaction

_snapshot: dict[str, bytes] | None = None
_output: str = ""
#: Content types by id when the copy was taken: a transactional test empties their table, and
#: Django then numbers them afresh, so the audit trail's references are mapped on the way in.
_content_types: dict[int, tuple[str, str]] = {}


def load_demo() -> str:
    """Put the demo in the database; returns what ``load_demo`` printed."""
    global _snapshot, _output
    if connection.vendor != "postgresql":
        return _run()
    tables = connection.introspection.table_names()
    if _snapshot is not None and all(not _count(t) for t in _snapshot):
        _restore(_snapshot)
        return _output
    partitioned = _partitioned_tables()
    empty_before = {t for t in tables if t not in partitioned and not _count(t)}
    _output = _run()
    if _snapshot is None:
        from django.contrib.contenttypes.models import ContentType

        _snapshot = {t: _copy_out(t) for t in sorted(empty_before) if _count(t)}
        _content_types.update({pk: (app, model) for pk, app, model in
                               ContentType.objects.values_list("pk", "app_label", "model")})
    return _output


def _partitioned_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relkind = 'p' OR relispartition")
        return {row[0] for row in cursor.fetchall()}


def _run() -> str:
    out = io.StringIO()
    call_command("load_demo", "--force", stdout=out)
    return out.getvalue()


def _quote(table: str) -> str:
    return connection.ops.quote_name(table)


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {_quote(table)})")
        return int(cursor.fetchone()[0])


def _copy_out(table: str) -> bytes:
    data = bytearray()
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {_quote(table)} TO STDOUT") as copy:
        for chunk in copy:
            data.extend(chunk)
    return bytes(data)


def _restore(snapshot: dict[str, bytes]) -> None:
    from resolutions.selectors import forget_register_choices

    # One transaction: foreign keys are checked at its end, whatever order the tables come in.
    with transaction.atomic(), connection.cursor() as cursor:
        remap = _content_type_map()
        for table, data in snapshot.items():
            column = _column_index(cursor, table, "content_type_id") if remap else None
            if column is not None:
                data = _remap(data, column, remap)
            with cursor.cursor.copy(f"COPY {_quote(table)} FROM STDIN") as copy:
                copy.write(data)
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [_quote(table)])
            sequence = cursor.fetchone()[0]
            if sequence:
                cursor.execute(f"SELECT setval(%s, GREATEST((SELECT max(id) FROM {_quote(table)}), 1))",
                               [sequence])
    forget_register_choices()
    _compute_summaries()


def _content_type_map() -> dict[str, str]:
    """Old content type id → today's, as text (empty when nothing was renumbered)."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    mapping = {}
    for pk, (app, model) in _content_types.items():
        now = ContentType.objects.get_or_create(app_label=app, model=model)[0].pk
        if now != pk:
            mapping[str(pk)] = str(now)
    return mapping


def _column_index(cursor, table: str, name: str) -> int | None:
    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                   "ORDER BY ordinal_position", [table])
    names = [row[0] for row in cursor.fetchall()]
    return names.index(name) if name in names else None


def _remap(data: bytes, column: int, mapping: dict[str, str]) -> bytes:
    # COPY's text format escapes tabs and newlines inside values: splitting on them is exact.
    lines = []
    for line in data.decode().split("\n"):
        if line:
            fields = line.split("\t")
            fields[column] = mapping.get(fields[column], fields[column])
            line = "\t".join(fields)
        lines.append(line)
    return "\n".join(lines).encode()


def _compute_summaries() -> None:
    import datetime as dt

    from meetings.demo.loader import DEMO_YEAR
    from meetings.summaries import summaries_compute
    from organizations.actors import system_actor

    summaries_compute(actor=system_actor(), start=dt.date(DEMO_YEAR, 1, 1), end=dt.date(DEMO_YEAR, 12, 31))
