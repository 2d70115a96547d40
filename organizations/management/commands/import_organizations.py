"""``python manage.py import_organizations FILE [--dry-run]``: the tree from a CSV or XLSX file.

The operators' tool: it acts as the system actor ("Hệ thống" on the audit trail) over the
whole tree, with the rules an admin's import follows otherwise (every problem of every row
is listed, and a file with any problem changes nothing). Prints the counts of created,
changed, moved, unchanged and rejected rows and each problem (row, column, message); exits
non-zero when the file cannot be read or has any problem.
"""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organizations.actors import as_system, system_actor
from organizations.services.tree_io import (
    ImportFileError,
    ImportRejected,
    PlanChanged,
    apply_import,
    plan_import,
)


class Command(BaseCommand):
    help = "Import organisations (code, name, short_name, kind, parent_code, member_count, valid_from, valid_to)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="A .csv (UTF-8, ';' or ',') or .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="Only say what the file would do")

    @as_system
    def handle(self, *args, file: str, dry_run: bool = False, **options) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        actor = system_actor()
        try:
            plan = plan_import(actor, data=path.read_bytes(), filename=path.name)
        except ImportFileError as problem:
            raise CommandError(problem.message) from None
        if plan.ok and not dry_run:
            try:
                apply_import(actor=actor, plan=plan)
            except (ImportRejected, PlanChanged) as refused:  # the tree changed while planning
                plan = refused.plan
        self.report(plan)
        if not plan.ok:
            raise CommandError(f"{plan.rejected_rows} rows rejected: nothing was changed.")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        else:
            self.stdout.write(self.style.SUCCESS("Imported."))

    def report(self, plan) -> None:
        c = plan.counts()
        self.stdout.write(f"{c['rows']} rows: created {c['created']}, changed {c['changed']}, moved {c['moved']}, "
                          f"unchanged {c['unchanged']}, rejected {c['rejected']}")
        for error in plan.errors:
            self.stdout.write(f"  row {error.row}, {error.column}: {error.message}")
