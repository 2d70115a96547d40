"""A report's history as people read it: what changed in each event, field by field.

``ReportEvent.changes`` keeps the full value before and after each change (names, not ids;
the whole text of the body), so the page can say *what* changed rather than "298 chars →
315 chars". The body is shown as a word-level diff with long unchanged stretches cut
short; links show the directive and each of its fields (assessment, narrative,
contributions). Everything here is plain text: the template escapes it.

Events written before this format (ids for organisation and meeting, "N chars" for the
body, one event per linked or unlinked directive) are shown as well as they allow.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organizations.models import Organization

from .linking import format_decimal
from .models import (
    Assessment,
    Meeting,
    PeriodKind,
    ReportAction,
    ReportEvent,
    ReportKind,
    ReportStatus,
)

#: Unchanged words kept on each side of a change; longer unchanged stretches become "…".
CONTEXT_WORDS = 8
#: Past this many words (both sides together) between the common beginning and end, the
#: changed part is compared line by line, and past as many lines it is shown as replaced:
#: matching grows with the square of the length, and the page is read on every visit.
DIFF_WORD_BUDGET = 40_000
#: A word with the spaces before it: joining the tokens gives the text back exactly.
_TOKEN = re.compile(r"\s*\S+|\s+")


@dataclass
class DiffPiece:
    kind: str  # "same", "del", "ins" or "gap" (unchanged words left out)
    text: str


@dataclass
class FieldChange:
    label: str
    before: str = ""
    after: str = ""
    diff: list[DiffPiece] | None = None


@dataclass
class LinkChange:
    directive: str
    change: str
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class HistoryEntry:
    event: ReportEvent
    fields: list[FieldChange] = field(default_factory=list)
    links: list[LinkChange] = field(default_factory=list)


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def word_diff(old: str, new: str, context: int = CONTEXT_WORDS) -> list[DiffPiece]:
    """Words deleted and inserted between ``old`` and ``new``, unchanged runs elided.

    The common beginning and end are set aside before diffing: an edit usually touches a
    few sentences of a long text, and the matcher then only compares the part in between.
    """
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    head = 0
    while head < len(a) and head < len(b) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < len(a) - head and tail < len(b) - head and a[len(a) - 1 - tail] == b[len(b) - 1 - tail]:
        tail += 1
    ops: list[tuple[str, list[str]]] = [("same", a[:head])]
    mid_a, mid_b = a[head:len(a) - tail], b[head:len(b) - tail]
    if len(mid_a) + len(mid_b) > DIFF_WORD_BUDGET:
        mid_a, mid_b = _lines("".join(mid_a)), _lines("".join(mid_b))
    if len(mid_a) + len(mid_b) > DIFF_WORD_BUDGET:
        opcodes = [("replace", 0, len(mid_a), 0, len(mid_b))]
    else:
        opcodes = SequenceMatcher(None, mid_a, mid_b).get_opcodes()
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            ops.append(("same", mid_a[i1:i2]))
            continue
        if i2 > i1:
            ops.append(("del", mid_a[i1:i2]))
        if j2 > j1:
            ops.append(("ins", mid_b[j1:j2]))
    ops.append(("same", a[len(a) - tail:]))
    merged: list[tuple[str, list[str]]] = []
    for kind, tokens in ops:
        if not tokens:
            continue
        if merged and merged[-1][0] == kind:
            merged[-1][1].extend(tokens)
        else:
            merged.append((kind, list(tokens)))
    pieces: list[DiffPiece] = []
    for i, (kind, tokens) in enumerate(merged):
        if kind != "same":
            pieces.append(DiffPiece(kind, "".join(tokens)))
            continue
        first, last = i == 0, i == len(merged) - 1
        keep_start = 0 if first else context
        keep_end = 0 if last else context
        if len(tokens) <= keep_start + keep_end + 1:
            pieces.append(DiffPiece("same", "".join(tokens)))
            continue
        if keep_start:
            pieces.append(DiffPiece("same", "".join(tokens[:keep_start])))
        pieces.append(DiffPiece("gap", "…"))
        if keep_end:
            pieces.append(DiffPiece("same", "".join(tokens[-keep_end:])))
    return pieces


def _date(value) -> str:
    if not value:
        return ""
    try:
        return date_format(dt.date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
    except ValueError:
        return str(value)


def _choice(choices) -> Callable[[object], str]:
    labels = dict(choices)
    return lambda value: str(labels.get(value, value or ""))


def _number(value) -> str:
    if value in (None, ""):
        return ""
    try:
        return format_decimal(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


def _text(value) -> str:
    return "" if value is None else str(value)


def _report_fields() -> dict[str, tuple[str, Callable[[object], str]]]:
    """Each field an event may name: its label in the user's language and how to show a value."""
    return {  # in the order the page lists them: the short facts first, the text last
        "status": (_("Status"), _choice(ReportStatus.choices)),
        "title": (_("Title"), _text),
        "organization": (_("Organisation"), _text),
        "meeting": (_("Meeting"), _text),
        "kind": (_("Kind of report"), _choice(ReportKind.choices)),
        "period_kind": (_("Reporting period"), _choice(PeriodKind.choices)),
        "period_start": (_("Period start"), _date),
        "period_end": (_("Period end"), _date),
        "file": (_("File"), _text),
        "body": (_("Text"), _text),
    }


_LEGACY_LENGTH = re.compile(r"[0-9]+ chars")


def _field_change(label: str, show, before, after, *, diff_text: bool = False) -> FieldChange:
    before_text, after_text = show(before), show(after)
    change = FieldChange(label=label, before=before_text, after=after_text)
    if diff_text and before_text and after_text and not (
            _LEGACY_LENGTH.fullmatch(before_text) and _LEGACY_LENGTH.fullmatch(after_text)):
        change.diff = word_diff(before_text, after_text)
    return change


def _link_change(entry: dict) -> LinkChange:
    kinds = {"linked": _("linked"), "unlinked": _("unlinked"), "changed": _("changed"),
             "dismissed": _("suggestion left unlinked")}
    change = LinkChange(directive=str(entry.get("directive", "")), change=kinds.get(entry.get("change"), ""))
    assessment = _choice(Assessment.choices)
    if "assessment" in entry:
        change.fields.append(_field_change(_("Assessment"), assessment, *entry["assessment"]))
    if "note" in entry:
        change.fields.append(_field_change(_("Narrative"), _text, *entry["note"], diff_text=True))
    for target, before, after in entry.get("contributions", []):
        change.fields.append(_field_change(_("Contribution to %(target)s") % {"target": target}, _number,
                                           before, after))
    return change


def _legacy_names(events: Iterable[ReportEvent]) -> tuple[dict[int, str], dict[int, str]]:
    """Names of the organisations and meetings that events of the old format name by id."""
    org_ids, meeting_ids = set(), set()
    for event in events:
        for key, ids in (("organization_id", org_ids), ("meeting_id", meeting_ids)):
            value = event.changes.get(key) if isinstance(event.changes, dict) else None
            if isinstance(value, list):
                ids.update(v for v in value if isinstance(v, int))
    orgs = {o.pk: o.name for o in Organization.objects.filter(pk__in=org_ids)} if org_ids else {}
    meetings = {m.pk: str(m) for m in Meeting.objects.filter(pk__in=meeting_ids)} if meeting_ids else {}
    return orgs, meetings


def history(events: list[ReportEvent]) -> list[HistoryEntry]:
    """What each event changed, ready to be drawn (at most two queries, for old events)."""
    labels = _report_fields()
    orgs, meetings = _legacy_names(events)
    legacy = {"organization_id": ("organization", lambda v: orgs.get(v, "") if v else ""),
              "meeting_id": ("meeting", lambda v: meetings.get(v, "") if v else "")}
    entries = []
    for event in events:
        entry = HistoryEntry(event=event)
        changes = event.changes if isinstance(event.changes, dict) else {}
        order = {key: i for i, key in enumerate([*labels, "organization_id", "meeting_id"])}
        for key, value in sorted(changes.items(), key=lambda item: order.get(item[0], len(order))):
            if key == "links" and isinstance(value, list):
                entry.links.extend(_link_change(item) for item in value if isinstance(item, dict))
            elif key == "directive":  # old format: one event per linked or unlinked directive
                done = _("linked") if event.action == ReportAction.LINKED else _("unlinked")
                entry.links.append(LinkChange(directive=str(value), change=done))
            elif key == "file" and isinstance(value, str):  # old format: the file's name alone
                entry.fields.append(FieldChange(label=labels["file"][0], after=value))
            elif isinstance(value, list) and len(value) == 2:
                if key in legacy:
                    name, show = legacy[key]
                    entry.fields.append(_field_change(labels[name][0], show, *value))
                elif key in labels:
                    label, show = labels[key]
                    entry.fields.append(_field_change(label, show, *value, diff_text=key == "body"))
        entries.append(entry)
    return entries
