"""Thin Celery tasks: take ids, re-fetch, call a service.

Every task runs as the named system actor (``organizations.actors``), so what it changes is
on the audit trail under "Hệ thống". Every task is idempotent (running it twice leaves the same state), acknowledged late
(``CELERY_TASK_ACKS_LATE``: a worker killed mid-task leaves the message to be redelivered),
and retried only on transient database or broker errors. Each period is written in one
transaction, so an interrupted task never leaves a half-written period.
"""
from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError

from organizations.actors import as_system, system_actor
from resolutions import periods as P

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError, BrokerOperationalError)
RETRY = dict(autoretry_for=TRANSIENT, retry_backoff=2, retry_backoff_max=120, retry_jitter=True,
             max_retries=5, acks_late=True)


def _summary(result) -> dict:
    return {"periods": len(result.periods), "rows": result.rows, "seconds": round(result.seconds, 3)}


@shared_task(name="meetings.summaries_refresh_for_report", **RETRY)
@as_system
def summaries_refresh_for_report_task(report_id: int) -> dict:
    """Refresh the report's ancestors' summaries for the periods containing it."""
    from .summaries import summaries_refresh_for_report

    results = summaries_refresh_for_report(actor=system_actor(), report_id=report_id)
    return {"report_id": report_id, "periods": [r.period.key + ("*" if r.closed else "") for r in results]}


@shared_task(name="meetings.summaries_compute", **RETRY)
@as_system
def summaries_compute_task(period: str | None = None, org_id: int | None = None, period_kind: str | None = None,
                          start: str | None = None, end: str | None = None) -> dict:
    """Recompute the periods overlapping ``period`` ("2019-11", "2019", …) or the dates
    ``start``–``end`` (ISO); all data when neither is given."""
    from organizations.models import Organization

    from .summaries import summaries_compute

    org = Organization.objects.get(pk=org_id) if org_id else None
    if start and end:
        result = summaries_compute(actor=system_actor(), start=dt.date.fromisoformat(start),
                                   end=dt.date.fromisoformat(end), org=org, period_kind=period_kind)
    elif period:
        span = P.parse_period(period)
        result = summaries_compute(actor=system_actor(), start=span.start, end=span.end, org=org, period_kind=period_kind)
    else:
        result = summaries_compute(actor=system_actor(), org=org, period_kind=period_kind)
    return _summary(result)


@shared_task(name="meetings.summaries_compute_open", **RETRY)
@as_system
def summaries_compute_open_task() -> dict:
    """Nightly: recompute every period that is not closed."""
    from .summaries import summaries_compute_open

    return _summary(summaries_compute_open(actor=system_actor()))


@shared_task(name="meetings.periods_close_due", **RETRY)
@as_system
def periods_close_due_task(days_after_end: int = 10, today: str | None = None) -> dict:
    """Daily: close ("chốt số liệu") every period that ended ``days_after_end`` days ago or more."""
    from .summaries import periods_close_due

    closes = periods_close_due(actor=system_actor(), days_after_end=days_after_end,
                               today=dt.date.fromisoformat(today) if today else None)
    return {"closed": [f"{c.period_kind}:{c.period_start.isoformat()}" for c in closes]}


@shared_task(name="meetings.missing_reports_digest", **RETRY)
@as_system
def missing_reports_digest_task(today: str | None = None, lookback_days: int = 31) -> dict:
    """Daily: one e-mail per staff user listing the late reports of their units."""
    from .missing import missing_digest_send

    sent = missing_digest_send(actor=system_actor(), today=dt.date.fromisoformat(today) if today else None, lookback_days=lookback_days)
    return {"sent": sent}


@shared_task(name="meetings.summary_document_build", **RETRY)
@as_system
def summary_document_build_task(document_id: int) -> dict:
    """Build the DOCX and XLSX of a ``SummaryDocument`` (idempotent: a finished one is left alone)."""
    from .documents import summary_document_build

    doc = summary_document_build(actor=system_actor(), document_id=document_id)
    return {"document_id": document_id, "status": doc.status if doc else None}
