"""Tool settings stored as JSON (presets, saved experiments) and read back, with clear errors for bad parts."""

from __future__ import annotations

import json

import pytest

from playground.tools.examples import EXAMPLE_TOOLS, STARTING_SCHEMAS
from playground.tools.functions import ToolChoice
from playground.tools.response_format import ResponseFormat
from playground.tools.settings import MAX_ROUND_LIMIT, ToolSettings
from playground.tools.stored import StoredToolsError, tools_as_json, tools_from_json


def test_every_part_survives_a_round_trip_through_json() -> None:
    settings = ToolSettings(
        tools=EXAMPLE_TOOLS,
        choice=ToolChoice("function", "get_weather"),
        parallel=False,
        response_format=ResponseFormat("json_schema", "review", STARTING_SCHEMAS["review"], strict=False),
        mocks=(("get_weather", '{"city": "{{city}}"}'),),
        answer_with_mocks=True,
        round_limit=7,
    )
    assert tools_from_json(json.loads(json.dumps(tools_as_json(settings)))) == settings
    assert tools_from_json({}) == ToolSettings()  # nothing stored: the defaults


@pytest.mark.parametrize(
    ("doc", "says"),
    [
        ({"tools": [{"type": "function"}]}, "The stored tools do not check"),
        ({"choice": {"mode": "always"}}, "tool choice 'always'"),
        ({"response_format": {"kind": "yaml"}}, "response format 'yaml'"),
        ({"response_format": {"kind": "json_schema", "schema": {"type": 3}}}, "JSON schema does not check"),
        ({"mocks": ["just one"]}, "mock answers cannot be read"),
    ],
)
def test_a_part_that_does_not_check_is_a_clear_error(doc: dict, says: str) -> None:
    with pytest.raises(StoredToolsError, match=says):
        tools_from_json(doc)


def test_a_round_limit_out_of_range_is_brought_into_it() -> None:
    assert tools_from_json({"round_limit": 10_000}).round_limit == MAX_ROUND_LIMIT
    assert tools_from_json({"round_limit": 0}).round_limit == 1
