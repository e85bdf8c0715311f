"""A deterministic value for a JSON Schema, taking values from a prompt where they appear (the offline engine's).

Handles types (a list of types picks the first that is not null), ``enum``/``const``, numeric bounds (inclusive
and exclusive), string lengths and common formats, arrays with ``minItems``/``maxItems``, nested objects,
``required``, ``additionalProperties: false`` (only declared properties are produced), local ``$ref``,
``anyOf``/``oneOf`` (first branch) and ``allOf`` (merged). ``pattern`` and ``multipleOf`` are not solved.

A schema can ask for more than any reply holds (``minLength: 3000000000``, ``minItems: 100000000``, properties
that each refer back to the whole schema), and the engine runs in the app's own process, so what it builds is
bounded: at most ``MAX_NODES`` values and ``MAX_CHARS`` characters of strings (half the reply limit when that is
lower), minimum sizes cut to what is left, a ``$ref`` expanded once on a path (a second visit gives an empty
value). ``notes`` say what was cut. Its own searches of the prompt run on ``playground.tools.patterns``
(time-limited) over the prompt's first ``MAX_PROMPT`` characters.
"""

from __future__ import annotations

import math
import re
import time
from typing import Any

from playground.tools import patterns
from playground.tools.prompt_values import (
    ABOUT_PATTERN,
    ISO_DATE_PATTERN,
    PLACE_PATTERN,
    QUOTED_PATTERN,
    named_value,
    number_near,
    people,
)

FORMATS = {
    "date": "2026-01-01",
    "date-time": "2026-01-01T09:00:00Z",
    "time": "09:00:00",
    "email": "user@example.com",
    "uri": "https://example.com",
    "url": "https://example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
}
PLACE_WORDS = ("city", "location", "place", "country", "town", "region", "destination")
QUERY_WORDS = ("query", "search", "text", "topic", "question", "keywords", "q", "prompt", "title", "subject")
PEOPLE_WORDS = ("attendees", "people", "names", "participants", "guests", "recipients")
MAX_DEPTH = 12
MAX_NODES = 10_000  # values in one generated instance
MAX_CHARS = 100_000  # characters of strings in one generated instance (well within the reply limit)
MAX_PROMPT = 20_000  # characters of the prompt searched for values
SEARCH_SECONDS = 2.0  # all the prompt searches of one instance together; past it, defaults are used


class _Generator:
    def __init__(self, root: Any, text: str, chars: int = MAX_CHARS) -> None:
        self.root, self.text = root, text[:MAX_PROMPT]
        self.nodes, self.chars, self.max_chars = MAX_NODES, chars, chars  # what is left to generate
        self.expanding: list[str] = []  # the $refs being expanded on the current path
        self.notes: list[str] = []
        self.lowered = self.text.lower()
        self.deadline = time.monotonic() + SEARCH_SECONDS

    def searching(self) -> bool:
        """Whether the prompt may still be searched (its searches together have a time limit)."""
        return time.monotonic() < self.deadline

    def named(self, name: str) -> str | None:
        if not self.searching() or not all(p in self.lowered for p in re.split(r"[\s_-]+", name.lower()) if p):
            return None
        return named_value(self.text, name)

    def near(self, name: str) -> float | None:
        return number_near(self.text, name) if self.searching() else None

    def find(self, pattern: str) -> Any:
        return patterns.find(pattern, self.text) if self.searching() else None

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def resolve(self, node: dict[str, Any]) -> Any:
        ref = node.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#"):
            return node
        target: Any = self.root
        for part in [p for p in ref[1:].split("/") if p]:
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(target, dict) else {}
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return merged

    def value(self, node: Any, name: str = "", depth: int = 0) -> Any:
        ref = node.get("$ref") if isinstance(node, dict) else None
        if isinstance(ref, str) and ref in self.expanding:
            self.note("a reference refers back to itself: it was expanded once, then left empty")
            return _empty(_kind(self.resolve(node)))
        if self.nodes <= 0:
            self.note(f"stopped at {MAX_NODES:,} values, the most one reply is built with")
            return None
        self.nodes -= 1
        if isinstance(ref, str):
            self.expanding.append(ref)
            try:
                return self._value(node, name, depth)
            finally:
                self.expanding.pop()
        return self._value(node, name, depth)

    def _value(self, node: Any, name: str, depth: int) -> Any:
        if node is True or not isinstance(node, dict):
            return self.string({}, name)
        node = self.resolve(node)
        if "allOf" in node:
            node = _merge([node, *[self.resolve(s) for s in node["allOf"] if isinstance(s, dict)]])
        for key in ("anyOf", "oneOf"):
            if node.get(key):
                return self._value({**node, key: None, **node[key][0]}, name, depth)
        if "const" in node:
            return node["const"]
        if node.get("enum"):
            return self.enum(node["enum"])
        kind = _kind(node)
        if depth > MAX_DEPTH:
            return _empty(kind)
        if kind == "object":
            return self.object(node, depth)
        if kind == "array":
            return self.array(node, name, depth)
        if kind in ("integer", "number"):
            return self.number(node, name, kind == "integer")
        if kind == "boolean":
            found = self.named(name)
            return found is not None and found.lower() in ("true", "yes", "on")
        if kind == "null":
            return None
        return self.string(node, name)

    def enum(self, options: list[Any]) -> Any:
        hit = self.enum_hit(options)
        return options[0] if hit is None else hit

    def enum_hit(self, options: list[Any]) -> Any:
        """The first option written in the prompt, or None."""
        for option in options[:100]:
            if not isinstance(option, str) or option.lower() not in self.lowered or not self.searching():
                continue
            if patterns.find(rf"\b{re.escape(option.lower()[:200])}\b", self.lowered):
                return option
        return None

    def object(self, node: dict[str, Any], depth: int) -> dict[str, Any]:
        props = node.get("properties") if isinstance(node.get("properties"), dict) else {}
        required = [r for r in node.get("required", []) if isinstance(r, str)]
        out: dict[str, Any] = {}
        for key, sub in props.items():
            if self.nodes <= 0:
                break
            if key in required or self.mentions(key, sub):
                out[key] = self.value(sub, key, depth + 1)
        for key in required:  # required but not declared: any value (additionalProperties may allow it)
            if key not in out and self.nodes > 0:
                out[key] = self.value(node.get("additionalProperties", {}), key, depth + 1)
        for key, sub in props.items():
            if len(out) >= _size(node.get("minProperties")) or self.nodes <= 0:
                break
            out.setdefault(key, self.value(sub, key, depth + 1))
        return out

    def mentions(self, key: str, sub: Any) -> bool:
        """Whether an optional property's value appears in the prompt (then it is filled in)."""
        if self.named(key) is not None:
            return True
        if not isinstance(sub, dict):
            return False
        if _kind(self.resolve(sub)) in ("integer", "number") and self.near(key) is not None:
            return True
        options = sub.get("enum")
        return bool(options) and isinstance(options, list) and self.enum_hit(options) is not None

    def array(self, node: dict[str, Any], name: str, depth: int) -> list[Any]:
        low = max(_size(node.get("minItems")), 1)
        high = node.get("maxItems")
        count = min(low, high) if isinstance(high, int) else low
        if count > self.nodes:
            self.note(f"minItems {count:,} cut to {max(self.nodes, 0):,} items")
            count = max(self.nodes, 0)
        item = node.get("items", {})
        found = people(self.text) if name.lower() in PEOPLE_WORDS and self.searching() else []
        if found and isinstance(item, dict) and _kind(self.resolve(item)) == "string":
            values = found[: high if isinstance(high, int) else None]
            if len(values) >= count:
                return values
        singular = name[:-1] if name.endswith("s") else name
        return [self.value(item, f"{singular} {i + 1}".strip(), depth + 1) for i in range(count)]

    def number(self, node: dict[str, Any], name: str, integer: bool) -> int | float:
        low, high = _bounds(node, integer)
        value = self.near(name)
        if value is None:
            value = low if low is not None else min(0, high) if high is not None else 0
        value = round(value) if integer else value
        if low is not None:
            value = max(value, low)
        if high is not None:
            value = min(value, high)
        return int(value) if integer else value

    def string(self, node: dict[str, Any], name: str) -> str:
        value = (
            self.found_string(node, name) or FORMATS.get(str(node.get("format")), "") or f"example {name}".strip()
        )
        low, high = _size(node.get("minLength")), node.get("maxLength")
        if low and low > self.chars:
            self.note(f"minLength {low:,} cut to {max(self.chars, 0):,} characters")
            low = max(self.chars, 0)
        if self.chars <= 0:
            self.note(f"stopped at {self.max_chars:,} characters of text, the most one reply is built with")
            value = ""
        if len(value) < low:
            value += "x" * (low - len(value))
        value = value[:high] if isinstance(high, int) else value
        self.chars -= len(value)
        return value

    def found_string(self, node: dict[str, Any], name: str) -> str | None:
        found = self.named(name)
        if found is not None:
            return found
        lowered = name.lower()
        if node.get("format") == "date":
            match = self.find(ISO_DATE_PATTERN)
            return match.group(0) if match else None
        if any(w in lowered for w in PLACE_WORDS):
            match = self.find(PLACE_PATTERN)
            return match.group(1) if match else None
        if lowered in QUERY_WORDS or any(lowered.endswith(w) for w in ("query", "question", "title")):
            match = self.find(QUOTED_PATTERN) or self.find(ABOUT_PATTERN)
            return match.group(1).strip() if match else " ".join(self.text.split())[:100] or None
        return None


def _size(value: Any) -> int:
    """A schema's minimum size as a whole number (anything else is 0)."""
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) and value > 0 else 0


def _empty(kind: str) -> Any:
    return {} if kind == "object" else [] if kind == "array" else "" if kind == "string" else None


def _kind(node: dict[str, Any]) -> str:
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), kind[0] if kind else None)
    if isinstance(kind, str):
        return kind
    return "object" if "properties" in node else "array" if "items" in node else "string"


def _merge(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for n in nodes:
        props = {**out.get("properties", {}), **n.get("properties", {})}
        required = list(dict.fromkeys([*out.get("required", []), *n.get("required", [])]))
        out.update({k: v for k, v in n.items() if k != "allOf"})
        if props:
            out["properties"] = props
        if required:
            out["required"] = required
    return out


def _bounds(node: dict[str, Any], integer: bool) -> tuple[float | None, float | None]:
    low, high = node.get("minimum"), node.get("maximum")
    step = 1 if integer else 0.5
    if isinstance(node.get("exclusiveMinimum"), int | float):
        low = max(low if low is not None else -math.inf, node["exclusiveMinimum"] + step)
    if isinstance(node.get("exclusiveMaximum"), int | float):
        high = min(high if high is not None else math.inf, node["exclusiveMaximum"] - step)
    if integer:
        low = math.ceil(low) if low is not None else None
        high = math.floor(high) if high is not None else None
    return low, high


def instance(schema: Any, *, text: str = "") -> Any:
    """A value for ``schema``, with values taken from ``text`` where they appear."""
    return bounded_instance(schema, text=text)[0]


def bounded_instance(schema: Any, *, text: str = "") -> tuple[Any, list[str]]:
    """A value for ``schema`` and what had to be cut to keep it within the bounds (empty when nothing was)."""
    from playground.wire.limits import current  # the deployment's reply limit (half of it: reasoning comes too)

    generator = _Generator(schema, text, min(MAX_CHARS, current().reply_chars // 2))
    return generator.value(schema), generator.notes
