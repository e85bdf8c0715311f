"""Wire pieces for both protocols, role-based message conversion, and token estimates of tools and schemas."""

from __future__ import annotations

from playground.money.tokens import count_tokens
from playground.tools.calls import ToolCall
from playground.tools.count import format_tokens, history_tokens, request_extra_tokens, tool_tokens
from playground.tools.examples import EXAMPLE_TOOLS, GET_WEATHER, REVIEW
from playground.tools.functions import ToolChoice
from playground.tools.response_format import ANTHROPIC_NO_JSON_MODE, ResponseFormat
from playground.tools.wire import (
    anthropic_fields,
    anthropic_messages,
    assistant_message,
    openai_fields,
    openai_messages,
    tool_message,
)

CALL_A = ToolCall(0, "call_a", "get_weather", '{"city": "Paris"}', {"city": "Paris"})
CALL_B = ToolCall(1, "call_b", "get_weather", '{"city": "Rome"}', {"city": "Rome"})
HISTORY = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Weather in Paris and Rome?"},
    assistant_message("Checking.", [CALL_A, CALL_B]),
    tool_message("call_a", "sunny"),
    tool_message("call_b", "rain"),
    {"role": "user", "content": "Thanks. And tomorrow?"},
    {"role": "assistant", "content": "Same."},
]


def test_openai_fields_leave_defaults_out() -> None:
    assert openai_fields() == {}
    assert openai_fields(tools=(), tool_choice=ToolChoice("required")) == {}
    body = openai_fields(
        tools=EXAMPLE_TOOLS,
        tool_choice=ToolChoice("function", "get_weather"),
        parallel=False,
        response_format=ResponseFormat("json_schema", "review", REVIEW),
    )
    assert [t["function"]["name"] for t in body["tools"]] == ["get_weather", "search_docs", "create_event"]
    assert body["tools"][0]["type"] == "function" and body["tools"][0]["function"]["parameters"]["required"] == [
        "city"
    ]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}
    assert body["parallel_tool_calls"] is False
    assert body["response_format"]["json_schema"]["schema"] == REVIEW
    assert "tool_choice" not in openai_fields(tools=EXAMPLE_TOOLS, tool_choice=ToolChoice("auto"), parallel=True)


def test_anthropic_fields_send_input_schema_and_refuse_json_mode_with_a_reason() -> None:
    body, omitted = anthropic_fields(
        tools=[GET_WEATHER], tool_choice=ToolChoice("required"), response_format=ResponseFormat("json_object")
    )
    assert body["tools"] == [
        {"name": "get_weather", "description": GET_WEATHER.description, "input_schema": GET_WEATHER.parameters}
    ]
    assert body["tool_choice"] == {"type": "any"}
    assert omitted == {"response_format": ANTHROPIC_NO_JSON_MODE}
    body, omitted = anthropic_fields(tools=[GET_WEATHER], parallel=False)
    assert body["tool_choice"] == {"type": "auto", "disable_parallel_tool_use": True} and omitted == {}


def test_openai_messages_carry_tool_calls_and_tool_results() -> None:
    out = openai_messages("Top.", HISTORY)
    assert out[0] == {"role": "system", "content": "Top."} and out[1] == {"role": "system", "content": "Be brief."}
    assert out[3]["tool_calls"][1] == {
        "id": "call_b",
        "type": "function",
        "function": {"name": "get_weather", "arguments": '{"city": "Rome"}'},
    }
    assert out[4] == {"role": "tool", "tool_call_id": "call_a", "content": "sunny"}
    assert assistant_message("", [CALL_A])["content"] is None
    assert openai_messages("", [{"role": "user", "content": "x"}]) == [{"role": "user", "content": "x"}]


def test_anthropic_messages_use_blocks_and_merge_consecutive_roles() -> None:
    system, out = anthropic_messages("Top.", HISTORY)
    assert system == "Top.\n\nBe brief."
    assert [m["role"] for m in out] == ["user", "assistant", "user", "assistant"]
    assert out[0] == {"role": "user", "content": "Weather in Paris and Rome?"}
    assert out[1]["content"] == [
        {"type": "text", "text": "Checking."},
        {"type": "tool_use", "id": "call_a", "name": "get_weather", "input": {"city": "Paris"}},
        {"type": "tool_use", "id": "call_b", "name": "get_weather", "input": {"city": "Rome"}},
    ]
    assert out[2]["content"] == [
        {"type": "tool_result", "tool_use_id": "call_a", "content": "sunny"},
        {"type": "tool_result", "tool_use_id": "call_b", "content": "rain"},
        {"type": "text", "text": "Thanks. And tomorrow?"},
    ]
    assert out[3] == {"role": "assistant", "content": "Same."}


def test_tools_and_schemas_count_as_input_tokens() -> None:
    assert tool_tokens(()) == 0 and format_tokens(None) == 0 and format_tokens(ResponseFormat()) == 0
    one = tool_tokens([GET_WEATHER])
    assert one > count_tokens(GET_WEATHER.description) and tool_tokens(EXAMPLE_TOOLS) > 2 * one
    schema = format_tokens(ResponseFormat("json_schema", "review", REVIEW))
    assert schema > format_tokens(ResponseFormat("json_object")) > 0
    assert request_extra_tokens(
        tools=[GET_WEATHER], response_format=ResponseFormat("json_schema", "review", REVIEW)
    ) == (one + schema)
    plain = history_tokens([{"role": "assistant", "content": "Checking."}])
    assert history_tokens([HISTORY[2]]) > plain
    _, blocks = anthropic_messages("", HISTORY)
    assert history_tokens(blocks) > history_tokens([{"role": "user", "content": "Thanks. And tomorrow?"}])
