"""Mock tool results: a saved template per tool, filled with the call's arguments by plain substitution.

``{{city}}`` is replaced by the argument ``city``; ``{{place.city}}`` reaches into nested objects. Nothing is
evaluated: a placeholder is a name, never an expression. In a JSON template (one that starts with ``{`` or ``[``)
string values are escaped for a JSON string, so a quote in an argument cannot break the result's JSON.
Unknown names are left as written so the user sees them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

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


def render_mock(template: str, arguments: Any) -> str:
    """``template`` with each ``{{name}}`` replaced by that argument of the call."""
    in_json = template.lstrip()[:1] in ("{", "[")

    def replace(match: re.Match[str]) -> str:
        value = _lookup(arguments, match.group(1))
        return match.group(0) if value is _MISSING else _text(value, in_json)

    return PLACEHOLDER.sub(replace, template)


def placeholders(template: str) -> list[str]:
    """The argument names a template uses, in order, without repeats."""
    return list(dict.fromkeys(m.group(1) for m in PLACEHOLDER.finditer(template)))
