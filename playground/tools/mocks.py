"""Mock tool results: a saved template per tool, filled with the call's arguments by plain substitution.

``{{city}}`` is replaced by the argument ``city``; ``{{place.city}}`` reaches into nested objects. Nothing is
evaluated: a placeholder is a name, never an expression. In a JSON template (one that starts with ``{`` or ``[``)
string values are escaped for a JSON string, so a quote in an argument cannot break the result's JSON.
Unknown names are left as written so the user sees them.

A template is short (``MAX_TEMPLATE_CHARS``) and what it renders is bounded by the reply-size limit
(``PLAYGROUND_MAX_REPLY_CHARS``): a placeholder repeated a thousand times over a 50 KB argument stops at the limit,
with a note saying so, instead of building 50 MB in memory.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from playground.wire import limits

MAX_TEMPLATE_CHARS = 20_000
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\s*\}\}")
_MISSING = object()


def _lookup(arguments: Any, dotted: str) -> Any:
    value = arguments
    for part in dotted.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def _text(value: Any, in_json: bool) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)[1:-1] if in_json else value
    return json.dumps(value, ensure_ascii=False)


def template_problem(template: str) -> str | None:
    """Why ``template`` cannot be saved as a mock (too long), or None."""
    if len(template) > MAX_TEMPLATE_CHARS:
        return (
            f"A mock template can be at most {MAX_TEMPLATE_CHARS:,} characters (this one has {len(template):,})."
        )
    return None


def _cut_note(limit: int) -> str:
    return f"\n[mock result cut at {limit:,} characters: this deployment's limit for one reply]"


def render_mock(template: str, arguments: Any, *, limit: int | None = None) -> str:
    """``template`` with each ``{{name}}`` replaced by that argument of the call, at most ``limit`` characters
    (default: the reply-size limit); a longer result stops there with a note. Only the first
    ``MAX_TEMPLATE_CHARS`` of a template are used."""
    limit = limit or limits.current().reply_chars
    template = template[:MAX_TEMPLATE_CHARS]
    in_json = template.lstrip()[:1] in ("{", "[")
    pieces: list[str] = []
    size, last = 0, 0
    for match in PLACEHOLDER.finditer(template):
        value = _lookup(arguments, match.group(1))
        text = match.group(0) if value is _MISSING else _text(value, in_json)
        for piece in (template[last : match.start()], text):
            if size + len(piece) > limit:
                pieces.append(piece[: limit - size])
                return "".join(pieces) + _cut_note(limit)
            pieces.append(piece)
            size += len(piece)
        last = match.end()
    rest = template[last:]
    if size + len(rest) > limit:
        return "".join(pieces) + rest[: limit - size] + _cut_note(limit)
    return "".join(pieces) + rest


def placeholders(template: str) -> list[str]:
    """The argument names a template uses, in order, without repeats."""
    return list(dict.fromkeys(m.group(1) for m in PLACEHOLDER.finditer(template)))
