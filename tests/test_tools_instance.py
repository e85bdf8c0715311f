"""The schema-instance generator: values valid for the schema, taken from the prompt where they appear."""

from __future__ import annotations

from typing import Any

import pytest

from playground.tools.examples import CREATE_EVENT, EXAMPLE_TOOLS, GET_WEATHER, SEARCH_DOCS, STARTING_SCHEMAS
from playground.tools.instance import instance
from playground.tools.schema import validate

SCHEMAS: list[dict[str, Any]] = [
    *STARTING_SCHEMAS.values(),
    *(t.schema for t in EXAMPLE_TOOLS),
    {"type": "integer", "exclusiveMinimum": 3, "exclusiveMaximum": 5},
    {"type": "number", "minimum": -2.5, "maximum": -1},
    {"type": "string", "minLength": 12, "maxLength": 14},
    {"type": "array", "items": {"type": "integer", "minimum": 7}, "minItems": 3, "maxItems": 3},
    {"type": ["null", "boolean"]},
    {"enum": [3, "x"]},
    {"const": {"a": 1}},
    {"anyOf": [{"type": "string", "format": "email"}, {"type": "integer"}]},
    {"allOf": [{"properties": {"a": {"type": "integer"}}, "required": ["a"]}, {"required": ["b"]}]},
    {
        "type": "object",
        "$defs": {
            "node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/node"}, "v": {"type": "string"}}}
        },
        "properties": {
            "root": {"$ref": "#/$defs/node"},
            "deep": {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]},
        },
        "required": ["root", "deep"],
        "additionalProperties": False,
        "minProperties": 2,
    },
]


@pytest.mark.parametrize("schema", SCHEMAS, ids=[str(i) for i in range(len(SCHEMAS))])
@pytest.mark.parametrize("prompt", ["", "rating: 9, label is rant, 40 minutes, with Ann and Bo, in Oslo"])
def test_instances_are_valid_for_their_schema(schema: dict[str, Any], prompt: str) -> None:
    assert validate(schema, instance(schema, text=prompt)) is None


def test_values_come_from_the_prompt_where_they_appear() -> None:
    assert instance(GET_WEATHER.schema, text="What's the weather in New York, in fahrenheit?") == {
        "city": "New York",
        "unit": "fahrenheit",
    }
    assert instance(SEARCH_DOCS.schema, text='Search the docs for "rate limits", 25 results') == {
        "query": "rate limits",
        "max_results": 10,  # 25 asked, clamped to the maximum
    }
    event = instance(
        CREATE_EVENT.schema, text="Set up a 45 minutes meeting called Retro on 2026-05-04 with Ann and Bo"
    )
    assert event == {"title": "Retro", "date": "2026-05-04", "duration_minutes": 45, "attendees": ["Ann", "Bo"]}


def test_typed_defaults_otherwise_and_determinism() -> None:
    value = instance(CREATE_EVENT.schema)
    assert value == {
        "title": "example title",
        "date": "2026-01-01",
        "duration_minutes": 5,
        "attendees": ["example attendee 1"],
    }
    assert instance(CREATE_EVENT.schema) == value
