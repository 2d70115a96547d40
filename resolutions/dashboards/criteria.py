"""Which directives a page covers and which units it compares.

``DirectiveFilters`` is what the FilterSet in ``resolutions.dashboard_filters`` builds from
the query string (directive kind, issuer, term, unit level); the administrative levels
(``LEVEL_LABELS``, ``kinds_of_level``) name the units a page can compare below a unit.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy

from organizations.models import ORG_LEVELS

LEVEL_LABELS: dict[int, str] = {
    1: gettext_lazy("Provincial level"),
    2: gettext_lazy("Upper-grassroots level (districts, blocs, communes)"),
    3: gettext_lazy("Grassroots level"),
    4: gettext_lazy("Below grassroots (sections, cells)"),
}


def kinds_of_level(level: int) -> list[str]:
    """Organisation kinds at an administrative level (ORG_LEVELS inverted)."""
    return [str(kind) for kind, lvl in ORG_LEVELS.items() if lvl == level]


@dataclass(frozen=True)
class DirectiveFilters:
    """Which directives a page covers and which units it compares."""

    kind: str = ""
    issuer_id: int | None = None
    term_id: int | None = None
    level: int | None = None

    def q(self, prefix: str = "directive__") -> Q:
        q = Q()
        if self.kind:
            q &= Q(**{f"{prefix}kind": self.kind})
        if self.issuer_id:
            q &= Q(**{f"{prefix}issuer_id": self.issuer_id})
        if self.term_id:
            q &= Q(**{f"{prefix}term_id": self.term_id})
        return q
