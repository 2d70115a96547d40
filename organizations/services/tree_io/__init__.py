"""Bulk import and export of the organisation tree (issue 15, part 3).

A file holds one unit a row in the columns ``code, name, short_name, kind, parent_code,
member_count, valid_from, valid_to`` (``cells``), as CSV in the product's dialect or XLSX.
``plan_import`` is the dry run (``plan``): every change and every problem by row and column;
``apply_import`` applies a plan atomically after planning it again inside its transaction
(``apply``), creating new units in bulk with their materialized paths laid out here
(``layout``); ``export_organizations`` writes a subtree so that it imports back unchanged
(``export``).

**Why tablib (``tablib[xlsx]``) and not django-import-export.** django-import-export drives a
``Resource`` row by row: each row is saved through the model (``add_child`` here, several
queries a unit) and its dry run is the real import rolled back — neither fits 5,000 units in
seconds, nor the tree's own rules (parents named later in the file, cycles, scope by
subtree, the paths computed in bulk), which would all be overrides of its hooks. What is
wanted from a library is only the reading of the formats; tablib, the Jazzband library
django-import-export itself reads files with, does that for XLSX (openpyxl, read-only,
values rather than formulas). CSV is read by the standard ``csv`` module, as tablib's own CSV
format does, but keeping blank lines so row numbers match the spreadsheet (``reader``).
Files are *written* by the product's own writers (``organizations.spreadsheets``): text is
never a formula, which tablib's openpyxl-based export would not guarantee without changing
the text.
"""
from .apply import ImportRejected, ImportResult, PlanChanged, apply_import
from .export import export_filename, export_organizations
from .plan import ImportPlan, RowError, plan_import
from .reader import MAX_BYTES, MAX_ROWS, ImportFileError

__all__ = [
    "MAX_BYTES", "MAX_ROWS", "ImportFileError", "ImportPlan", "ImportRejected", "ImportResult", "PlanChanged",
    "RowError", "apply_import", "export_filename", "export_organizations", "plan_import",
]
