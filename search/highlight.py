"""The passage of a hit that matches the query, cut into plain and marked runs.

The runs are raw text: the template escapes each one and wraps the marked ones in
``<mark>``, so a report containing ``<script>`` is shown as text and no markup is ever
built from user text here. Matching runs on the folded shadow of the text, which has the
same length as its NFC form (``organizations.text.fold``), so positions found in the
shadow are positions in the original.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from organizations.text import fold, nfc

#: Characters of context on each side of the first match in a long text.
CONTEXT = 90
#: Length of the excerpt of a text in which nothing matched (it matched elsewhere: a link).
LEAD = 180


@dataclass(frozen=True)
class Run:
    text: str
    marked: bool = False


def shadow(text: str) -> str:
    """The folded text, one character for one character of the NFC text."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded
    # Rare characters whose decomposition is not one base letter (Hangul, lone marks).
    return "".join((fold(c) or " ")[0] for c in text)


def _pattern(terms: list[str]) -> re.Pattern[str] | None:
    return _compiled(tuple(terms))


@lru_cache(maxsize=64)
def _compiled(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    parts = [r"\s+".join(re.escape(w) for w in term.split()) for term in terms if term.strip()]
    if not parts:
        return None
    return re.compile("|".join(sorted(parts, key=len, reverse=True)))


def mark(text: str, terms: list[str]) -> list[Run]:
    """``text`` whole, with every occurrence of the terms marked."""
    return _runs(nfc(text), terms, 0, None)


def excerpt(text: str, terms: list[str]) -> list[Run]:
    """A window of ``text`` around the first match, the matches marked; the opening lines
    when nothing matches."""
    text = nfc(text)
    pattern = _pattern(terms)
    folded = shadow(text) if pattern else ""
    found = pattern.search(folded) if pattern else None
    if found is None:
        cut = text[:LEAD]
        return [Run(cut + ("…" if len(text) > LEAD else ""))] if cut else []
    start = max(0, found.start() - CONTEXT)
    end = min(len(text), found.end() + CONTEXT * 2)
    if start:  # begin and end on a word
        space = text.find(" ", start, found.start())
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.rfind(" ", found.end(), end)
        end = space if space >= 0 else end
    return _runs(text, terms, start, end, folded)


def _runs(text: str, terms: list[str], start: int, end: int | None, folded: str | None = None) -> list[Run]:
    """``folded``: the shadow of the whole ``text`` when the caller has it (one fold per text)."""
    end = len(text) if end is None else end
    window = text[start:end]
    pattern = _pattern(terms)
    runs: list[Run] = [Run("…")] if start else []
    pos = 0
    if pattern:
        for match in pattern.finditer(folded[start:end] if folded is not None else shadow(window)):
            if match.start() > pos:
                runs.append(Run(window[pos:match.start()]))
            runs.append(Run(window[match.start():match.end()], marked=True))
            pos = match.end()
    if pos < len(window):
        runs.append(Run(window[pos:]))
    if end < len(text):
        runs.append(Run("…"))
    return _joined(runs)


def _joined(runs: list[Run]) -> list[Run]:
    """Marked words separated only by spaces become one mark ("<mark>chỉ đạo sâu sát</mark>")."""
    out: list[Run] = []
    for run in runs:
        if (run.marked and len(out) >= 2 and out[-2].marked and not out[-1].marked
                and out[-1].text.strip() == "" and "\n" not in out[-1].text):
            gap = out.pop()
            out[-1] = Run(out[-1].text + gap.text + run.text, marked=True)
        elif run.marked and out and out[-1].marked:
            out[-1] = Run(out[-1].text + run.text, marked=True)
        else:
            out.append(run)
    return out
