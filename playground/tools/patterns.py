"""Regular expressions over text a model (or a hostile server, or a user's prompt) wrote, under a time limit.

A JSON-schema ``pattern`` runs on model output; on Python's ``re`` a pattern like ``^(a+)+$`` backtracks for
seconds to hours while holding the GIL, and every session of the process stalls with it. Every such match runs
on the ``regex`` package instead, with ``concurrent=True`` (the GIL is released while it matches) and a timeout
(``PLAYGROUND_PATTERN_SECONDS``, 0.25 s by default); a match that runs out of time gives a clear verdict instead.
"""

from __future__ import annotations

import os

import regex

SECONDS_VARIABLE = "PLAYGROUND_PATTERN_SECONDS"
DEFAULT_SECONDS = 0.25


class PatternError(ValueError):
    """A pattern the ``regex`` package cannot compile."""


def seconds() -> float:
    """The time limit for one match, from the environment (default 0.25 s)."""
    try:
        value = float(os.environ.get(SECONDS_VARIABLE, ""))
    except ValueError:
        return DEFAULT_SECONDS
    return value if 0 < value < 3600 else DEFAULT_SECONDS


def compiled(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """``pattern`` compiled (the regex package keeps its own cache; ``PatternError`` when it is not valid)."""
    try:
        return regex.compile(pattern, flags)
    except (regex.error, RecursionError, OverflowError, ValueError) as exc:
        raise PatternError(str(exc)) from None


def search(pattern: str | regex.Pattern[str], text: str, flags: int = 0) -> regex.Match[str] | None | bool:
    """The first match of ``pattern`` in ``text``; None when there is none; False when the time ran out."""
    compiled_pattern = compiled(pattern, flags) if isinstance(pattern, str) else pattern
    try:
        return compiled_pattern.search(text, timeout=seconds(), concurrent=True)
    except TimeoutError:
        return False


def find(pattern: str | regex.Pattern[str], text: str, flags: int = 0) -> regex.Match[str] | None:
    """The first match, or None (no match, or the time ran out): for heuristics where a miss is harmless."""
    got = search(pattern, text, flags)
    return got or None


def timed_out(pattern: str) -> str:
    """The verdict when a pattern ran out of time on a value."""
    return (
        f"the value could not be checked against the pattern {pattern[:60]!r} within {seconds():g} s "
        "(the pattern backtracks too much for this value), so it is not accepted"
    )
