"""``jsonschema`` validators whose ``pattern``, ``patternProperties`` and ``additionalProperties`` match under the
time limit of ``playground.tools.patterns`` (jsonschema's own keywords call Python's ``re``, which holds the GIL
with no limit)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError

from playground.tools import patterns


def _matches(validator: Any, pattern: str, text: str) -> bool | None:
    """True, False, or None when the time ran out (an invalid pattern never matches)."""
    try:
        got = patterns.search(pattern, text)
    except patterns.PatternError:
        return False
    return None if got is False else got is not None


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    if not validator.is_type(instance, "string"):
        return
    got = _matches(validator, pattern, instance)
    if got is None:
        yield ValidationError(f"{instance[:60]!r}: {patterns.timed_out(pattern)}")
    elif not got:
        yield ValidationError(f"{instance[:60]!r} does not match {pattern!r}")


def _extras(validator: Any, instance: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    properties = schema.get("properties", {})
    regexes = list(schema.get("patternProperties", {}))
    return [k for k in instance if k not in properties and not any(_matches(validator, p, k) for p in regexes)]


def _pattern_properties(
    validator: Any, value: dict[str, Any], instance: Any, schema: dict[str, Any]
) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in value.items():
        for key, item in instance.items():
            if _matches(validator, pattern, key):
                yield from validator.descend(item, subschema, path=key, schema_path=pattern)


def _additional_properties(validator: Any, extra: Any, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    unexpected = _extras(validator, instance, schema)
    if validator.is_type(extra, "object"):
        for key in unexpected:
            yield from validator.descend(instance[key], extra, path=key)
    elif not extra and unexpected:
        yield ValidationError(
            f"Additional properties are not allowed ({', '.join(map(repr, unexpected[:5]))} unexpected)"
        )


def _extended(cls: type) -> type:
    keywords = {"pattern": _pattern, "patternProperties": _pattern_properties}
    keywords["additionalProperties"] = _additional_properties
    return validators.extend(cls, keywords)


TIMED_2020_12 = _extended(Draft202012Validator)  # (this module is imported only where jsonschema is needed)


def timed_validator(schema: Any) -> Any:
    """A validator for ``schema`` (its draft from ``$schema``, 2020-12 by default) with timed patterns."""
    cls = validators.validator_for(schema, default=Draft202012Validator)
    return (TIMED_2020_12 if cls is Draft202012Validator else _extended(cls))(schema)
