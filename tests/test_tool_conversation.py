"""Role-based messages with tool calls and results: the conversation, the reply builder, settings and exports."""

from __future__ import annotations

import json

from playground.chat.conversation import Conversation, Reply
from playground.chat.events import Finish, TextDelta, ToolCallDelta
from playground.chat.export import to_json, to_markdown
from playground.chat.turn import ReplyBuilder
from playground.facts.catalog import GROK_3_MINI
from playground.facts.params import GenerationParams
from playground.money.tokens import MESSAGE_OVERHEAD, count_tokens
from playground.tools.calls import ToolCall
from playground.tools.examples import EXAMPLE_MOCKS, EXAMPLE_TOOLS, REVIEW
from playground.tools.functions import ToolChoice
from playground.tools.response_format import ResponseFormat, check_reply
from playground.tools.settings import ToolSettings, may_continue, mock_answers

REPLY = Reply("m", "offline", {})
PARIS = ToolCall(0, "call_1", "get_weather", '{"city": "Paris"}', {"city": "Paris"})
ROME = ToolCall(1, "call_2", "get_weather", '{"city": "Rome"}', {"city": "Rome"})


def tool_turn() -> Conversation:
    conv = Conversation()
    conv.add_user("Weather in Paris and Rome?")
    conv.add_assistant("", REPLY, (PARIS, ROME))
    return conv


def test_calls_are_answered_one_by_one_and_rounds_are_counted() -> None:
    conv = tool_turn()
    assert [c.id for c in conv.unanswered()] == ["call_1", "call_2"] and conv.rounds_in_turn() == 1
    conv.add_tool_result("call_1", "sunny", "get_weather")
    assert [c.id for c in conv.unanswered()] == ["call_2"]
    conv.add_tool_result("call_2", "rain", "get_weather")
    assert conv.unanswered() == [] and conv.sequence_problem() is None
    history = conv.history()
    assert history[1]["tool_calls"][0]["function"] == {"name": "get_weather", "arguments": '{"city": "Paris"}'}
    assert history[2] == {"role": "tool", "content": "sunny", "tool_call_id": "call_1"}
    conv.add_assistant("", REPLY, (ToolCall(0, "call_3", "search_docs", "{}", {}),))
    assert conv.rounds_in_turn() == 2
    assert conv.messages[1].tokens > MESSAGE_OVERHEAD + count_tokens('{"city": "Paris"}')  # calls count as input


def test_role_based_editing_and_sequence_problems() -> None:
    conv = tool_turn()
    conv.add_user("And tomorrow?")
    assert "no result yet" in conv.sequence_problem()
    conv.delete(2)  # the new question goes: the calls are answered first
    conv.insert(2, "tool", "sunny")
    conv.messages[2].tool_call_id = "call_1"
    conv.insert(3, "tool", "rain")
    conv.messages[3].tool_call_id = "call_2"
    assert conv.sequence_problem() is None
    conv.move(3, -2)  # a result above its call
    assert "must follow" in conv.sequence_problem()
    conv.move(1, 1)
    assert [m.role for m in conv.messages] == ["user", "assistant", "tool", "tool"]
    conv.insert(0, "system", "Be brief.")
    conv.messages[1].edit("Weather in Oslo?")
    assert conv.history()[0] == {"role": "system", "content": "Be brief."}
    assert conv.history()[1]["content"] == "Weather in Oslo?"


def test_the_reply_builder_collects_checked_calls() -> None:
    builder = ReplyBuilder(
        model=GROK_3_MINI, provider_id="offline", params={}, messages=[{"role": "user", "content": "hi"}],
        tools=EXAMPLE_TOOLS, extra_tokens=100,
    )  # fmt: skip
    version = builder.version
    for event in [
        ToolCallDelta(0, "call_1", "get_weather"),
        ToolCallDelta(0, arguments='{"city": '),
        ToolCallDelta(0, arguments='"Paris"}'),
        TextDelta(""),
        Finish("tool_calls"),
    ]:
        builder.feed(event)
    assert builder.version == version + 3 and builder.first_token is not None
    (call,) = builder.tool_calls()
    assert call.valid and call.value == {"city": "Paris"}
    usage = builder.estimated_usage()
    assert usage.prompt_tokens == count_tokens("hi") + MESSAGE_OVERHEAD + 100
    assert usage.completion_tokens >= count_tokens('{"city": "Paris"}')


def test_settings_send_fields_and_mocks_answer_every_call_or_none() -> None:
    settings = ToolSettings(
        tools=EXAMPLE_TOOLS,
        choice=ToolChoice("required"),
        mocks=(("get_weather", EXAMPLE_MOCKS["get_weather"]),),
        answer_with_mocks=True,
        round_limit=2,
    )
    assert settings.problem() is None and settings.openai()["tool_choice"] == "required"
    assert settings.anthropic()[0]["tool_choice"] == {"type": "any"} and settings.extra_tokens() > 100
    answers = mock_answers([PARIS, ROME], settings)
    assert [json.loads(a)["city"] for _, a in answers] == ["Paris", "Rome"]
    search = ToolCall(2, "call_3", "search_docs", "{}", {})
    assert mock_answers([PARIS, search], settings) is None  # no mock for search_docs: the user answers
    assert mock_answers([PARIS], ToolSettings(mocks=settings.mocks)) is None  # the switch is off
    assert may_continue(1, settings) and not may_continue(2, settings)
    bad = ToolSettings(response_format=ResponseFormat("json_schema", "r", {"type": "nope"}))
    assert bad.problem() is not None and bad.problem().path == "$.type"
    assert ToolSettings(tools=EXAMPLE_TOOLS, choice=ToolChoice("function", "nope")).problem() is not None


def test_exports_hold_calls_results_schema_and_validation() -> None:
    conv = tool_turn()
    conv.add_tool_result("call_1", "sunny", "get_weather")
    conv.add_tool_result("call_2", "rain", "get_weather")
    fmt = ResponseFormat("json_schema", "review", REVIEW)
    text = '{"rating": 9}'
    conv.add_assistant(text, REPLY, check=check_reply(text, fmt))
    settings = ToolSettings(tools=EXAMPLE_TOOLS, response_format=fmt)
    params = GenerationParams(system="")
    doc = json.loads(to_json(conv, params=params, model_id="m", provider_id="p", tools=settings))
    assert doc["response_format"]["json_schema"]["schema"] == REVIEW and len(doc["tools"]) == 3
    assert doc["messages"][1]["tool_calls"][1]["id"] == "call_2"
    assert doc["messages"][2] == {"role": "tool", "content": "sunny", "tool_call_id": "call_1"}
    first, last = doc["replies"]
    assert first["tool_calls"][0]["valid"] is True
    assert last["validation"]["valid"] is False and last["validation"]["path"] == "$"
    md = to_markdown(conv, params=params, model_id="m")
    assert "**Tool call** `get_weather` (call_1, valid)" in md and "## Tool result (get_weather)" in md
    assert "_JSON check: Invalid: $:" in md
    plain = json.loads(to_json(conv, params=params, model_id="m", provider_id="p"))
    assert "tools" not in plain
