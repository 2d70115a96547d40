"""The units a page compares below an organisation: its children, or every unit of a level.

``child_ids`` reads a unit's children in one query that does not grow with its subtree;
``units_q`` filters the units a page compares. Also ``plain_rows``, the benchmark's
baseline read of units.
"""
from __future__ import annotations

from django.db import connection
from django.db.models import Q

from organizations.models import Organization

from .criteria import kinds_of_level
from .sql import _rows


def child_ids(org: Organization) -> list[int]:
    """Ids of the direct children, in path order, in one query that does not grow with the subtree.

    ``path LIKE 'prefix%' AND depth = d + 1`` reads the whole subtree (at the root: every
    unit of the country) just to keep a few dozen rows. This is a loose index scan on the
    unique path index instead: each step jumps to the first path after the previous
    child's subtree (``'~'`` sorts after every character of treebeard's alphabet), so the
    cost is one index probe per child.
    """
    if not org.numchild:
        return []
    table = connection.ops.quote_name(Organization._meta.db_table)
    sql = f"""
        WITH RECURSIVE kids(path) AS (
            SELECT (SELECT o.path FROM {table} o WHERE o.path > %s AND o.path < %s ORDER BY o.path LIMIT 1)
            UNION ALL
            SELECT (SELECT o.path FROM {table} o WHERE o.path > k.path || '~' AND o.path < %s ORDER BY o.path LIMIT 1)
            FROM kids k WHERE k.path IS NOT NULL
        )
        SELECT o.id FROM kids k JOIN {table} o ON o.path = k.path ORDER BY o.path"""
    upper = org.path + "~"
    return [row[0] for row in _rows(sql, [org.path, upper, upper])]


def compares_level(org: Organization, level: int | None) -> bool:
    """Whether a page compares every unit of a level below ``org`` (else its children)."""
    return level is not None and level > org.level


def units_q(org: Organization, level: int | None, prefix: str = "") -> Q:
    """The units a page compares: the children, or every unit of a level below ``org``.

    The level here is the organisations' current kind (the matrix lists organisations); the
    directive page's level list reads the level its summaries were computed with
    (``unit_level``), which differs only for a unit reclassified since — until the next
    computation, or for good in a closed period.
    """
    p = f"{prefix}__" if prefix else ""
    if compares_level(org, level):
        return Q(**{f"{p}path__startswith": org.path, f"{p}depth__gt": org.depth, f"{p}kind__in": kinds_of_level(level)})
    return Q(**{f"{p}id__in" if p else "pk__in": child_ids(org)})


def plain_rows(limit: int = 100) -> list[Organization]:
    """A baseline for the benchmark: one plain query, ``limit`` rows."""
    return list(Organization.objects.order_by("path")[:limit])
