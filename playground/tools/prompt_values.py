"""Values written in a prompt (``name: value``, a number before a word, names after "with"), found with the
time-limited searches of ``playground.tools.patterns``: the offline engine's generator fills a schema with them."""

from __future__ import annotations

import re

from playground.tools import patterns

PLACE_PATTERN = r"\b(?:in|for|at|to)\s+([A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)*)"
QUOTED_PATTERN = r"[\"“']([^\"”']{1,200})[\"”']"
ABOUT_PATTERN = r"(?i)\b(?:for|about|called|titled|named)\s+(.+?)\s*(?:[.?!,;]|\s(?:on|with|at|in)\s|$)"
WITH_PATTERN = r"\bwith\s+([A-Z][\w'-]*(?:\s*(?:,|and)\s*[A-Z][\w'-]*)*)"
ISO_DATE_PATTERN = r"\b\d{4}-\d{2}-\d{2}\b"


def named_value(text: str, name: str) -> str | None:
    """The value written as ``name: value``, ``name = value`` or ``name is value`` in the prompt."""
    if not name:
        return None
    words = r"[\s_-]*".join(re.escape(p) for p in re.split(r"[\s_-]+", name) if p)
    match = patterns.find(rf'(?i)\b{words}\s*(?:[:=]|\bis\b)\s*(?:"([^"]*)"|([^\s,;!?]+(?:\.\d+)?))', text)
    if not match:
        return None
    return match.group(1) if match.group(1) is not None else match.group(2).rstrip(".")


def number_near(text: str, name: str) -> float | None:
    """A number given for ``name``: ``name: 5`` or a number before a word of the name (``5 results``)."""
    found = named_value(text, name)
    if found is not None:
        try:
            return float(found)
        except ValueError:
            pass
    for part in re.split(r"[\s_-]+", name.lower()):
        if len(part) < 3 or part in ("max", "min", "num", "number", "count"):
            continue
        stem = part[:-1] if part.endswith("s") else part
        match = patterns.find(rf"(?i)(-?\d+(?:\.\d+)?)\s*{re.escape(stem)}", text)
        if match:
            return float(match.group(1))
    return None


def people(text: str) -> list[str]:
    """Capitalised names after "with" (``with Alice and Bob`` gives Alice and Bob)."""
    match = patterns.find(WITH_PATTERN, text)
    return re.findall(r"[A-Z][\w'-]*", match.group(1)) if match else []
