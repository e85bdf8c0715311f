"""Checks per row: the output equals, contains or matches (regex) an expected column, or is valid JSON.

The regex check runs a pattern from the user's rows on text a model (or a hostile server) wrote, so it uses the
``regex`` package with a time limit: a catastrophic pattern fails its row instead of hanging a worker.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import jsonschema
import regex

CheckKind = Literal["equals", "contains", "regex", "json"]
KINDS: dict[CheckKind, str] = {
    "equals": "Equals the expected column",
    "contains": "Contains the expected column",
    "regex": "Matches the expected column as a regex",
    "json": "Is valid JSON (for the schema, when given)",
}
MAX_PATTERN = 1_000  # characters of a regular expression
REGEX_SECONDS = 1.0  # the longest one pattern may run on one output
_FENCE = re.compile(r"^\s*```[\w-]*\n(.*?)\n```\s*$", re.DOTALL)


class CheckError(ValueError):
    """The check cannot run on this test set (message is safe to show)."""


@dataclass(frozen=True, slots=True)
class Check:
    """One check for every row: ``expected`` names the column compared (not used by ``json``)."""

    kind: CheckKind
    expected: str | None = None
    schema: Mapping[str, Any] | None = field(default=None, hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class Verdict:
    """A check's result for one output, and why it failed."""

    passed: bool
    detail: str = ""


def validate(check: Check, columns: list[str]) -> None:
    """Raise ``CheckError`` when the check cannot run: no such column, or a schema that is not one."""
    if check.kind != "json":
        if not check.expected or check.expected not in columns:
            raise CheckError(f"No expected column named {check.expected!r}. Columns: {', '.join(columns)}.")
    elif check.schema is not None:
        try:
            jsonschema.validators.validator_for(check.schema).check_schema(check.schema)
        except jsonschema.SchemaError as exc:
            raise CheckError(f"The JSON schema is not valid: {exc.message}") from None


@lru_cache(maxsize=256)
def _pattern(text: str) -> regex.Pattern[str]:
    return regex.compile(text)


def _json(output: str, schema: Mapping[str, Any] | None) -> Verdict:
    fenced = _FENCE.match(output)
    try:
        value = json.loads(fenced.group(1) if fenced else output)
    except (ValueError, RecursionError) as exc:
        return Verdict(False, f"not valid JSON: {str(exc)[:120]}")
    if schema is not None:
        from playground.tools.timed_validator import timed_validator  # patterns under a time limit

        error = jsonschema.exceptions.best_match(timed_validator(schema).iter_errors(value))
        if error is not None:
            return Verdict(False, f"does not fit the schema: {error.message[:160]}")
    return Verdict(True)


def run(check: Check, output: str, row: Mapping[str, str]) -> Verdict:
    """Grade ``output`` for ``row``; equals and contains ignore surrounding whitespace."""
    if check.kind == "json":
        return _json(output, check.schema)
    expected = str(row.get(check.expected or "", ""))
    if check.kind == "equals":
        ok = output.strip() == expected.strip()
        return Verdict(ok, "" if ok else "differs from the expected value")
    if check.kind == "contains":
        ok = expected.strip() in output
        return Verdict(ok, "" if ok else "does not contain the expected value")
    return _regex(expected, output)


def _regex(pattern: str, output: str) -> Verdict:
    """Search ``output`` for ``pattern`` within ``REGEX_SECONDS`` (the GIL released while it runs)."""
    if len(pattern) > MAX_PATTERN:
        return Verdict(False, f"the pattern is longer than {MAX_PATTERN} characters")
    try:
        compiled = _pattern(pattern)
    except (regex.error, RecursionError, OverflowError) as exc:
        return Verdict(False, f"not a valid regex: {exc}")
    try:
        ok = compiled.search(output, timeout=REGEX_SECONDS, concurrent=True) is not None
    except TimeoutError:
        return Verdict(False, f"the pattern took longer than {REGEX_SECONDS:g} s on this output")
    return Verdict(ok, "" if ok else "does not match the pattern")
