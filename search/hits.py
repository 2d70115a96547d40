"""Turning ranked ids into the lines of the results page (one query per kind on the page).

The ids come from the scoped queries of ``search.selectors``: nothing here widens them.
Each line gets its title and passage as runs of raw text with the matched words marked
(``search.highlight``); the template escapes them.
"""
from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from meetings.models import Meeting, Report
from organizations.models import Organization, Person, Position
from organizations.selectors import scope_q
from organizations.text import search_key
from resolutions.models import Directive

from .highlight import excerpt, mark
from .query import ParsedQuery
from .selectors import Hit

STEP = Organization.steplen


def _parent_path(org: Organization) -> str | None:
    return org.path[:-STEP] if org.depth > 1 else None


def highlight_terms(query: ParsedQuery) -> list[str]:
    """What to mark: the words typed, or for a query that is only a citation, the symbols of
    the directives it leads to (marking "chi" of "chi thi 05" in every "Chi bộ" says nothing)."""
    if not query.citation_only:
        return query.terms
    symbols = Directive.objects.filter(pk__in=query.directive_ids).exclude(symbol="").values_list("symbol", flat=True)
    return list(dict.fromkeys([*query.symbol_keys, *(search_key(s) for s in symbols)]))


def load_hits(user, query: ParsedQuery, chosen: list[tuple[str, int]]) -> list[Hit]:
    terms = highlight_terms(query)
    ids: dict[str, list[int]] = {}
    for kind, pk in chosen:
        ids.setdefault(kind, []).append(pk)
    hits: dict[tuple[str, int], Hit] = {}
    if ids.get("report"):
        for r in Report.objects.filter(pk__in=ids["report"]).select_related("organization").only(
                "title", "body", "status", "period_start", "period_end", "kind", "organization"):
            hits["report", r.pk] = Hit(
                "report", r.pk, reverse("report-detail", args=[r.pk]), mark(r.title, terms),
                excerpt(r.body, terms), unit=r.organization, date=r.period_start, date_end=r.period_end,
                status=r.get_status_display(), status_code=r.status, detail=r.get_kind_display())
    if ids.get("meeting"):
        for m in Meeting.objects.filter(pk__in=ids["meeting"]).select_related("organization"):
            hits["meeting", m.pk] = Hit(
                "meeting", m.pk, reverse("meeting-detail", args=[m.pk]), mark(m.title, terms), [],
                unit=m.organization, date=m.date, detail=m.get_kind_display())
    if ids.get("directive"):
        for d in Directive.objects.filter(pk__in=ids["directive"]).select_related("issuer"):
            # An unnumbered directive is named by its title (its kind is in the detail): headed
            # by the kind word alone, several in a row would look the same.
            hits["directive", d.pk] = Hit(
                "directive", d.pk, reverse("directive-detail", args=[d.pk]), mark(d.label, terms),
                mark(d.title, terms) if d.symbol else [], issuer=str(d.issuer), date=d.issue_date, status=d.get_status_display(),
                status_code=d.status, detail=d.get_kind_display())
    if ids.get("unit"):
        for o in Organization.objects.filter(pk__in=ids["unit"]):
            hits["unit", o.pk] = Hit(
                "unit", o.pk, reverse("organization-detail", args=[o.pk]), mark(o.name, terms),
                mark(o.short_name, terms) if o.short_name and o.short_name != o.name else [],
                unit=o, status="" if o.is_active else str(_("Dissolved")), detail=o.get_kind_display())
    if ids.get("person"):
        # Only the positions inside the user's scope: a post elsewhere names a unit they may not see.
        in_scope = Position.objects.filter(scope_q(user, "organization")).select_related("organization")
        people = Person.objects.filter(pk__in=ids["person"]).prefetch_related(Prefetch("positions", queryset=in_scope))
        for p in people:
            positions = sorted(p.positions.all(), key=lambda pos: (pos.end is not None, pos.organization.path))
            hits["person", p.pk] = Hit(
                "person", p.pk, reverse("person-detail", args=[p.pk]) if positions else "",
                mark(p.full_name, terms), [], unit=positions[0].organization if positions else None,
                detail="; ".join(pos.display_title for pos in positions[:3]))
    ordered = [hits[key] for key in chosen if key in hits]
    _attach_parents(ordered)
    return ordered


def _attach_parents(hits: list[Hit]) -> None:
    """Each hit's unit's parent (one query): "Chi bộ 3" alone says little."""
    wanted = {_parent_path(h.unit) for h in hits if h.unit is not None} - {None}
    parents = {o.path: o for o in Organization.objects.filter(path__in=wanted)} if wanted else {}
    for hit in hits:
        if hit.unit is not None:
            hit.parent = parents.get(_parent_path(hit.unit))
