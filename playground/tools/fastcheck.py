"""A fast JSON Schema checker for the common subset, compiled into plain closures (no code generation, no eval).

``jsonschema`` walks a 1 MB reply in about half a second; structured-output schemas use a small subset of the
language (types, enums, bounds, properties, required, additionalProperties, items, local ``$ref``, ``anyOf``), so
such a schema is compiled once into nested Python closures that check a parsed value in a few milliseconds.
Any keyword outside the subset makes ``compile_schema`` return ``None`` and the caller uses ``jsonschema``.
A failing check returns the path (innermost part first) and a message; success returns ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playground.tools import patterns

Failure = tuple[list[str | int], str]
Check = Callable[[Any], Failure | None]

ANNOTATIONS = frozenset(
    {"title", "description", "default", "examples", "$schema", "$id", "$comment", "deprecated", "readOnly",
     "writeOnly", "$defs", "definitions", "format", "contentMediaType", "contentEncoding"}
)  # fmt: skip
SUPPORTED = frozenset(
    {"type", "enum", "const", "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
     "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "$ref",
     "anyOf", "allOf", "minProperties", "maxProperties"}
)  # fmt: skip


class Unsupported(Exception):
    """The schema uses something this checker does not implement."""


def show(value: Any) -> str:
    """A short rendering of a value for a message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def same(a: Any, b: Any) -> bool:
    """JSON equality: booleans never equal numbers, 1 equals 1.0, containers compare deeply."""
    if type(a) is bool or type(b) is bool:
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _all(checks: list[Check]) -> Check:
    if not checks:
        return lambda v: None
    if len(checks) == 1:
        return checks[0]

    def check(v: Any) -> Failure | None:
        for c in checks:
            failure = c(v)
            if failure is not None:
                return failure
        return None

    return check


PY_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def _type_check(spec: Any) -> Check:
    names = [spec] if isinstance(spec, str) else list(spec)
    if not names or any(n not in PY_TYPES for n in names):
        raise Unsupported("type")
    allowed = frozenset(t for n in names for t in PY_TYPES[n])
    integral_floats = "integer" in names and "number" not in names  # 1.0 is an integer in JSON Schema
    label = names[0] if len(names) == 1 else names

    def check(v: Any) -> Failure | None:
        if type(v) in allowed or (integral_floats and type(v) is float and v.is_integer()):
            return None
        return [], f"{show(v)} is not of type {show(label)}"

    check.simple_types = None if integral_floats else allowed  # type: ignore[attr-defined]
    return check


def _enum_check(options: list[Any]) -> Check:
    if all(type(o) is str for o in options):
        allowed = frozenset(options)
        return lambda v: (
            None if type(v) is str and v in allowed else ([], f"{show(v)} is not one of {show(options)}")
        )
    return lambda v: None if any(same(v, o) for o in options) else ([], f"{show(v)} is not one of {show(options)}")


def _number_checks(node: dict[str, Any]) -> list[Check]:
    checks: list[Check] = []
    bounds = [
        ("minimum", lambda v, b: v >= b, "less than the minimum of"),
        ("maximum", lambda v, b: v <= b, "greater than the maximum of"),
        ("exclusiveMinimum", lambda v, b: v > b, "less than or equal to the minimum of"),
        ("exclusiveMaximum", lambda v, b: v < b, "greater than or equal to the maximum of"),
    ]
    for key, ok, words in bounds:
        if key in node:
            bound = node[key]
            if type(bound) not in (int, float):
                raise Unsupported(key)

            def check(v: Any, bound: Any = bound, ok: Any = ok, words: str = words) -> Failure | None:
                if (type(v) is int or type(v) is float) and not ok(v, bound):
                    return [], f"{show(v)} is {words} {bound}"
                return None

            checks.append(check)
    return checks


def _string_checks(node: dict[str, Any]) -> list[Check]:
    checks: list[Check] = []
    low, high = node.get("minLength", 0), node.get("maxLength")
    if low or high is not None:

        def length(v: Any) -> Failure | None:
            if type(v) is str and (len(v) < low or (high is not None and len(v) > high)):
                return [], f"{show(v)} is too {'short' if len(v) < low else 'long'}"
            return None

        checks.append(length)
    if "pattern" in node:
        text = node["pattern"]
        pattern = patterns.compiled(text)  # the regex package, with a time limit and without the GIL

        def matches(v: Any) -> Failure | None:
            if type(v) is not str:
                return None
            got = patterns.search(pattern, v)
            if got is False:
                return [], f"{show(v)}: {patterns.timed_out(text)}"
            return None if got is not None else ([], f"{show(v)} does not match {show(text)}")

        checks.append(matches)
    return checks


def _array_checks(node: dict[str, Any], compile_: Callable[[Any], Check]) -> list[Check]:
    checks: list[Check] = []
    low, high = node.get("minItems", 0), node.get("maxItems")
    if low or high is not None:

        def size(v: Any) -> Failure | None:
            if type(v) is list and (len(v) < low or (high is not None and len(v) > high)):
                return [], f"{show(v)} is too {'short' if len(v) < low else 'long'}"
            return None

        checks.append(size)
    if "items" in node:
        item = compile_(node["items"])
        allowed = getattr(item, "simple_types", None)

        def items(v: Any) -> Failure | None:
            if type(v) is list and allowed is not None:
                for i, x in enumerate(v):
                    if type(x) not in allowed:
                        return [i], f"{show(x)} is not of type {show(node['items']['type'])}"
            elif type(v) is list:
                for i, x in enumerate(v):
                    failure = item(x)
                    if failure is not None:
                        failure[0].append(i)
                        return failure
            return None

        checks.append(items)
    return checks


def _object_checks(node: dict[str, Any], compile_: Callable[[Any], Check]) -> list[Check]:
    required = list(node.get("required", []))
    needed = frozenset(required)
    compiled = [(name, compile_(sub)) for name, sub in node.get("properties", {}).items()]
    simple = [(n, c.simple_types) for n, c in compiled if getattr(c, "simple_types", None) is not None]
    props = [(n, c) for n, c in compiled if getattr(c, "simple_types", None) is None]
    names = frozenset(node.get("properties", {}))
    extra = node.get("additionalProperties", True)
    extra_check = None if isinstance(extra, bool) else compile_(extra)
    low, high = node.get("minProperties", 0), node.get("maxProperties")

    typed = node.get("type") == "object"  # the type check is done here, saving a call per object

    def check(v: Any) -> Failure | None:
        if type(v) is not dict:
            return ([], f"{show(v)} is not of type 'object'") if typed else None
        if needed and not v.keys() >= needed:
            missing = next(name for name in required if name not in v)
            return [], f"{show(missing)} is a required property"
        for name, allowed in simple:
            if name in v and type(v[name]) not in allowed:
                return [name], f"{show(v[name])} is not of type {show(node['properties'][name]['type'])}"
        for name, sub in props:
            if name in v:
                failure = sub(v[name])
                if failure is not None:
                    failure[0].append(name)
                    return failure
        if extra is False:
            unexpected = v.keys() - names
            if unexpected:
                return [], f"Additional properties are not allowed ({show(sorted(unexpected))} unexpected)"
        elif extra_check is not None:
            for key in v.keys() - names:
                failure = extra_check(v[key])
                if failure is not None:
                    failure[0].append(key)
                    return failure
        if len(v) < low or (high is not None and len(v) > high):
            return [], f"The object has {len(v)} properties, outside {low} to {high}"
        return None

    return [check]


OBJECT_KEYS = ("properties", "required", "additionalProperties", "minProperties", "maxProperties")


class _Compiler:
    """Compiles one root schema; local ``$ref`` targets are compiled once and may be recursive."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.refs: dict[str, Check | None] = {}

    def ref(self, target: str) -> Check:
        if target not in self.refs:
            self.refs[target] = None  # being compiled: a recursive use goes through the late-bound cell below
            self.refs[target] = self.compile(self.resolve(target))
        cell = self.refs

        def check(v: Any) -> Failure | None:
            return cell[target](v)  # type: ignore[misc]

        return check

    def resolve(self, target: str) -> Any:
        if target == "#":
            return self.root
        if not target.startswith("#/"):
            raise Unsupported("$ref")
        node = self.root
        for part in target[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                raise Unsupported("$ref")
            node = node[part]
        return node

    def compile(self, node: Any) -> Check:
        if node is True:
            return lambda v: None
        if node is False:
            return lambda v: ([], "No value is allowed here")
        if not isinstance(node, dict) or set(node) - ANNOTATIONS - SUPPORTED:
            raise Unsupported("keyword")
        checks: list[Check] = []
        if "$ref" in node:
            checks.append(self.ref(node["$ref"]))
        if "type" in node and not (node["type"] == "object" and any(k in node for k in OBJECT_KEYS)):
            checks.append(_type_check(node["type"]))
        if "enum" in node:
            checks.append(_enum_check(list(node["enum"])))
        if "const" in node:
            const = node["const"]
            checks.append(lambda v: None if same(v, const) else ([], f"{show(const)} was expected"))
        checks += _number_checks(node) + _string_checks(node) + _array_checks(node, self.compile)
        if any(k in node for k in OBJECT_KEYS):
            checks += _object_checks(node, self.compile)
        if "allOf" in node:
            checks += [self.compile(sub) for sub in node["allOf"]]
        if "anyOf" in node:
            branches = [self.compile(sub) for sub in node["anyOf"]]
            checks.append(
                lambda v: (
                    None
                    if any(b(v) is None for b in branches)
                    else ([], f"{show(v)} is not valid under any of the given schemas")
                )
            )
        return _all(checks)


def compile_schema(schema: Any) -> Check | None:
    """A checker for ``schema`` (already known to be a valid schema), or ``None`` when it is outside the subset."""
    try:
        return _Compiler(schema).compile(schema)
    except (Unsupported, patterns.PatternError, TypeError, ValueError):
        return None
