"""A CPU reference printed with every benchmark: the same machines run at different speeds.

Seen here: the loop below took 1.0–1.75 s on one 2-core machine within an hour, and the
benchmarks' figures moved with it. Quoting it beside a figure says under which speed it
was taken (lower is faster).
"""
from __future__ import annotations

import time


def reference() -> float:
    """Seconds for 20 million additions in a Python loop."""
    started = time.perf_counter()
    total = 0
    for i in range(20_000_000):
        total += i
    return time.perf_counter() - started
