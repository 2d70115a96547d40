"""The report ↔ directive links: validated whole, saved from the version the user saw."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.selectors import can_access
from organizations.text import clean_text
from resolutions.models import Directive, Target
from resolutions.selectors import targets_for_unit

from ..models import (
    Assessment,
    CitedSpan,
    ImplementationLink,
    Report,
    ReportAction,
    TargetContribution,
)
from .common import (
    EDITABLE,
    EDITOR_ROLES,
    ConcurrentEditError,
    _event,
)

# --- Links ------------------------------------------------------------------------------------

@dataclass
class LinkInput:
    """What the user confirmed for one directive in the links step.

    Contributions are ``Decimal`` (the form reads them in the user's language) or a plain
    string with ASCII digits and a ``.`` decimal point (``"37.5"``) from other callers.
    """

    directive_id: int
    assessment: str = Assessment.IN_PROGRESS
    note: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)
    contributions: dict[int, str | Decimal | None] = field(default_factory=dict)


def link_field_key(directive_id: int, name: str = "") -> str:
    """The key an error about one field of one link is reported under (the form's field name)."""
    return f"link-{directive_id}-{name}" if name else f"link-{directive_id}"


_PLAIN_NUMBER = re.compile(r"-?[0-9]{1,40}(\.[0-9]{1,40})?")
_VALUE_FIELD = TargetContribution._meta.get_field("value")


def contribution_value(raw: str | Decimal) -> Decimal:
    """A contribution as stored: finite, not negative, at most 14 digits of which 2 decimals.

    Raises ValidationError with a message a user understands (never lets the database be
    the one to refuse: an IntegrityError would lose the whole page).
    """
    if isinstance(raw, Decimal):
        value = raw
    else:
        text = str(raw).strip()
        if not _PLAIN_NUMBER.fullmatch(text):
            raise ValidationError(_("“%(value)s” is not a number.") % {"value": text[:40]}, code="invalid")
        value = Decimal(text)
    if not value.is_finite():
        raise ValidationError(_("Type a number with the digits 0 to 9."), code="invalid")
    if value < 0:
        raise ValidationError(_("A contribution cannot be negative."), code="min_value")
    return _VALUE_FIELD.clean(value, None)


def _canonical(value: Decimal | None) -> str | None:
    """A stored number as history keeps it: "1000", "37.5" (no exponent, no trailing zeros)."""
    if value is None:
        return None
    return f"{value.normalize():f}"


@dataclass
class _PlannedLink:
    item: LinkInput
    directive: Directive
    note: str
    spans: list[tuple[int, int]]
    contributions: dict[int, Decimal]


def _plan_links(report: Report, links: list[LinkInput], dismissed: set[int]) -> tuple[list[_PlannedLink], dict]:
    """Validate every link before anything is written; collect every error, keyed by field.

    Returns the cleaned links and the directives involved; raises one ValidationError
    naming each bad field (``link-<directive>-<field>``), so the page can mark them all.
    """
    errors: dict[str, list[str]] = {}

    def fail(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    ids = [item.directive_id for item in links]
    if len(set(ids)) != len(ids):
        fail(NON_FIELD_ERRORS, _("A directive is linked twice."))
    directives = Directive.objects.in_bulk(set(ids) | dismissed)
    missing = (set(ids) | dismissed) - set(directives)
    if missing:
        fail(NON_FIELD_ERRORS, _("Unknown directive: %(ids)s") % {"ids": ", ".join(map(str, sorted(missing)))})
    targets: dict[int, dict[int, Target]] = {}
    for target in targets_for_unit(report.organization, directives):
        targets.setdefault(target.directive_id, {})[target.pk] = target
    plan = []
    for item in links:
        if item.directive_id not in directives:
            continue
        if item.assessment not in Assessment.values:
            fail(link_field_key(item.directive_id, "assessment"), _("Choose an assessment from the list."))
        spans = sorted(set(item.spans))
        if any(not (0 <= start < end <= len(report.body)) or end - start > 500 for start, end in spans):
            fail(link_field_key(item.directive_id), _("A citation position does not match the text of the report."))
        values: dict[int, Decimal] = {}
        for target_id, raw in item.contributions.items():
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            key = link_field_key(item.directive_id, f"target-{target_id}")
            if target_id not in targets.get(item.directive_id, {}):
                fail(key, _("This report cannot contribute to this target (it belongs to another directive or "
                            "another unit)."))
                continue
            try:
                values[target_id] = contribution_value(raw)
            except ValidationError as exc:
                for message in exc.messages:
                    fail(key, message)
        plan.append(_PlannedLink(item=item, directive=directives[item.directive_id],
                                 note=clean_text(item.note).strip(), spans=spans, contributions=values))
    if errors:
        raise ValidationError(errors)
    return plan, {"directives": directives, "targets": targets}


def _target_label(target: Target) -> str:
    return f"{target.name} ({target.unit})"


def _link_change(link: ImplementationLink | None, planned: _PlannedLink | None, targets: dict[int, Target]) -> dict:
    """What one save did to one directive's link, field by field, with the values before and after."""
    old_values = {c.target_id: c.value for c in link.contributions.all()} if link else {}
    new_values = planned.contributions if planned else {}
    entry: dict = {}
    old_assessment = link.assessment if link else None
    new_assessment = planned.item.assessment if planned else None
    if old_assessment != new_assessment:
        entry["assessment"] = [old_assessment, new_assessment]
    old_note, new_note = (link.note if link else ""), (planned.note if planned else "")
    if old_note != new_note:
        entry["note"] = [old_note, new_note]
    contributions = []
    for target_id in sorted(set(old_values) | set(new_values), key=lambda t: targets[t].name if t in targets else ""):
        old, new = old_values.get(target_id), new_values.get(target_id)
        if old != new:
            target = targets.get(target_id)
            contributions.append([_target_label(target) if target else str(target_id), _canonical(old), _canonical(new)])
    if contributions:
        entry["contributions"] = contributions
    return entry


@transaction.atomic
def report_set_links(*, actor, report_id: int, expected_version: int, links: list[LinkInput],
                     dismissed: Iterable[int] = ()) -> Report:
    """Replace the report's links with exactly ``links``, from the version the user saw.

    ``dismissed`` are suggestions the user unticked: they are remembered so that the links
    step shows them unticked from now on (a suggestion never decided on is shown ticked).
    Everything is validated first and every error reported at once; nothing is written
    unless all of it is valid. A save from a stale version is refused (ConcurrentEditError)
    because links are part of the report: the version goes up and one history event says
    what changed.
    """
    report = Report.objects.select_for_update(of=("self",)).select_related("organization").get(pk=report_id)
    if not can_access(actor, report.organization, kinds=EDITOR_ROLES):
        raise PermissionDenied(_("You cannot edit reports of this organisation."))
    if report.version != expected_version:
        raise ConcurrentEditError(report)
    if report.status not in EDITABLE:
        raise ValidationError(_("A submitted or accepted report can no longer be edited."))
    dismissed = set(dismissed) - {item.directive_id for item in links}
    plan, known = _plan_links(report, links, dismissed)
    directives, targets = known["directives"], known["targets"]
    all_targets = {pk: t for by_id in targets.values() for pk, t in by_id.items()}

    existing = {link.directive_id: link for link in report.links.select_related("directive")
                .prefetch_related("contributions__target")}
    for link in existing.values():
        all_targets.update({c.target_id: c.target for c in link.contributions.all()})
    entries: list[dict] = []
    for planned in plan:
        link = existing.get(planned.directive.pk)
        entry = _link_change(link, planned, all_targets)
        if link is None or entry:
            entries.append({"directive": planned.directive.label, "directive_id": planned.directive.pk,
                            "change": "linked" if link is None else "changed", **entry})
    wanted = {planned.directive.pk for planned in plan}
    removed = [link for directive_id, link in existing.items() if directive_id not in wanted]
    for link in removed:
        entries.append({"directive": link.directive.label, "directive_id": link.directive_id, "change": "unlinked",
                        **_link_change(link, None, all_targets)})
    before = set(report.dismissed_directives.values_list("pk", flat=True))
    after = (before | dismissed) - wanted
    for directive_id in sorted(after - before - {link.directive_id for link in removed}):
        entries.append({"directive": directives[directive_id].label, "directive_id": directive_id,
                        "change": "dismissed"})

    for link in removed:
        link.delete()
    for planned in plan:
        _write_link(report, existing.get(planned.directive.pk), planned)
    if after != before:
        report.dismissed_directives.set(after)
    if not entries:
        return report
    updated = Report.objects.filter(pk=report.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now())
    if not updated:  # pragma: no cover - guarded by select_for_update above; kept for SQLite
        raise ConcurrentEditError(Report.objects.get(pk=report.pk))
    report.refresh_from_db()
    _event(report, actor, ReportAction.LINKS, {"links": entries})
    return report


def _write_link(report: Report, link: ImplementationLink | None, planned: _PlannedLink) -> ImplementationLink:
    """Write one validated link: its fields, its cited spans and its contributions."""
    if link is None:
        link = ImplementationLink(report=report, directive=planned.directive)
    link.assessment = planned.item.assessment
    link.note = planned.note
    link.full_clean(validate_unique=link.pk is None)
    link.save()
    link.spans.all().delete()
    for start, end in planned.spans:
        span = CitedSpan(link=link, start=start, end=end, text=report.body[start:end])
        span.full_clean()
        span.save()
    stored = {c.target_id: c for c in link.contributions.all()}
    link.contributions.exclude(target_id__in=list(planned.contributions)).delete()
    for target_id, value in planned.contributions.items():
        row = stored.get(target_id) or TargetContribution(link=link, target_id=target_id)
        if row.pk is not None and row.value == value:
            continue
        row.value = value
        row.full_clean(validate_unique=row.pk is None)
        row.save()
    return link
