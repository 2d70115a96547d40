"""What every write of this package shares: scope checks, the conflict error, history events."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from organizations.models import Organization, RoleKind
from organizations.selectors import can_access

from ..models import (
    Report,
    ReportEvent,
    ReportStatus,
)

EDITOR_ROLES = (RoleKind.STAFF, RoleKind.ADMIN)
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
REPORT_FIELDS = ("title", "body", "kind", "period_kind", "period_start", "period_end", "meeting_id", "organization_id")


class ConcurrentEditError(Exception):
    """Someone saved the report after the user opened it; carries the stored version."""

    def __init__(self, current: Report):
        super().__init__(_("Someone else saved this report while you were editing it."))
        self.current = current


def _require(actor, org: Organization, kinds, message: str) -> None:
    if not can_access(actor, org, kinds=kinds):
        raise PermissionDenied(message)


def can_edit_report(user, report: Report) -> bool:
    return report.status in EDITABLE and can_access(user, report.organization, kinds=EDITOR_ROLES)


def _event(report: Report, actor, action: str, changes: dict | None = None, note: str = "") -> ReportEvent:
    return ReportEvent.objects.create(report=report, actor=actor if getattr(actor, "pk", None) else None,
                                      action=action, version=report.version, changes=changes or {}, note=note)


def _jsonable(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
