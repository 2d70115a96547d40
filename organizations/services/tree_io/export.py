"""The organisation tree as a file that imports back unchanged.

One row a unit in path order (every parent above its children), in the import's columns. The
subtree's top unit carries its parent's code, so importing the file back plans nothing: no
unit created, changed or moved. CSV is the product's dialect (UTF-8 with a BOM, ``;``, CRLF);
text is escaped so no spreadsheet runs it as a formula, in a way the reader undoes exactly
(``cells.escape_csv``). XLSX is written by ``organizations.spreadsheets`` (text always as
text, dates as date cells); member counts are numbers in both.
"""
from __future__ import annotations

import csv
import io

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from organizations import spreadsheets
from organizations.models import Organization

from .cells import COLUMNS, escape_csv, escape_xlsx
from .plan import admin_paths

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def export_units(actor, root: Organization | None = None) -> list[Organization]:
    """The units of ``root``'s subtree (the actor's whole admin scope when None), in path order."""
    paths = admin_paths(actor)
    if root is not None:
        if paths is not None and not any(root.path.startswith(p) for p in paths):
            raise PermissionDenied(_("You are not an administrator of this part of the tree."))
        q = Q(path__startswith=root.path)
    elif paths is None:
        q = Q()
    else:
        if not paths:
            raise PermissionDenied(_("Only administrators can do this."))
        q = Q()
        for path in paths:
            q |= Q(path__startswith=path)
    return list(Organization.objects.filter(q).order_by("path"))


def export_rows(units: list[Organization]) -> list[list]:
    code_at = {u.path: u.code for u in units}
    outside = {u.path[:-Organization.steplen] for u in units if u.depth > 1} - set(code_at)
    code_at.update(Organization.objects.filter(path__in=outside).values_list("path", "code"))
    rows = []
    for u in units:
        parent = code_at.get(u.path[:-Organization.steplen], "") if u.depth > 1 else ""
        rows.append([u.code, u.name, u.short_name, u.kind, parent, u.member_count, u.valid_from, u.valid_to])
    return rows


def export_organizations(actor, root: Organization | None = None, fmt: str = "xlsx") -> bytes:
    """The file: ``fmt`` is ``csv`` or ``xlsx``. Admins only inside their subtrees."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    rows = export_rows(export_units(actor, root))
    if fmt == "csv":
        return to_csv(rows)
    return spreadsheets.workbook(
        "organizations", list(COLUMNS),
        [[escape_xlsx(v) if isinstance(v, str) else v for v in row] for row in rows])


def to_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return escape_csv(str(value))


def export_filename(root: Organization | None, fmt: str) -> str:
    from organizations.text import fold

    name = fold(root.code if root else "to-chuc")
    safe = "".join(c if (c.isascii() and c.isalnum()) or c in "-_" else "-" for c in name).strip("-") or "to-chuc"
    return f"don-vi-{safe}.{fmt}"
