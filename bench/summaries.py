"""Benchmark of the progress summaries on a generated dataset.

    python manage.py generate_dataset --scale province --seed 1      # or national
    python bench/summaries.py [--period 2019] [--kind year] [--refreshes 20] [--worker]

Prints: the dataset's size, the full recompute of every period overlapping ``--period``
(per period kind and in total), then the incremental refresh of random submitted reports
(the service called directly, and with ``--worker`` through Celery: enqueue on commit →
worker → summary visible at the root, measured from the commit).
Run against PostgreSQL (DATABASE_URL) — never inside the test suite.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

from organizations.actors import system_actor

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--period", default="2019")
    parser.add_argument("--refreshes", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worker", action="store_true", help="also measure submit → root through a running Celery worker")
    parser.add_argument("--skip-full", action="store_true")
    parser.add_argument("--kind", action="append", choices=("month", "quarter", "half", "year", "term"),
                        help="recompute only the periods of this kind (repeatable; default: every kind)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction

    from bench.cpu import bare_rollup, database_reference, reference
    from meetings import summaries as S
    from meetings.models import ImplementationLink, Report
    from organizations.models import Organization
    from resolutions import periods as P
    from resolutions.models import ProgressSummary

    period = P.parse_period(args.period)
    print(f"cpu reference: {reference():.2f}s (20 M additions in Python; lower is faster)")
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    bare = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            print(f"database reference: {database_reference(cur):.2f}s (sum of 10 M integers in PostgreSQL)")
            if not args.skip_full:
                bare_rows, bare = bare_rollup(cur, period.start, period.end)
                print(f"BARE ROLL-UP {period.key}: links counted per directive in every unit and ancestor, "
                      f"{bare_rows:,} rows in {bare:.2f}s (the floor the issue quotes as ~9 s)")
        connection.close()  # a fresh session for the run (see bare_rollup)
    print(f"dataset: {Organization.objects.count():,} organisations, {Report.objects.count():,} reports, "
          f"{ImplementationLink.objects.count():,} links")

    if not args.skip_full:
        result = S.summaries_compute(actor=system_actor(), start=period.start, end=period.end, kinds=args.kind)
        by_kind: dict[str, list] = {}
        for r in result.periods:
            by_kind.setdefault(r.period.kind, []).append(r)
        for kind, rows in by_kind.items():
            print(f"  {kind:<8} {len(rows):>3} periods {sum(r.rows for r in rows):>10,} rows "
                  f"{sum(r.seconds for r in rows):8.2f}s")
        print(f"FULL RECOMPUTE {period.key}: {len(result.periods)} periods, {result.rows:,} rows in {result.seconds:.2f}s")
        for r in result.periods:
            if r.period.kind == P.YEAR:
                ratio = f", {r.seconds / bare:.1f} × the bare roll-up (target ≤ 30 s where that is ~9 s: ≤ 3.3 ×)" if bare else ""
                print(f"YEAR {r.period.key} alone: {r.rows:,} rows in {r.seconds:.2f}s{ratio}")

    rng = random.Random(args.seed)
    ids = list(Report.objects.filter(status__in=S.COUNTED, period_end__range=(period.start, period.end))
               .values_list("id", flat=True)[:20000])
    sample = rng.sample(ids, min(args.refreshes, len(ids)))
    times = []
    for report_id in sample:
        started = time.monotonic()
        S.summaries_refresh_for_report(actor=system_actor(), report_id=report_id)
        times.append(time.monotonic() - started)
    if times:
        print(f"INCREMENTAL refresh (service, 5 period kinds, org + ancestors): n={len(times)} "
              f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
              f"(the first, after the run: {times[0] * 1000:.0f} ms; over 1 s: {sum(t > 1 for t in times)})")

    if args.worker:
        root_latency = []
        for report_id in sample[:10]:
            report = Report.objects.select_related("organization").get(pk=report_id)
            root = Organization.objects.get(path=report.organization.path[:Organization.steplen])
            link = report.links.first()
            month = P.period_of("month", report.period_end)
            before = ProgressSummary.objects.get(organization=root, directive_id=link.directive_id,
                                                 period_kind="month", period_start=month.start).reports
            with transaction.atomic():
                Report.objects.filter(pk=report_id).update(status="returned", review_note="bench")
                S.enqueue_refresh(report)
            started = time.monotonic()
            while time.monotonic() - started < 30:
                now = ProgressSummary.objects.get(organization=root, directive_id=link.directive_id,
                                                  period_kind="month", period_start=month.start).reports
                if now == before - 1:
                    root_latency.append(time.monotonic() - started)
                    break
                time.sleep(0.02)
            with transaction.atomic():  # put it back
                Report.objects.filter(pk=report_id).update(status=report.status, review_note=report.review_note)
                S.enqueue_refresh(report)
            # Wait until it is back before the next report reads its own "before": the refresh
            # recomputes every directive of the ancestors, and a next report citing one of this
            # report's other directives would otherwise read a figure still one short.
            waited = time.monotonic()
            while time.monotonic() - waited < 30 and ProgressSummary.objects.get(
                    organization=root, directive_id=link.directive_id, period_kind="month",
                    period_start=month.start).reports != before:
                time.sleep(0.02)
        if root_latency:
            print(f"SUBMIT → ROOT through Celery: n={len(root_latency)} median {statistics.median(root_latency) * 1000:.0f} ms,"
                  f" max {max(root_latency) * 1000:.0f} ms")
        else:
            print("SUBMIT → ROOT through Celery: no worker answered within 30 s")


if __name__ == "__main__":
    main()
