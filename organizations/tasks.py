"""Celery tasks of the organisation tree: thin, they take ids and call a service.

The import runs as the admin who uploaded the file (their scope is the one checked, and the
audit trail names them, with the address they uploaded from), not as the system actor of the
scheduled jobs. Acknowledged late and retried on transient database or broker errors: the
application is one transaction, so an interrupted run left nothing behind.
"""
from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError

TRANSIENT = (OperationalError, InterfaceError, BrokerOperationalError)


@shared_task(name="organizations.import_apply", autoretry_for=TRANSIENT, retry_backoff=2, retry_backoff_max=120,
             retry_jitter=True, max_retries=5, acks_late=True)
def import_apply_task(import_id: int) -> dict:
    from auditlog.context import auditlog_value, set_actor

    from .models import OrganizationImport
    from .services.import_jobs import import_run

    job = OrganizationImport.objects.select_related("requested_by").filter(pk=import_id).first()
    if job is None:
        return {"import_id": import_id, "status": None}
    enclosing = auditlog_value.get(None)  # run eagerly inside a request: put the request's back after
    try:
        with set_actor(job.requested_by, remote_addr=job.remote_addr):
            job = import_run(job_id=import_id)
    finally:
        if enclosing is not None:
            auditlog_value.set(enclosing)
    return {"import_id": import_id, "status": job.status if job else None}
