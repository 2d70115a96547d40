"""When the figures a page shows were computed: the key of the table bodies' fragment cache.

A table body drawn once is served from the cache while its figures stand; a recompute of
the summaries (``compute_summaries``, a report entered) writes a later ``computed_at`` on
the rows it touches, so the next request misses the cache and draws the new figures — a
stale table can never be served after a recompute.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Max

from ..models import ProgressSummary


def computed_at(org_ids: Sequence[int], directive_ids: Sequence[int], kind: str,
                first: dt.date, last: dt.date) -> dt.datetime | None:
    """The latest ``computed_at`` of the summary rows of these units × directives, periods ``first``–``last``.

    One query on the summaries' unique index (organisation, period kind, start, directive).
    """
    if not org_ids or not directive_ids:
        return None
    return (ProgressSummary.objects
            .filter(organization_id__in=org_ids, directive_id__in=directive_ids, period_kind=kind,
                    period_start__gte=first, period_start__lte=last)
            .aggregate(m=Max("computed_at"))["m"])
