"""Starting examples: three function definitions with mock results, and three response schemas."""

from __future__ import annotations

from typing import Any

from playground.tools.functions import ToolSpec

GET_WEATHER = ToolSpec(
    "get_weather",
    "Current weather for a city.",
    {
        "type": "object",
        "properties": {
            "city": {"type": "string", "description": "City name, e.g. Paris"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        },
        "required": ["city"],
        "additionalProperties": False,
    },
)
SEARCH_DOCS = ToolSpec(
    "search_docs",
    "Search the product documentation and return the best matching passages.",
    {
        "type": "object",
        "properties": {
            "query": {"type": "string", "minLength": 1},
            "max_results": {"type": "integer", "minimum": 1, "maximum": 10},
        },
        "required": ["query"],
        "additionalProperties": False,
    },
)
CREATE_EVENT = ToolSpec(
    "create_event",
    "Create a calendar event or meeting.",
    {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "date": {"type": "string", "format": "date"},
            "duration_minutes": {"type": "integer", "minimum": 5, "maximum": 480},
            "attendees": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        },
        "required": ["title", "date", "duration_minutes", "attendees"],
        "additionalProperties": False,
    },
)
EXAMPLE_TOOLS: tuple[ToolSpec, ...] = (GET_WEATHER, SEARCH_DOCS, CREATE_EVENT)

EXAMPLE_MOCKS: dict[str, str] = {
    "get_weather": '{"city": "{{city}}", "temperature": 21, "unit": "celsius", "conditions": "sunny"}',
    "search_docs": '{"query": "{{query}}", "results": [{"title": "Getting started", "url": "https://docs.example.com/start"}]}',
    "create_event": '{"created": true, "title": "{{title}}", "date": "{{date}}"}',
}

EXTRACTION: dict[str, Any] = {
    "type": "object",
    "properties": {
        "people": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "role": {"type": "string"}},
                "required": ["name", "role"],
                "additionalProperties": False,
            },
        },
        "places": {"type": "array", "items": {"type": "string"}},
        "dates": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["people", "places", "dates"],
    "additionalProperties": False,
}
CLASSIFICATION: dict[str, Any] = {
    "type": "object",
    "properties": {
        "label": {"type": "string", "enum": ["question", "complaint", "praise", "other"]},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "reason": {"type": "string"},
    },
    "required": ["label", "confidence", "reason"],
    "additionalProperties": False,
}
REVIEW: dict[str, Any] = {
    "type": "object",
    "properties": {
        "rating": {"type": "integer", "minimum": 1, "maximum": 5},
        "summary": {"type": "string", "maxLength": 200},
        "pros": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "cons": {"type": "array", "items": {"type": "string"}},
        "recommend": {"type": "boolean"},
    },
    "required": ["rating", "summary", "pros", "cons", "recommend"],
    "additionalProperties": False,
}
STARTING_SCHEMAS: dict[str, dict[str, Any]] = {
    "extraction": EXTRACTION,
    "classification": CLASSIFICATION,
    "review": REVIEW,
}
