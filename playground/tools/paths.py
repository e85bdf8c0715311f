"""Problems found in JSON or JSON Schema, located by a JSONPath-like path (``$.properties.city.type``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from playground.text import without_lone_surrogates

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def json_path(parts: Iterable[str | int]) -> str:
    """``$`` followed by ``.key`` for plain keys, ``["odd key"]`` for others and ``[3]`` for list positions."""
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _PLAIN_KEY.match(part):
            out.append(f".{part}")
        else:
            out.append(f"[{json.dumps(part, ensure_ascii=False)}]")
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong and where: ``path`` is a JSONPath-like location, ``message`` a sentence for the user."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def parse_json(text: str, *, what: str = "The text") -> tuple[object, Problem | None]:
    """``(value, None)`` for valid JSON, else ``(None, problem)`` naming the line and column."""
    try:
        return without_lone_surrogates(json.loads(text)), None
    except json.JSONDecodeError as exc:
        return None, Problem("$", f"{what} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).")
    except (TypeError, RecursionError):
        return None, Problem("$", f"{what} is not valid JSON.")
