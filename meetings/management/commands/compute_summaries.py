"""``python manage.py compute_summaries [--period 2019-11|2019-Q4|2019-H2|2019|2016-2020] [--org CODE]``.

Recomputes the progress summaries of every period (of every kind, or ``--kind``) that overlaps
the given period — "2019" recomputes the 12 months, 4 quarters, 2 half-years, the year and
the term containing it — for the whole tree or one organisation's subtree and its ancestors.
Closed periods are left frozen. Prints what it computed and how long it took.
"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from meetings.summaries import summaries_compute
from organizations.actors import as_system, system_actor
from organizations.models import Organization
from resolutions import periods as P


class Command(BaseCommand):
    help = "Recompute progress summaries (set-based SQL) for a period and print what was computed."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", help="2019-11, 2019-Q4, 2019-H2, 2019 or 2016-2020 (default: all data to today)")
        parser.add_argument("--org", help="Organisation code: recompute its subtree and its ancestors only")
        parser.add_argument("--kind", choices=P.KINDS, help="Only summaries of this period kind")

    @as_system
    def handle(self, *args, period=None, org=None, kind=None, **options) -> None:
        organization = None
        if org:
            organization = Organization.objects.filter(code=org).first()
            if organization is None:
                raise CommandError(f"No organisation has the code {org!r}.")
        start = end = None
        if period:
            try:
                span = P.parse_period(period)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            start, end = span.start, span.end
        result = summaries_compute(actor=system_actor(), start=start, end=end, org=organization, period_kind=kind)
        if not result.periods:
            self.stdout.write("Nothing to compute: no reports or assignments yet.")
            return
        for r in result.periods:
            state = " (closed: frozen" + (f", {r.amended} amended after close)" if r.amended else ")") if r.closed else ""
            self.stdout.write(f"  {r.period.kind:<8} {r.period.key:<10} {r.period.start:%d/%m/%Y}–{r.period.end:%d/%m/%Y} "
                              f"{r.rows:>9} rows  {r.seconds:7.3f}s{state}")
        where = f" for {organization} and its ancestors" if organization else ""
        self.stdout.write(self.style.SUCCESS(
            f"Computed {len(result.periods)} periods, {result.rows} summary rows{where} in {result.seconds:.2f}s."))
