"""JSON Schema checks: schema problems at their path, reply checks, the fast checker agreeing with jsonschema."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from playground.tools.fastcheck import compile_schema
from playground.tools.paths import json_path
from playground.tools.schema import check_schema, parse_schema, validate

PERSON = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 5},
        "age": {"type": "integer", "minimum": 0, "exclusiveMaximum": 150},
        "kind": {"enum": ["a", "b", 1]},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 2},
        "address": {
            "type": "object",
            "properties": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}},
            "required": ["zip"],
            "additionalProperties": False,
        },
        "score": {"type": ["number", "null"], "maximum": 1},
        "child": {"$ref": "#"},
        "either": {"anyOf": [{"type": "boolean"}, {"const": "yes"}]},
    },
    "required": ["name", "age"],
    "additionalProperties": False,
}


def test_json_path_quotes_odd_keys_and_numbers_positions() -> None:
    assert json_path(["properties", "a b", 3, "x"]) == '$.properties["a b"][3].x'
    assert json_path([]) == "$"


def test_a_bad_schema_is_reported_at_its_path() -> None:
    problem = check_schema({"type": "object", "properties": {"city": {"type": "strin"}}})
    assert problem is not None and problem.path == "$.properties.city.type"
    problem = check_schema({"type": "object", "required": "city"})
    assert problem is not None and problem.path == "$.required"
    assert check_schema([1, 2]) is not None and check_schema(PERSON) is None


def test_parse_schema_names_line_and_column_of_bad_json() -> None:
    schema, problem = parse_schema('{"type": "object",\n  "properties": {')
    assert schema is None and problem is not None and "line 2" in problem.message
    schema, problem = parse_schema('{"type": "object"}')
    assert schema == {"type": "object"} and problem is None


def test_validate_gives_the_first_error_path() -> None:
    assert validate(PERSON, {"name": "Al", "age": 3}) is None
    problem = validate(PERSON, {"name": "Al", "age": 3, "address": {"zip": "123"}})
    assert problem is not None and problem.path == "$.address.zip"
    problem = validate(PERSON, {"name": "Al", "age": 3, "child": {"name": "Bo", "age": -1}})
    assert problem is not None and problem.path == "$.child.age"
    problem = validate(PERSON, {"name": "Al"})
    assert problem is not None and problem.path == "$" and "age" in problem.message


def test_a_schema_outside_the_fast_subset_falls_back_to_jsonschema() -> None:
    schema = {"type": "array", "uniqueItems": True, "items": {"type": "integer"}}
    assert compile_schema(schema) is None
    assert validate(schema, [1, 2]) is None
    problem = validate(schema, [1, 1])
    assert problem is not None and problem.path == "$"
    problem = validate(schema, [1, "x"])
    assert problem is not None and problem.path == "$[1]"


VALUES: list[Any] = [
    None, True, False, 0, 1, 1.0, 1.5, -3, 200, "", "Al", "toolong", "yes", "a", [], ["x"], ["x", "y", "z"], [1],
    {}, {"zip": "12345"}, {"zip": "1234"}, {"zip": "12345", "x": 1},
]  # fmt: skip
FIELDS = ["name", "age", "kind", "tags", "address", "score", "either"]


@pytest.mark.parametrize("field", FIELDS)
def test_the_fast_checker_agrees_with_jsonschema(field: str) -> None:
    """Every value in every field (plus the required ones): same verdict, and the same path for a single error."""
    reference = Draft202012Validator(PERSON)
    fast = compile_schema(PERSON)
    assert fast is not None
    for value, extra in itertools.product(VALUES, [{}, {"unknown": 1}]):
        doc = {"name": "Al", "age": 3, **extra, field: value}
        errors = list(reference.iter_errors(doc))
        failure = fast(doc)
        assert (failure is None) == (not errors), (doc, errors, failure)
        if len(errors) == 1:
            assert json_path(reversed(failure[0])) == json_path(errors[0].absolute_path), doc


def test_integers_floats_and_booleans_follow_json_schema() -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}, "e": {"enum": [1, "x"]}}}
    assert validate(schema, {"n": 2.0}) is None  # 2.0 is an integer in JSON Schema
    assert validate(schema, {"n": True}) is not None
    assert validate(schema, {"e": True}) is not None  # true is not 1
    assert validate(schema, {"e": 1.0}) is None


def test_a_one_megabyte_reply_checks() -> None:
    schema = {"type": "object", "properties": {"rows": {"type": "array", "items": PERSON}}, "required": ["rows"]}
    rows = [{"name": "Al", "age": i % 100, "tags": ["x"]} for i in range(20000)]
    doc = json.loads(json.dumps({"rows": rows}))
    assert validate(schema, doc) is None
    doc["rows"][12345]["tags"] = []
    problem = validate(schema, doc)
    assert problem is not None and problem.path == "$.rows[12345].tags"
