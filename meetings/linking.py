"""The linking step of report entry: suggestions from the citation finder, highlighted text.

The finder (resolutions.citations) reads the text and the register; this module turns its
output into what the report form shows: one suggested link per directive with the spans
that cite it, the mentions it could not resolve (ambiguous or unknown, never guessed), and
the body cut into plain and highlighted segments.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from organizations.models import Organization
from resolutions.models import Directive, Target

from .models import Report


@dataclass
class Suggestion:
    directive: Directive
    spans: list[tuple[int, int]] = field(default_factory=list)
    existing: bool = False
    assessment: str = "in_progress"
    note: str = ""
    targets: list[Target] = field(default_factory=list)
    contributions: dict[int, str] = field(default_factory=dict)

    @property
    def target_rows(self) -> list[tuple[Target, str]]:
        return [(t, self.contributions.get(t.pk, "")) for t in self.targets]

    @property
    def spans_value(self) -> str:
        return ";".join(f"{s}:{e}" for s, e in self.spans)


@dataclass
class Unresolved:
    start: int
    end: int
    text: str
    candidates: list[Directive]
    parts: dict


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


def suggestions_for(report: Report) -> tuple[list[Suggestion], list[Unresolved]]:
    """Existing links first (with their data), then new directives the finder resolved."""
    by_directive: dict[int, Suggestion] = {}
    links = report.links.select_related("directive", "directive__issuer").prefetch_related("spans", "contributions")
    for link in links:
        by_directive[link.directive_id] = Suggestion(
            directive=link.directive, spans=[(s.start, s.end) for s in link.spans.all()], existing=True,
            assessment=link.assessment, note=link.note,
            contributions={c.target_id: f"{c.value.normalize():f}" for c in link.contributions.all()})
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
    for target in Target.objects.filter(directive_id__in=list(by_directive)).order_by("name"):
        targets.setdefault(target.directive_id, []).append(target)
    for directive_id, suggestion in by_directive.items():
        suggestion.targets = targets.get(directive_id, [])
    ordered = sorted(by_directive.values(), key=lambda s: (not s.existing, min(s.spans)[0] if s.spans else 10**9))
    return ordered, unresolved


def _parts(cit) -> dict:
    keys = ("kind", "number", "year", "issuer", "symbol")
    return {k: _attr(cit, k) for k in keys if _attr(cit, k)}


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
