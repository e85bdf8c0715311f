"""A deterministic value for a JSON Schema, taking values from a prompt where they appear (the offline engine's).

Handles types (a list of types picks the first that is not null), ``enum``/``const``, numeric bounds (inclusive
and exclusive), string lengths and common formats, arrays with ``minItems``/``maxItems``, nested objects,
``required``, ``additionalProperties: false`` (only declared properties are produced), local ``$ref``,
``anyOf``/``oneOf`` (first branch) and ``allOf`` (merged). ``pattern`` and ``multipleOf`` are not solved.
"""

from __future__ import annotations

import math
import re
from typing import Any

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
_PLACE = re.compile(r"\b(?:in|for|at|to)\s+([A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)*)")
_QUOTED = re.compile(r"[\"“']([^\"”']{1,200})[\"”']")
_ABOUT = re.compile(r"\b(?:for|about|called|titled|named)\s+(.+?)\s*(?:[.?!,;]|\s(?:on|with|at|in)\s|$)", re.I)
_WITH = re.compile(r"\bwith\s+([A-Z][\w'-]*(?:\s*(?:,|and)\s*[A-Z][\w'-]*)*)")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


class _Generator:
    def __init__(self, root: Any, text: str) -> None:
        self.root, self.text = root, text

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
        if node is True or not isinstance(node, dict):
            return self.string({}, name)
        node = self.resolve(node)
        if "allOf" in node:
            node = _merge([node, *[self.resolve(s) for s in node["allOf"] if isinstance(s, dict)]])
        for key in ("anyOf", "oneOf"):
            if node.get(key):
                return self.value({**node, key: None, **node[key][0]}, name, depth)
        if "const" in node:
            return node["const"]
        if node.get("enum"):
            return self.enum(node["enum"])
        kind = _kind(node)
        if depth > MAX_DEPTH:
            return {} if kind == "object" else [] if kind == "array" else None
        if kind == "object":
            return self.object(node, depth)
        if kind == "array":
            return self.array(node, name, depth)
        if kind in ("integer", "number"):
            return self.number(node, name, kind == "integer")
        if kind == "boolean":
            found = named_value(self.text, name)
            return found is not None and found.lower() in ("true", "yes", "on")
        if kind == "null":
            return None
        return self.string(node, name)

    def enum(self, options: list[Any]) -> Any:
        hit = self.enum_hit(options)
        return options[0] if hit is None else hit

    def enum_hit(self, options: list[Any]) -> Any:
        """The first option written in the prompt, or None."""
        lowered = self.text.lower()
        for option in options:
            if isinstance(option, str) and re.search(rf"\b{re.escape(option.lower())}\b", lowered):
                return option
        return None

    def object(self, node: dict[str, Any], depth: int) -> dict[str, Any]:
        props = node.get("properties") if isinstance(node.get("properties"), dict) else {}
        required = [r for r in node.get("required", []) if isinstance(r, str)]
        out: dict[str, Any] = {}
        for key, sub in props.items():
            if key in required or self.mentions(key, sub):
                out[key] = self.value(sub, key, depth + 1)
        for key in required:  # required but not declared: any value (additionalProperties may allow it)
            if key not in out:
                out[key] = self.value(node.get("additionalProperties", {}), key, depth + 1)
        for key, sub in props.items():
            if len(out) >= node.get("minProperties", 0):
                break
            out.setdefault(key, self.value(sub, key, depth + 1))
        return out

    def mentions(self, key: str, sub: Any) -> bool:
        """Whether an optional property's value appears in the prompt (then it is filled in)."""
        if named_value(self.text, key) is not None:
            return True
        if not isinstance(sub, dict):
            return False
        if _kind(self.resolve(sub)) in ("integer", "number") and number_near(self.text, key) is not None:
            return True
        options = sub.get("enum")
        return bool(options) and self.enum_hit(options) is not None

    def array(self, node: dict[str, Any], name: str, depth: int) -> list[Any]:
        low = max(int(node.get("minItems", 0)), 1)
        high = node.get("maxItems")
        count = min(low, high) if isinstance(high, int) else low
        item = node.get("items", {})
        found = people(self.text) if name.lower() in PEOPLE_WORDS else []
        if found and isinstance(item, dict) and _kind(self.resolve(item)) == "string":
            values = found[: high if isinstance(high, int) else None]
            if len(values) >= count:
                return values
        singular = name[:-1] if name.endswith("s") else name
        return [self.value(item, f"{singular} {i + 1}".strip(), depth + 1) for i in range(count)]

    def number(self, node: dict[str, Any], name: str, integer: bool) -> int | float:
        low, high = _bounds(node, integer)
        value = number_near(self.text, name)
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
        low, high = int(node.get("minLength", 0)), node.get("maxLength")
        if len(value) < low:
            value += "x" * (low - len(value))
        return value[:high] if isinstance(high, int) else value

    def found_string(self, node: dict[str, Any], name: str) -> str | None:
        found = named_value(self.text, name)
        if found is not None:
            return found
        lowered = name.lower()
        if node.get("format") == "date":
            match = _ISO_DATE.search(self.text)
            return match.group(0) if match else None
        if any(w in lowered for w in PLACE_WORDS):
            match = _PLACE.search(self.text)
            return match.group(1) if match else None
        if lowered in QUERY_WORDS or any(lowered.endswith(w) for w in ("query", "question", "title")):
            match = _QUOTED.search(self.text) or _ABOUT.search(self.text)
            return match.group(1).strip() if match else " ".join(self.text.split())[:100] or None
        return None


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


def named_value(text: str, name: str) -> str | None:
    """The value written as ``name: value``, ``name = value`` or ``name is value`` in the prompt."""
    if not name:
        return None
    words = r"[\s_-]*".join(re.escape(p) for p in re.split(r"[\s_-]+", name) if p)
    match = re.search(rf'(?i)\b{words}\s*(?:[:=]|\bis\b)\s*(?:"([^"]*)"|([^\s,;!?]+(?:\.\d+)?))', text)
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
        match = re.search(rf"(-?\d+(?:\.\d+)?)\s*{re.escape(stem)}", text, re.I)
        if match:
            return float(match.group(1))
    return None


def people(text: str) -> list[str]:
    """Capitalised names after "with" (``with Alice and Bob`` gives Alice and Bob)."""
    match = _WITH.search(text)
    return re.findall(r"[A-Z][\w'-]*", match.group(1)) if match else []


def instance(schema: Any, *, text: str = "") -> Any:
    """A value for ``schema``, with values taken from ``text`` where they appear."""
    return _Generator(schema, text).value(schema)
