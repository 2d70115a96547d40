"""Benchmark of the search page (/tim-kiem/) against gunicorn with production settings.

    # once per database: the two accounts the benchmark signs in with
    DATABASE_URL=… DEBUG=true .venv/bin/python bench/search.py --create-users
    # the benchmark: starts gunicorn (2 workers, DEBUG=false, static files collected into a
    # temporary directory) on a free port, or measures a server already running with --url
    DATABASE_URL=… REDIS_URL=… .venv/bin/python bench/search.py [--requests 30] [--url http://…]

Queries: one, two and three words, each typed with and without diacritics (words of the
generated reports' text, so that they match thousands of reports), and document symbols in
three forms ("05-CT/TW", "CT 05", "NQ 54"). Each is asked at the root (a superuser) and in a
province (a user whose only role is at the first province), one request at
a time (concurrency 1), round robin, after a warm-up. Prints p50 / p95 / max per query and
scope, the count the page shows, and whether p95 meets the target; and two baselines that
tell the machine's speed at that moment: the plain 100-row page of ``bench/dashboard.py``
and the search page without a query (the layout, the form, the session, no search).

Target (issue 16): p95 ≤ 100 ms on the national dataset (``generate_dataset --scale
national``). Never run inside the test suite: speed is measured here, not by timed tests.
"""
from __future__ import annotations

import argparse
import html
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from bench.dashboard import Client, percentile  # noqa: E402

TARGET_P95_MS = 100.0
ROOT_USER = "benchmain"
PROVINCE_USER = "benchprovince"
PASSWORD = "Bench-Pass-2026!"

#: (label, query). Words of the generated reports (``generate_dataset``'s sentences).
QUERIES = [
    ("1 word", "Đảng"),  # in every report
    ("1 word, no accents", "dang"),
    ("2 words", "tham nhũng"),  # in ~10 % of them
    ("2 words, no accents", "tham nhung"),
    ("3 words", "chuyển đổi số"),  # in ~4 %
    ("3 words, no accents", "chuyen doi so"),
    ("symbol", "05-CT/TW"),
    ("symbol", "CT 05"),
    ("symbol", "NQ 54"),
]
#: The production settings the server runs with (beside DATABASE_URL and REDIS_URL).
SERVER_ENV = {
    "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false",
}
SEARCH_PATH = "/tim-kiem/"
PLAIN_PATH = "/dashboard/_plain/"  # bench/dashboard.py's baseline: 100 rows from one query
_COUNT = re.compile(r'data-testid="result-count">(.*?)</p>', re.S)


def create_users() -> None:
    """The superuser and a province-level staff account (role granted through the service)."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from organizations.models import RoleKind
    from organizations.services.roles import role_grant

    users = get_user_model()
    root_user = users.objects.filter(username=ROOT_USER).first()
    if root_user is None:
        root_user = users.objects.create_superuser(ROOT_USER, "", PASSWORD)
    province = first_province()
    user = users.objects.filter(username=PROVINCE_USER).first()
    if user is None:
        user = users.objects.create_user(PROVINCE_USER, "", PASSWORD)
    if not user.roles.exists():
        role_grant(actor=root_user, user=user, organization=province, kind=RoleKind.STAFF)
    print(f"{ROOT_USER} (superuser) and {PROVINCE_USER} (staff of {province}) ready.")


def first_province():
    """The first unit below the root (generated provinces all have the same shape)."""
    from organizations.models import Organization

    root = Organization.objects.get_first_root_node()
    if root is None:
        sys.exit("The database has no organisations: generate_dataset first.")
    children = Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1)
    return children.order_by("path").first() or root


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workers: int) -> tuple[subprocess.Popen, str, tempfile.TemporaryDirectory]:
    """gunicorn with production settings on a free port; static files collected beforehand
    (the manifest storage refuses to render a page without them)."""
    static = tempfile.TemporaryDirectory(prefix="bench-static-")
    env = {**os.environ, **SERVER_ENV, "STATIC_ROOT": static.name,
           "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-" + os.urandom(24).hex()}
    python = Path(sys.executable)
    subprocess.run([str(python), "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    gunicorn = python.with_name("gunicorn")
    server = subprocess.Popen([str(gunicorn), "config.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, f"http://127.0.0.1:{port}", static
        except OSError:
            if server.poll() is not None:
                sys.exit("gunicorn exited before it listened")
            time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not start within 60 s")


def shown_count(body: bytes) -> str:
    """The count the page states: a number, or "> 1000" for the capped line."""
    found = _COUNT.search(body.decode("utf-8", "replace"))
    if not found:
        return "?"
    text = html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()
    number = re.match(r"[\d.,]+", text)
    if number:
        return number.group(0)
    over = re.search(r"[\d.,]+", text)
    return f"> {over.group(0)}" if over else text[:20]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="base URL of a running server (default: start gunicorn here)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=30, help="timed requests per query and scope")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--create-users", action="store_true", help="create the two accounts, then stop")
    parser.add_argument("--login-path", default="/dang-nhap/")
    args = parser.parse_args()
    if args.create_users:
        create_users()
        return

    server = static = None
    url = args.url
    if not url:
        server, url, static = start_server(args.workers)
    try:
        run(url, args)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
            static.cleanup()


def run(url: str, args) -> None:
    from bench.cpu import reference


    clients = {}
    for scope, username in (("root", ROOT_USER), ("province", PROVINCE_USER)):
        clients[scope] = Client(url)
        clients[scope].login(username, PASSWORD, args.login_path)
    targets = [("baseline: plain page", "", "root"), ("baseline: search page, no query", "", "root")]
    targets += [(label, q, scope) for label, q in QUERIES for scope in clients]
    print(f"server {url}, {args.requests} requests per query after {args.warmup} warm-up, concurrency 1, "
          f"cpu reference {reference():.2f}s")
    times: dict[tuple, list[float]] = {t: [] for t in targets}
    counts: dict[tuple, str] = {}
    for i in range(args.warmup + args.requests):
        for target in targets:
            _label, q, scope = target
            path = SEARCH_PATH + "?" + urlencode({"q": q}) if q or "search" in _label else PLAIN_PATH
            start = time.perf_counter()
            status, body, _r = clients[scope].request("GET", path)
            elapsed = (time.perf_counter() - start) * 1000
            if status != 200:
                sys.exit(f"GET {path} as {scope} → HTTP {status}")
            counts[target] = shown_count(body)
            if i >= args.warmup:
                times[target].append(elapsed)
    print(f"\n| query | typed | scope | p50 ms | p95 ms | max ms | results shown | p95 ≤ {TARGET_P95_MS:.0f} ms |")
    print("|---|---|---|---|---|---|---|---|")
    failures = 0
    for target in targets:
        label, q, scope = target
        values = times[target]
        p95 = percentile(values, 0.95)
        ok = p95 <= TARGET_P95_MS
        if label.startswith("baseline"):
            print(f"| {label} | | {scope} | {percentile(values, 0.5):.1f} | {p95:.1f} | {max(values):.1f} | | |")
            continue
        failures += not ok
        print(f"| {label} | {q} | {scope} | {percentile(values, 0.5):.1f} | {p95:.1f} | {max(values):.1f} "
              f"| {counts[target]} | {'yes' if ok else 'NO'} |")
    measured = len(targets) - 2
    print(f"\n{measured - failures} of {measured} queries meet p95 ≤ {TARGET_P95_MS:.0f} ms")


if __name__ == "__main__":
    main()
