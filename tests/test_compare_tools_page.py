"""AppTest of the compare page's tools and output format per variant: sent per column, shown per column, blocked
while a column's JSON does not parse, started from the playground's, carried back by "Continue with this one"."""

from __future__ import annotations

import json

from apptest_util import run
from loopback import LoopbackServer
from streamlit.testing.v1 import AppTest
from test_compare_page import known, open_compare, send  # noqa: F401 - the fixture is used by name

from components import state as keys
from components.compare import live as compare_live
from playground.tools.examples import EXAMPLE_TOOLS, STARTING_SCHEMAS
from playground.tools.functions import tools_json
from playground.tools.response_format import ResponseFormat
from playground.tools.settings import ToolSettings

SCHEMA = json.dumps(STARTING_SCHEMAS["extraction"])


def give_tools(at: AppTest, column: int) -> None:
    at.text_area(key=f"cmp_{column}_tools").set_value(tools_json(EXAMPLE_TOOLS[:1]))


def test_each_column_sends_its_own_tools_and_format(known: LoopbackServer) -> None:  # noqa: F811
    at = open_compare()
    give_tools(at, 0)
    at.selectbox(key="cmp_1_format").set_value("json_schema")
    at.text_area(key="cmp_1_schema").set_value(SCHEMA)
    send(at, "hello")
    assert not at.exception
    bodies = sorted((r.json() for r in known.requests), key=lambda b: "tools" in b, reverse=True)
    assert [t["function"]["name"] for t in bodies[0]["tools"]] == ["get_weather"]
    assert "response_format" not in bodies[0]
    assert "tools" not in bodies[1]
    assert bodies[1]["response_format"]["json_schema"]["schema"] == json.loads(SCHEMA)
    frame = at.dataframe[0].value
    assert frame["Format"].tolist()[1].startswith("Invalid")  # the loopback answers "echo: hello", not JSON
    assert any("Tools and output format: JSON schema" in p.proto.popover.label for p in at.get("popover"))


def test_offline_columns_show_the_tool_call_and_the_format_verdict() -> None:
    at = open_compare()
    give_tools(at, 0)
    at.selectbox(key="cmp_1_format").set_value("json_schema")
    at.text_area(key="cmp_1_schema").set_value(SCHEMA)
    send(at, "What is the weather in Paris? Extract the people: Ada met Alan.")
    assert not at.exception
    frame = at.dataframe[0].value
    assert frame["Tool calls"].tolist() == ["get_weather", ""]
    assert frame["Format"].tolist() == ["", "Valid JSON"]
    assert any("Asked to call get_weather" in c.value for c in at.caption)
    assert any('"get_weather"' in c.value for c in at.code)


def test_a_column_whose_json_does_not_parse_blocks_sending() -> None:
    at = open_compare()
    at.text_area(key="cmp_prompt").set_value("hi")
    at.text_area(key="cmp_1_tools").set_value("[{not json")
    run(at)
    assert any("The tools cannot be sent" in e.value for e in at.error)
    at.button(key="cmp_send").click()  # never disabled: the click says what stops it (issue 20, step 3)
    run(at)
    assert any(w.value.startswith("Variant 2: The tools cannot be sent") for w in at.warning)
    assert compare_live.RESULT not in at.session_state  # nothing was sent
    at.text_area(key="cmp_1_tools").set_value("")
    run(at)
    assert not at.error


def test_columns_start_from_the_playgrounds_tools_and_continue_carries_them_back() -> None:
    fmt = ResponseFormat("json_schema", "extraction", STARTING_SCHEMAS["extraction"])
    at = open_compare(**{keys.TOOL_SETTINGS: ToolSettings(tools=EXAMPLE_TOOLS[:1], response_format=fmt)})
    assert at.selectbox(key="cmp_0_format").value == "json_schema"
    assert json.loads(at.text_area(key="cmp_1_tools").value)[0]["function"]["name"] == "get_weather"
    at.text_area(key="cmp_1_tools").set_value("")
    at.selectbox(key="cmp_1_format").set_value("json_object")
    send(at, "Extract the people: Ada met Alan.")
    at.button(key="cmp_continue_1").click()
    run(at)
    assert not at.exception
    carried = at.session_state[keys.TOOL_SETTINGS]
    assert carried.tools == () and carried.response_format.kind == "json_object"
    assert at.session_state[keys.TOOL_TEXTS]["tools"] == ""


def test_choosing_json_schema_starts_from_the_extraction_schema() -> None:
    at = open_compare()
    at.selectbox(key="cmp_1_format").set_value("json_schema")
    run(at)
    assert json.loads(at.text_area(key="cmp_1_schema").value) == STARTING_SCHEMAS["extraction"]
    assert not at.error  # the starting schema checks: nothing blocks sending
