"""``python manage.py find_directives PATH|- [--json] [--org CODE] [--date YYYY-MM-DD]``.

Finds the directive citations of a UTF-8 text and resolves them against the register.
Offsets are code points in the NFC-normalised text (what the database stores), so they
line up with a report body saved from the same input.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from organizations.models import Organization
from organizations.text import clean_input
from resolutions.resolver import Citation, find_directives


class Command(BaseCommand):
    help = "Find directive citations in a text file (or '-' for standard input) and resolve them against the register."
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="UTF-8 text file, or '-' to read standard input.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print a JSON list, one object per citation.")
        parser.add_argument("--org", metavar="CODE", help="Code of the organisation the text comes from (context).")
        parser.add_argument("--date", metavar="YYYY-MM-DD", help="Date of the text (context): it cannot cite later documents.")

    def handle(self, *args, path: str, as_json: bool = False, org: str | None = None, date: str | None = None,
               **options) -> None:
        text = clean_input(self._read(path, options.get("stdin")))
        context_org = self._organization(org)
        context_date = self._date(date)
        citations = find_directives(text, context_org=context_org, context_date=context_date)
        if as_json:
            self._print_json(citations)
        else:
            self._print_table(citations)

    # -- input -------------------------------------------------------------------------

    def _read(self, path: str, stdin) -> str:
        if path == "-":
            stream = stdin or sys.stdin
            data = stream.buffer.read() if hasattr(stream, "buffer") else stream.read()
        else:
            file = Path(path)
            if not file.is_file():
                raise CommandError(f"No such file: {path}")
            data = file.read_bytes()
        if isinstance(data, bytes):
            try:
                return data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise CommandError(f"{path} is not UTF-8 text (byte {exc.start}): convert it first.") from exc
        return data.removeprefix("\ufeff")

    @staticmethod
    def _organization(code: str | None) -> Organization | None:
        if not code:
            return None
        org = Organization.objects.filter(code=code).first()
        if org is None:
            raise CommandError(f"Unknown organisation code: {code}")
        return org

    @staticmethod
    def _date(value: str | None) -> dt.date | None:
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise CommandError(f"Invalid --date {value!r}: use YYYY-MM-DD.") from exc

    # -- output ------------------------------------------------------------------------

    def _print_json(self, citations: list[Citation]) -> None:
        self.stdout.write(json.dumps([c.as_dict() for c in citations], ensure_ascii=False, indent=2))

    def _print_table(self, citations: list[Citation]) -> None:
        if not citations:
            self.stdout.write("No citations found.")
            return
        for c in citations:
            self.stdout.write(f"{c.start:>6}-{c.end:<6} {c.kind or '':<4} {(c.symbol or c.number or ''):<14} "
                              f"{c.text}\n{'':>14}{_status(c)}")
        self.stdout.write(f"{len(citations)} citation(s).")


def _status(c: Citation) -> str:
    """Readable outcome: the directive id, the documents, the candidates, or 'unknown'."""
    if c.directive:
        return f"→ #{c.directive} {c.label[:90]}"
    if c.documents:
        return "→ " + ", ".join(f"#{i}" for i in c.documents)
    if c.candidates:
        return "ambiguous: " + ", ".join(f"#{i}" for i in c.candidates)
    return "unknown (registrable)"
