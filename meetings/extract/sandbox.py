"""Run ``worker.py`` in a child process with a wall-clock timeout, and read its answer.

A plain ``subprocess`` rather than ``multiprocessing``: it needs no importable
``__main__`` (gunicorn, runserver's autoreloader, Celery and pytest all differ there), no
pickling, and the child starts from a clean interpreter holding no copy of the server's
memory, database connections or secrets. The child lowers its own limits before reading
the file (setting them from here would need ``preexec_fn``, unsafe in a threaded server).
"""
from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

WORKER = Path(__file__).with_name("worker.py")


@dataclass
class Refusal(Exception):
    """The worker refused the file, or could not finish it within the limits."""

    code: str
    params: dict = field(default_factory=dict)


def run(kind: str, data: bytes, limits: dict) -> str:
    """The text of ``data`` (a .docx or .pdf), or ``Refusal`` — never a hang or a crash.

    ``-I`` keeps the child isolated (no PYTHON* variables, no user site, no script
    directory on the path); ``-B`` because it may write no files at all.
    """
    command = [sys.executable, "-I", "-B", str(WORKER), kind, json.dumps(limits)]
    started = time.monotonic()
    try:
        # No inherited environment: the process reading a hostile file gets none of the
        # server's secrets (SECRET_KEY, DATABASE_URL, mail passwords), and no working folder
        # of ours to write into.
        child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, close_fds=True, cwd="/",
                                 env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    except OSError as exc:
        log.error("could not start the text extraction process: %s", exc)
        raise Refusal("unavailable") from exc
    try:
        out, _err = child.communicate(data, timeout=limits["timeout"])
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        log.warning("text extraction of a %s killed after %.1f s", kind, time.monotonic() - started)
        raise Refusal("limits") from None
    if child.returncode != 0:
        # Killed by the CPU limit (SIGXCPU), or died when memory ran out mid-answer.
        log.warning("text extraction of a %s ended with status %s after %.1f s", kind, child.returncode,
                    time.monotonic() - started)
        raise Refusal("limits")
    try:
        answer = json.loads(out)
    except ValueError as exc:
        log.warning("text extraction of a %s gave no readable answer", kind)
        raise Refusal("limits") from exc
    peak = answer.pop("peak", 0)
    code = answer.pop("error", None)
    log.log(logging.WARNING if code == "limits" else logging.INFO,
            "text extraction of a %s: %s in %.2f s, peak memory %.0f MB", kind,
            "ran out of memory" if code == "limits" else code or "text", time.monotonic() - started, peak / 2**20,
            extra={"extraction_peak": peak})
    if code is not None:
        raise Refusal(code, answer)
    return answer["text"]
