"""The browser's import: upload and dry run, then the application as a background job.

``import_upload`` keeps the uploaded file on the server with its dry run (``OrganizationImport``);
``import_request_apply`` queues the application (Celery; in-process in the embedded mode);
``import_run`` — the task — plans the kept file again as the uploader, applies it only if it
still plans exactly what the uploader saw (else the new dry run is shown for review), and
reports its progress through the cache: the application is one transaction, so progress
written to its rows would only appear once it is over.

Files live at most :data:`LIFETIME` and one at a time per admin: a new upload, an applied
file and an expired one drop their content (the row stays as a record of what was done).
"""
from __future__ import annotations

import datetime as dt
import logging

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ImportStatus, OrganizationImport
from .tree_io import ImportRejected, PlanChanged, apply_import, plan_import
from .tree_io.apply import require_import_actor
from .tree_io.plan import ImportPlan
from .tree_io.reader import read_table

logger = logging.getLogger(__name__)

LIFETIME = dt.timedelta(hours=24)
PROGRESS_SECONDS = 60 * 60
OPEN = (ImportStatus.PLANNED, ImportStatus.INVALID)


def progress_key(pk: int) -> str:
    return f"organizations:import:{pk}:progress"


def _plain_value(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def plan_report(plan: ImportPlan) -> dict:
    """The dry run as stored and shown: plain values, problems as codes with their parameters."""
    return {
        "counts": plan.counts(),
        "created": [[c.row, c.code, c.values["name"], c.values["kind"], c.parent_code] for c in plan.created],
        "changed": [[c.row, c.code, [[name, _plain_value(old), _plain_value(new)]
                                     for name, (old, new) in c.fields.items()]] for c in plan.changed],
        "moved": [[m.row, m.code, m.old_parent, m.new_parent] for m in plan.moved],
        "errors": [[e.row, e.column, e.code, e.params] for e in plan.errors],
    }


def _expire(actor) -> None:
    """Drop the kept files that are too old, and the actor's earlier uploads not applied."""
    stale = OrganizationImport.objects.filter(status__in=OPEN).exclude(content=b"")
    stale.filter(created_at__lt=timezone.now() - LIFETIME).update(content=b"", status=ImportStatus.EXPIRED)
    stale.filter(requested_by=actor).update(content=b"", status=ImportStatus.EXPIRED)


@transaction.atomic
def import_upload(*, actor, data: bytes, filename: str, remote_addr: str | None = None) -> OrganizationImport:
    """Plan an uploaded file and keep it; ``ImportFileError`` when the file cannot be read."""
    require_import_actor(actor)
    if not getattr(actor, "pk", None):
        raise PermissionDenied(_("Only administrators can do this."))
    plan = plan_import(actor, data=data, filename=filename)
    _expire(actor)
    return OrganizationImport.objects.create(
        requested_by=actor, filename=filename[:255], content=data, size=len(data),
        status=ImportStatus.PLANNED if plan.ok else ImportStatus.INVALID, plan_digest=plan.digest,
        report=plan_report(plan), remote_addr=remote_addr or None)


def import_for(actor, pk: int) -> OrganizationImport | None:
    """The actor's own import (nobody else's: the file and its plan are the uploader's)."""
    if not getattr(actor, "pk", None):
        return None
    return OrganizationImport.objects.filter(pk=pk, requested_by=actor).defer("content").first()


def recent_imports(actor, limit: int = 10) -> list[OrganizationImport]:
    return list(OrganizationImport.objects.filter(requested_by=actor).defer("content", "report")[:limit])


def expired(job: OrganizationImport) -> bool:
    return job.status == ImportStatus.EXPIRED or (job.status in OPEN and job.created_at < timezone.now() - LIFETIME)


@transaction.atomic
def import_request_apply(*, actor, job: OrganizationImport) -> OrganizationImport:
    """Queue the application of the actor's planned import (it runs after the commit)."""
    require_import_actor(actor)
    job = OrganizationImport.objects.select_for_update().get(pk=job.pk)
    if job.requested_by_id != actor.pk:
        raise PermissionDenied(_("Only the administrator who uploaded this file can apply it."))
    if job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.DONE):
        raise ValidationError(_("This file is already being applied or has been applied."))
    if expired(job) or not job.content:
        raise ValidationError(_("This file was kept for %(hours)s hours only: upload it again.")
                              % {"hours": int(LIFETIME.total_seconds() // 3600)})
    if job.status != ImportStatus.PLANNED:
        raise ValidationError(_("Only a file without problems can be applied."))
    job.status, job.progress, job.replanned = ImportStatus.QUEUED, 0, False
    job.save(update_fields=["status", "progress", "replanned"])
    from ..tasks import import_apply_task

    transaction.on_commit(lambda: import_apply_task.delay(job.pk))
    return job


def current_progress(job: OrganizationImport) -> int:
    if job.status == ImportStatus.RUNNING:
        return int(cache.get(progress_key(job.pk)) or job.progress)
    return 100 if job.status == ImportStatus.DONE else job.progress


def import_run(*, job_id: int) -> OrganizationImport | None:
    """Apply a queued import as its uploader (called by the task; idempotent)."""
    job = OrganizationImport.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return job
    actor = job.requested_by
    OrganizationImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, progress=5)
    cache.set(progress_key(job.pk), 5, PROGRESS_SECONDS)

    def progress(percent: int) -> None:
        cache.set(progress_key(job.pk), max(5, min(99, percent)), PROGRESS_SECONDS)

    fields = {}
    try:
        plan = plan_import(actor, rows=read_table(bytes(job.content), job.filename))
        if plan.digest != job.plan_digest:
            raise PlanChanged(plan)
        apply_import(actor=actor, plan=plan, progress=progress)
        fields = dict(status=ImportStatus.DONE, progress=100, content=b"", finished_at=timezone.now(), error="")
    except PlanChanged as changed:  # the tree moved on since the dry run: the admin reviews again
        fields = dict(status=ImportStatus.PLANNED if changed.plan.ok else ImportStatus.INVALID, progress=0,
                      report=plan_report(changed.plan), plan_digest=changed.plan.digest, replanned=True)
    except ImportRejected as rejected:
        fields = dict(status=ImportStatus.INVALID, progress=0, report=plan_report(rejected.plan),
                      plan_digest=rejected.plan.digest, replanned=True)
    except PermissionDenied as refused:  # the uploader lost the admin role meanwhile
        fields = dict(status=ImportStatus.FAILED, error=str(refused)[:2000], content=b"", finished_at=timezone.now())
    except Exception as exc:
        from ..tasks import TRANSIENT

        logger.exception("organisation import %s failed", job_id)
        if isinstance(exc, TRANSIENT):
            OrganizationImport.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)
            raise
        fields = dict(status=ImportStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
    finally:
        cache.delete(progress_key(job.pk))
        if fields:
            OrganizationImport.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job
