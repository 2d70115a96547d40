"""Reads behind the leaders' dashboards: every figure comes from the precomputed summaries.

Why this package exists (DESIGN §5): at national scale a subtree holds tens of thousands of
units and millions of report–directive links, so a dashboard may never touch the links at
request time. It reads ``ProgressSummary``/``TargetProgress`` rows only — a row already
covers the organisation's whole subtree — and every function here runs a fixed number of
queries whatever the size of the tree or of the data: one query per kind of figure, never
one per unit or per directive. Lists that grow with the tree (units of a level, children of
a large committee) are paginated in SQL.

Scope: dashboards are for leaders. An organisation is visible when one of the user's
*leader* roles covers it (or the user is a superuser); anything else is a 404 so ids
never leak, and a signed-in user with no leader role gets a 403 on the dashboard home.

One job a module (DESIGN §3), each depending only on those above it in this list:

- ``formatting``: how a figure is written (``number``);
- ``criteria``: which directives and units a page covers (``DirectiveFilters``, the levels);
- ``access``: the leader scope, the breadcrumbs, the directive of a page;
- ``sql``: the helpers of the reads written in SQL (prepared statements, id lists, periods);
- ``periods``: the period a page shows (``select_period``, ``period_label``);
- ``records``: summary rows as plain records (``Figures``, ``DirectiveInfo``, ``UnitInfo``);
- ``status``: status, the four-way classification, coverage, and the rows' ``words``;
- ``targets``: targets, their accumulated values and pace (``TargetFigure``);
- ``trends``: coverage over recent periods (``TrendPoint``, ``Spark``, ``history``);
- ``figures``: the read model — every figure of an organisation × directive × period, each
  defined once (``DirectiveFigures``, ``figures_for``, the ``GLOSSARY`` the "Cách tính" page shows);
- ``rows``: a summary row dressed for display (``FigureRow``);
- ``units`` and ``pagination``: the units a page compares, and pages of them (``Window``);
- ``links``: links out of the app, by URL name;
- ``board``, ``drill``, ``matrices``: the three pages — a unit's directives (``dashboard``),
  one directive across the units below (``directive_drill``), units × directives (``matrix``).

What the views, downloads, filter form and template tags use is imported here:
``from resolutions import dashboards as D``.
"""
from __future__ import annotations

from .access import breadcrumbs, dashboard_organization_or_404, directive_or_404, leader_home
from .board import Dashboard, dashboard
from .criteria import LEVEL_LABELS, DirectiveFilters
from .drill import DirectiveDrill, directive_drill
from .figures import GLOSSARY, DirectiveFigures, GlossaryEntry, figures_for, glossary
from .formatting import number
from .links import report_list_url, summary_document_url
from .matrices import Matrix, matrix
from .pagination import Window
from .periods import PeriodSelection, period_label, select_period
from .rows import FigureRow
from .status import classify, segments, words
from .targets import TargetFigure, target_start
from .units import plain_rows

__all__ = [
    "LEVEL_LABELS",
    "GLOSSARY",
    "Dashboard",
    "DirectiveFigures",
    "DirectiveDrill",
    "DirectiveFilters",
    "FigureRow",
    "GlossaryEntry",
    "Matrix",
    "PeriodSelection",
    "TargetFigure",
    "Window",
    "breadcrumbs",
    "classify",
    "dashboard",
    "dashboard_organization_or_404",
    "directive_drill",
    "directive_or_404",
    "figures_for",
    "glossary",
    "leader_home",
    "matrix",
    "number",
    "period_label",
    "plain_rows",
    "report_list_url",
    "segments",
    "select_period",
    "summary_document_url",
    "target_start",
    "words",
]
