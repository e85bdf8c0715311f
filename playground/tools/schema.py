"""JSON Schema checks: a schema's own validity (as the user types) and a value's validity against a schema."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from playground.tools.fastcheck import Check, compile_schema
from playground.tools.paths import Problem, json_path, parse_json

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

# jsonschema (about 50 ms to import) is imported on first use: a page that never checks a schema never pays it.


def check_schema(schema: Any, *, what: str = "The schema") -> Problem | None:
    """``None`` for a valid JSON Schema (draft 2020-12) object, else the first problem and its path.

    Checked once per schema as written (the metaschema check costs milliseconds; the offline engine met the same
    judge schema three times in every judge request)."""
    if not isinstance(schema, dict):
        return Problem("$", f"{what} must be a JSON object.")
    try:
        key = json.dumps(schema)  # key order kept: the first problem follows the schema's order
    except (TypeError, ValueError, RecursionError):
        return _check(schema, what)
    return _checked(key, what)


@lru_cache(maxsize=256)
def _checked(key: str, what: str) -> Problem | None:
    return _check(json.loads(key), what)


def _check(schema: dict[str, Any], what: str) -> Problem | None:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return Problem(json_path(exc.absolute_path), exc.message)
    except RecursionError:
        return Problem("$", f"{what} is nested too deeply.")
    return None


def parse_schema(text: str, *, what: str = "The schema") -> tuple[dict[str, Any] | None, Problem | None]:
    """The schema typed in an editor, or the problem with it (bad JSON with line and column, or a bad schema)."""
    value, problem = parse_json(text, what=what)
    if problem is None:
        problem = check_schema(value, what=what)
    return (value, None) if problem is None else (None, problem)  # type: ignore[return-value]


@lru_cache(maxsize=64)
def _compiled(key: str) -> tuple[Check | None, Draft202012Validator | None]:
    schema = json.loads(key)
    fast = compile_schema(schema)
    if fast is not None:
        return fast, None
    from playground.tools.timed_validator import timed_validator

    return None, timed_validator(schema)  # patterns under a time limit, as in the compiled checker


def validate(schema: dict[str, Any], value: Any) -> Problem | None:
    """``None`` when ``value`` satisfies ``schema`` (a checked schema), else the first error and its path.

    Schemas in the common subset use the compiled fast checker; any other uses ``jsonschema`` itself.
    """
    fast, full = _compiled(json.dumps(schema))  # key order kept: "first error" follows the schema's order
    if fast is not None:
        failure = fast(value)
        return None if failure is None else Problem(json_path(reversed(failure[0])), failure[1])
    from jsonschema.exceptions import best_match

    error = best_match(full.iter_errors(value))  # type: ignore[union-attr]
    return None if error is None else Problem(json_path(error.absolute_path), error.message)
