"""Benchmark of the leaders' dashboards against a running server (gunicorn, production settings).

    # the server, e.g.
    DATABASE_URL=… REDIS_URL=… SECRET_KEY=… DEBUG=false SECURE_SSL_REDIRECT=false \\
        ALLOWED_HOSTS=127.0.0.1 .venv/bin/gunicorn config.wsgi -w 2 -b 127.0.0.1:8001
    # the benchmark (same DATABASE_URL: it reads which pages exist from the database)
    DATABASE_URL=… SECRET_KEY=… .venv/bin/python bench/dashboard.py --url http://127.0.0.1:8001

Signs in (default: the demo superuser ``vanhanh``, who sees the root), then requests every
kind of dashboard page — the root's dashboard for each period kind, its children's, the
matrix, the directive drill-down at the root, at a middle level and at a cell, the unit-level
comparison, an XLSX export — one request at a time (concurrency 1), and a plain page that
renders 100 rows from one query (``/dashboard/_plain/``) as the baseline. Prints p50/p95 per
page and the ratio of each page's p95 to the plain page's p95.

Targets (DESIGN §5, issue 5): p95 ≤ 150 ms and ≤ 3 × the plain page's p95 on the national
dataset (``generate_dataset --scale national`` then ``compute_summaries``). Never run inside
the test suite: speed is measured here, not by timed unit tests.
"""
from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

TARGET_P95_MS = 150.0
TARGET_RATIO = 3.0


class Client:
    """A minimal HTTP/1.1 keep-alive client with its own cookie jar.

    Cookies are sent back whatever their ``Secure`` flag: production settings mark the
    session cookie secure while the benchmark talks plain HTTP to gunicorn on loopback.
    """

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(self, method: str, path: str, body: str | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes, http.client.HTTPResponse]:
        h = {"Host": f"{self.host}:{self.port}", "Accept-Language": "vi"}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        h.update(headers or {})
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=h)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data, response

    def login(self, username: str, password: str, login_path: str) -> None:
        status, _body, _r = self.request("GET", login_path)
        if status != 200 or "csrftoken" not in self.cookies:
            sys.exit(f"GET {login_path} → {status}; is the server up and ALLOWED_HOSTS/SECURE_SSL_REDIRECT set?")
        form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": self.cookies["csrftoken"]})
        status, _body, _r = self.request("POST", login_path, body=form, headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": self.cookies["csrftoken"]})
        if status != 302 or "sessionid" not in self.cookies:
            sys.exit(f"Could not sign in as {username!r} (HTTP {status}).")


def pages(period_key: str | None) -> list[tuple[str, str]]:
    """(name, path) of every kind of dashboard page, picked from the data in the database."""
    import django

    django.setup()
    from django.db.models import Count
    from django.urls import reverse

    from organizations.models import Organization
    from resolutions.models import ProgressSummary

    root = Organization.objects.get_first_root_node()
    if root is None:
        sys.exit("The database has no organisations: load_demo or generate_dataset first.")
    month = {"period_kind": "month"}
    if period_key:
        month["period"] = period_key
    q = "?" + urlencode(month)
    latest = (ProgressSummary.objects.filter(organization=root, period_kind="month")
              .order_by("-period_start").values_list("period_start", flat=True).first())
    if latest is None:
        sys.exit("No summaries at the root: run `manage.py compute_summaries` first.")
    at_root = list(ProgressSummary.objects.filter(organization=root, period_kind="month", period_start=latest)
                   .order_by("-reports").values_list("directive_id", flat=True)[:3])
    children = list(Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1)
                    .annotate(n=Count("summaries")).filter(n__gt=0).order_by("-numchild", "path")[:3])
    d = at_root[0]
    deep = (ProgressSummary.objects.filter(directive_id=d, period_kind="month", period_start=latest,
                                           organization__numchild__gt=0, organization__depth__gte=root.depth + 2)
            .select_related("organization").order_by("organization__depth", "-reports").first())
    cell = (ProgressSummary.objects.filter(directive_id=d, period_kind="month", period_start=latest,
                                           organization__numchild=0, reports__gt=0)
            .select_related("organization").order_by("-organization__depth").first())
    out = [
        ("plain (100 rows, 1 query)", reverse("dashboard-plain")),
        ("dashboard: home (default period)", reverse("dashboard")),
    ]
    for kind in ("month", "quarter", "half", "year", "term"):
        out.append((f"dashboard: root, {kind}", reverse("dashboard-org", args=[root.pk]) + "?" + urlencode({"period_kind": kind})))
    out += [(f"dashboard: child {c.code}", reverse("dashboard-org", args=[c.pk]) + q) for c in children]
    out.append(("matrix: root × directives", reverse("dashboard-matrix", args=[root.pk]) + q))
    if children:
        out.append(("matrix: child × directives", reverse("dashboard-matrix", args=[children[0].pk]) + q))
    out += [(f"directive: root, #{i + 1}", reverse("dashboard-directive", args=[root.pk, did]) + q)
            for i, did in enumerate(at_root)]
    out.append(("directive: root, cells compared", reverse("dashboard-directive", args=[root.pk, d]) + q + "&level=4"))
    if deep:
        out.append((f"directive: {deep.organization.code}", reverse("dashboard-directive", args=[deep.organization_id, d]) + q))
    if cell:
        out.append((f"directive: cell {cell.organization.code}", reverse("dashboard-directive", args=[cell.organization_id, d]) + q))
    out.append(("export: root dashboard XLSX", reverse("dashboard-org", args=[root.pk]) + q + "&export=xlsx"))
    out.append(("export: root units CSV", reverse("dashboard-directive", args=[root.pk, d]) + q + "&export=csv&table=units"))
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8001", help="base URL of the running server")
    parser.add_argument("--username", default="vanhanh", help="a superuser, or staff + leader of the root")
    parser.add_argument("--password", default=os.environ.get("BENCH_PASSWORD", "Demo@2019"))
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--period", help="month key for the drill-down pages (default: the current one)")
    parser.add_argument("--login-path", default="/dang-nhap/")
    args = parser.parse_args()

    targets = pages(args.period)
    client = Client(args.url)
    client.login(args.username, args.password, args.login_path)
    from bench.cpu import reference

    print(f"server {args.url}, {args.requests} requests per page after {args.warmup} warm-up, concurrency 1, "
          f"cpu reference {reference():.2f}s")
    # Round robin: one request to every page, then again, so that whatever else the machine
    # does at some moment weighs on every page alike (the ratio to the plain page stays fair).
    times: dict[str, list[float]] = {name: [] for name, _path in targets}
    sizes: dict[str, int] = {}
    for i in range(args.warmup + args.requests):
        for name, path in targets:
            start = time.perf_counter()
            status, body, _r = client.request("GET", path)
            elapsed = (time.perf_counter() - start) * 1000
            if status != 200:
                sys.exit(f"{name}: GET {path} → HTTP {status}")
            sizes[name] = len(body)
            if i >= args.warmup:
                times[name].append(elapsed)
    results = [(name, statistics.median(times[name]), percentile(times[name], 0.95), sizes[name])
               for name, _path in targets]
    plain_p95 = results[0][2]
    width = max(len(r[0]) for r in results)
    print(f"\n{'page':<{width}}  {'p50 ms':>8}  {'p95 ms':>8}  {'p95/plain':>9}  {'bytes':>8}  ok")
    failures = 0
    for name, p50, p95, size in results:
        ratio = p95 / plain_p95 if plain_p95 else float("nan")
        ok = p95 <= TARGET_P95_MS and (ratio <= TARGET_RATIO or name == results[0][0])
        failures += not ok
        print(f"{name:<{width}}  {p50:8.1f}  {p95:8.1f}  {ratio:9.2f}  {size:8d}  {'yes' if ok else 'NO'}")
    print(f"\ntargets: p95 ≤ {TARGET_P95_MS:.0f} ms and ≤ {TARGET_RATIO:.0f} × the plain page's p95 ({plain_p95:.1f} ms)"
          f" — {'all met' if not failures else f'{failures} page(s) miss them'}")


if __name__ == "__main__":
    main()
