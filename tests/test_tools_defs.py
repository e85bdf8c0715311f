"""Function definitions, tool_choice, response formats, reply checks and mock templates."""

from __future__ import annotations

import json

import pytest

from playground.tools.examples import EXAMPLE_MOCKS, EXAMPLE_TOOLS, STARTING_SCHEMAS
from playground.tools.functions import ToolChoice, parse_tools, tools_json
from playground.tools.mocks import placeholders, render_mock
from playground.tools.response_format import ResponseFormat, check_reply, pretty_json
from playground.tools.schema import check_schema


def test_the_examples_round_trip_through_the_editor_text() -> None:
    tools, problem = parse_tools(tools_json(EXAMPLE_TOOLS))
    assert problem is None and tools == EXAMPLE_TOOLS
    assert [t.name for t in tools] == ["get_weather", "search_docs", "create_event"]
    assert parse_tools("  ") == ((), None)


@pytest.mark.parametrize(
    ("text", "path", "words"),
    [
        ("{", "$", "line 1"),
        ('{"type": "function"}', "$", "list"),
        ('[{"type": "tool", "function": {"name": "a"}}]', "$[0].type", "function"),
        ('[{"type": "function", "function": {"name": "a b"}}]', "$[0].function.name", "letters"),
        ('[{"type": "function", "function": {"name": "a", "params": {}}}]', "$[0].function.params", "Unknown"),
        ('[{"type": "function", "function": {"name": "a"}, "name": "a"}]', "$[0].name", "inside"),
        (
            '[{"type": "function", "function": {"name": "a", "parameters": {"type": "object", '
            '"properties": {"x": {"type": "strng"}}}}}]',
            "$[0].function.parameters.properties.x.type",
            "strng",
        ),
        (
            '[{"type": "function", "function": {"name": "a", "parameters": {"type": "array"}}}]',
            "$[0].function.parameters.type",
            "object",
        ),
        (
            '[{"type": "function", "function": {"name": "a"}}, {"type": "function", "function": {"name": "a"}}]',
            "$[1].function.name",
            "Two tools",
        ),
    ],
)
def test_bad_tools_are_reported_at_their_path(text: str, path: str, words: str) -> None:
    tools, problem = parse_tools(text)
    assert tools == () and problem is not None
    assert problem.path == path and words in problem.message


def test_tool_choice_maps_to_both_protocols() -> None:
    assert ToolChoice("auto").openai() == "auto"
    assert ToolChoice("function", "get_weather").openai() == {
        "type": "function",
        "function": {"name": "get_weather"},
    }
    assert ToolChoice("required").anthropic() == {"type": "any"}
    assert ToolChoice("function", "x").anthropic(parallel=False) == {
        "type": "tool",
        "name": "x",
        "disable_parallel_tool_use": True,
    }
    assert ToolChoice("none").anthropic(parallel=False) == {"type": "none"}
    assert ToolChoice("function", "nope").problem(EXAMPLE_TOOLS) is not None
    assert ToolChoice("required").problem(()) is not None
    assert ToolChoice("function", "search_docs").problem(EXAMPLE_TOOLS) is None


def test_response_formats_on_the_wire_and_their_problems() -> None:
    assert ResponseFormat().openai() is None
    assert ResponseFormat("json_object").openai() == {"type": "json_object"}
    fmt = ResponseFormat("json_schema", "review", STARTING_SCHEMAS["review"], strict=True)
    assert fmt.openai() == {
        "type": "json_schema",
        "json_schema": {"name": "review", "schema": STARTING_SCHEMAS["review"], "strict": True},
    }
    assert fmt.problem() is None
    bad = ResponseFormat("json_schema", "review", {"type": "object", "properties": {"a": {"minimum": "x"}}})
    assert bad.problem() is not None and bad.problem().path == "$.properties.a.minimum"
    assert ResponseFormat("json_schema", "bad name", {}).problem().path == "$.name"


@pytest.mark.parametrize("name", sorted(STARTING_SCHEMAS))
def test_starting_schemas_are_valid(name: str) -> None:
    assert check_schema(STARTING_SCHEMAS[name]) is None


def test_a_reply_is_checked_against_its_format() -> None:
    fmt = ResponseFormat("json_schema", "c", STARTING_SCHEMAS["classification"])
    good = {"label": "praise", "confidence": 0.9, "reason": "kind words"}
    verdict = check_reply(json.dumps(good), fmt)
    assert verdict is not None and verdict.valid and verdict.value == good and verdict.label == "Valid JSON"
    verdict = check_reply(json.dumps({**good, "label": "rant"}), fmt)
    assert verdict is not None and not verdict.valid and verdict.problem.path == "$.label"
    assert verdict.as_dict()["path"] == "$.label"
    fenced = check_reply("```json\n" + json.dumps(good) + "\n```", fmt)
    assert fenced is not None and fenced.valid and fenced.fenced
    assert not check_reply("not json", fmt).valid
    assert not check_reply("[1]", ResponseFormat("json_object")).valid
    assert check_reply("anything", ResponseFormat()) is None
    assert pretty_json({"a": "é"}) == '{\n  "a": "é"\n}'


def test_mocks_fill_in_arguments_by_plain_substitution() -> None:
    args = {"city": 'Pa"ris', "n": 3, "place": {"zip": "75001"}, "list": ["a", "b"]}
    out = render_mock(EXAMPLE_MOCKS["get_weather"], args)
    assert json.loads(out)["city"] == 'Pa"ris'  # escaped for JSON: the quote cannot break it
    assert render_mock("It is {{ city }} ({{n}}, {{place.zip}}, {{list.1}})", args) == 'It is Pa"ris (3, 75001, b)'
    assert render_mock("{{unknown}} and {{__import__('os')}}", args) == "{{unknown}} and {{__import__('os')}}"
    assert placeholders("{{a}} {{b.c}} {{a}}") == ["a", "b.c"]
