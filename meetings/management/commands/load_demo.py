"""``python manage.py load_demo``: the demo from the corpus plus a generated year of reports."""
from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from meetings.demo.loader import DEMO_PASSWORD, DEMO_YEAR, load_demo
from meetings.summaries import summaries_compute
from organizations.actors import as_system, system_actor
from resolutions.models import ProgressSummary


class Command(BaseCommand):
    help = "Load the demo register, the corpus reports and a generated year of cell reports (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even against a production configuration.")
        parser.add_argument("--seed", type=int, default=2019, help="Seed of the generated part (default 2019).")

    @as_system
    def handle(self, *args, force: bool = False, seed: int = 2019, **options) -> None:
        production = not settings.DEBUG and not settings.EMBEDDED
        if production and not force:
            raise CommandError(
                "Refusing to load demo data into a production configuration (DEBUG off, DATABASE_URL set). "
                "Use --force if this really is a demo server."
            )
        started = time.monotonic()
        result, users = load_demo(seed=seed)
        from resolutions.selectors import forget_register_choices

        forget_register_choices()  # parts of the register are bulk-written: no save signal told the dashboards
        if result.total or not ProgressSummary.objects.exists():
            computed = summaries_compute(actor=system_actor(), start=dt.date(DEMO_YEAR, 1, 1), end=dt.date(DEMO_YEAR, 12, 31))
            result.add("progress summaries", computed.rows)
            # The 2025 reorganisation's months, on both sides of its date (meetings.demo.reform2025).
            computed = summaries_compute(actor=system_actor(), start=dt.date(2025, 4, 1), end=dt.date(2025, 9, 30))
            result.add("progress summaries", computed.rows)
        elapsed = time.monotonic() - started
        if result.total:
            summary = ", ".join(f"{n} {name}" for name, n in result.created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo loaded in {elapsed:.1f}s: {summary}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Demo already loaded: nothing to change ({elapsed:.1f}s)."))
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        for username, role, org in users:
            self.stdout.write(f"  {username:<14} {role:<10} {org}")
