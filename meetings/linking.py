"""The linking step of report entry: suggestions from the citation finder, highlighted text.

The finder (resolutions.citations) reads the text and the register; this module turns its
output into what the report form shows: one suggested link per directive with the spans
that cite it, the mentions it could not resolve (ambiguous or unknown, never guessed), and
the body cut into plain and highlighted segments.

What a row shows comes from what the user decided, never from the finder alone: a stored
link is shown as stored, a suggestion the user unticked (``Report.dismissed_directives``)
stays unticked, and only a suggestion nobody has decided on yet comes ticked.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from resolutions.models import Directive, Target
from resolutions.selectors import targets_for_unit
from resolutions.symbols import KIND_WORDS

from .models import Assessment, Report


def format_decimal(value: Decimal | None) -> str:
    """A stored number written the way the user's language writes it ("1.000", "37,5" in
    Vietnamese), so that what the page shows can be saved again unchanged."""
    if value is None:
        return ""
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return number_format(value, use_l10n=True, force_grouping=True)


class Origin:
    LINKED = "linked"        # stored link
    SUGGESTED = "suggested"  # the finder found it in the text
    ADDED = "added"          # the user added it from the search


@dataclass
class Suggestion:
    """One row of the links step: a directive, where the text cites it, and its link's data."""

    directive: Directive
    spans: list[tuple[int, int]] = field(default_factory=list)
    existing: bool = False
    assessment: str = "in_progress"
    note: str = ""
    targets: list[Target] = field(default_factory=list)
    contributions: dict[int, Decimal] = field(default_factory=dict)
    origin: str = Origin.SUGGESTED
    dismissed: bool = False

    @property
    def initially_kept(self) -> bool:
        """Ticked unless the user unticked it before (a stored link is ticked by definition)."""
        return self.existing or not self.dismissed

    @property
    def assessment_label(self) -> str:
        return str(dict(Assessment.choices).get(self.assessment, self.assessment))

    @property
    def stored_contributions(self) -> list[tuple[Target, str]]:
        """The stored contributions, each written as the user's language writes numbers."""
        return [(t, format_decimal(self.contributions[t.pk])) for t in self.targets if t.pk in self.contributions]

    @property
    def spans_value(self) -> str:
        return ";".join(f"{s}:{e}" for s, e in self.spans)


@dataclass
class Unresolved:
    start: int
    end: int
    text: str
    candidates: list[Directive]
    #: What the text states, as (label, value) pairs for the page: "kind: Thông tư", never a code.
    parts: list[tuple[str, str]]


@dataclass
class Segment:
    text: str
    cited: bool = False
    directive_id: int | None = None
    unresolved: bool = False


def find_in_text(text: str, org: Organization | None, on: dt.date | None) -> list:
    """Run the citation finder; returns its resolved citations (empty if it is unavailable)."""
    try:
        from resolutions.citations import find_citations
        from resolutions.resolver import resolve
    except ImportError:
        return []
    return resolve(find_citations(text), context_org=org, context_date=on)


def _attr(obj, name, default=None):
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def suggestions_for(report: Report, *, added: Sequence[int] = (),
                    order: Sequence[int] = ()) -> tuple[list[Suggestion], list[Unresolved]]:
    """Existing links first (with their data), then new directives the finder resolved.

    ``added`` are directives the user added from the search (shown after the others, or
    dropped if they are not in the register); ``order`` puts the rows in the order the page
    sent them, so a page drawn again after an error looks as the user left it.
    """
    by_directive: dict[int, Suggestion] = {}
    links = report.links.select_related("directive", "directive__issuer").prefetch_related("spans", "contributions")
    for link in links:
        by_directive[link.directive_id] = Suggestion(
            directive=link.directive, spans=[(s.start, s.end) for s in link.spans.all()], existing=True,
            assessment=link.assessment, note=link.note, origin=Origin.LINKED,
            contributions={c.target_id: c.value for c in link.contributions.all()})
    dismissed = set(report.dismissed_directives.values_list("pk", flat=True)) if report.pk else set()
    unresolved: list[Unresolved] = []
    citations = find_in_text(report.body, report.organization, report.period_end)
    wanted_ids: set[int] = set()
    for cit in citations:
        ids = [_attr(cit, "directive")] if _attr(cit, "directive") else list(_attr(cit, "documents", None) or [])
        ids = [i.pk if isinstance(i, Directive) else i for i in ids if i]
        if not ids:
            unresolved.append(Unresolved(start=_attr(cit, "start"), end=_attr(cit, "end"), text=_attr(cit, "text"),
                                         candidates=[], parts=_parts(cit)))
            unresolved[-1].candidates = list(_attr(cit, "candidates", None) or [])
            continue
        wanted_ids.update(ids)
        for directive_id in ids:
            suggestion = by_directive.get(directive_id)
            if suggestion is None:
                suggestion = by_directive[directive_id] = Suggestion(directive=None)  # type: ignore[arg-type]
            span = (_attr(cit, "start"), _attr(cit, "end"))
            if not suggestion.existing and span not in suggestion.spans:
                suggestion.spans.append(span)
    for directive_id in added:
        if directive_id not in by_directive:
            by_directive[directive_id] = Suggestion(directive=None, origin=Origin.ADDED)  # type: ignore[arg-type]
    new_ids = [i for i, s in by_directive.items() if s.directive is None]
    directives = Directive.objects.select_related("issuer").in_bulk(new_ids + [c for u in unresolved for c in u.candidates if isinstance(c, int)])
    for directive_id in new_ids:
        if directive_id in directives:
            by_directive[directive_id].directive = directives[directive_id]
        else:
            del by_directive[directive_id]
    for item in unresolved:
        item.candidates = [directives[c] if isinstance(c, int) else c for c in item.candidates if not isinstance(c, int) or c in directives]
    targets: dict[int, list[Target]] = {}
    for target in targets_for_unit(report.organization, by_directive):
        targets.setdefault(target.directive_id, []).append(target)
    for directive_id, suggestion in by_directive.items():
        suggestion.targets = targets.get(directive_id, [])
        suggestion.dismissed = directive_id in dismissed and not suggestion.existing
    position = {directive_id: i for i, directive_id in enumerate(order)}
    ordered = sorted(by_directive.values(), key=lambda s: (
        position.get(s.directive.pk, len(position)), not s.existing, s.origin == Origin.ADDED,
        min(s.spans)[0] if s.spans else 10**9))
    return ordered, unresolved


def added_row(directive_id: int, report: Report) -> Suggestion | None:
    """The row of a directive the user adds from the search: the register's entry and its
    targets, without running the finder over the text again."""
    directive = Directive.objects.select_related("issuer").filter(pk=directive_id).first()
    if directive is None:
        return None
    return Suggestion(directive=directive, origin=Origin.ADDED,
                      targets=list(targets_for_unit(report.organization, [directive.pk])))


_PART_LABELS = (("kind", _("kind")), ("name", _("name")), ("number", _("number")), ("symbol", _("symbol")),
                ("year", _("year")), ("issuer", _("issuer")))


def _parts(cit) -> list[tuple[str, str]]:
    """The parts of an unregistered citation to show, labelled; the kind as its Vietnamese type
    word, and a law's name as printed ("Luật Quy hoạch")."""
    mention = _attr(cit, "mention")
    values = {key: _attr(cit, key) for key, _label in _PART_LABELS}
    values["kind"] = KIND_WORDS.get(values["kind"] or "", values["kind"])
    values["name"] = mention.name if mention is not None and mention.kind == "L" else None
    return [(label, str(values[key])) for key, label in _PART_LABELS if values[key]]


def segments(text: str, spans: list[tuple[int, int, int | None, bool]]) -> list[Segment]:
    """Cut ``text`` into segments; spans are (start, end, directive id, unresolved). Overlaps are merged."""
    out: list[Segment] = []
    pos = 0
    for start, end, directive_id, unresolved in sorted(spans):
        if start < pos or end > len(text) or start >= end:
            continue
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], cited=True, directive_id=directive_id, unresolved=unresolved))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out
