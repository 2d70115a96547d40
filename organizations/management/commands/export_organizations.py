"""``python manage.py export_organizations FILE [--root CODE]``: the tree (or a subtree) as a file.

The format follows the file's extension (.csv in the product's dialect, or .xlsx); the file
imports back unchanged with ``import_organizations``. Acts as the system actor (whole tree).
"""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organizations.actors import as_system, system_actor
from organizations.models import Organization
from organizations.services.tree_io import export_organizations
from organizations.services.tree_io.export import export_units


class Command(BaseCommand):
    help = "Export organisations to a .csv or .xlsx file that import_organizations reads back."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Where to write: a .csv or .xlsx file name")
        parser.add_argument("--root", help="Code of the unit whose subtree is exported (default: the whole tree)")

    @as_system
    def handle(self, *args, file: str, root: str | None = None, **options) -> None:
        path = Path(file)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx"):
            raise CommandError("The file name must end in .csv or .xlsx.")
        unit = None
        if root:
            unit = Organization.objects.filter(code=root).first()
            if unit is None:
                raise CommandError(f"No organisation has the code {root!r}.")
        actor = system_actor()
        path.write_bytes(export_organizations(actor, unit, fmt))
        count = len(export_units(actor, unit))
        self.stdout.write(self.style.SUCCESS(f"Exported {count} units to {path}."))
