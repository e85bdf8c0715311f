"""Both request builders send tools, tool choice, parallel calls, the output format and tool messages; gating and
code samples follow."""

from __future__ import annotations

import json

from playground.chat.state import ChatState
from playground.facts.catalog import GROK_3_MINI
from playground.facts.params import GenerationParams
from playground.facts.providers import MODELSLAB, XAI, ProviderConfig
from playground.snippets.samples import build_samples
from playground.tools.calls import ToolCall
from playground.tools.examples import EXAMPLE_TOOLS, REVIEW
from playground.tools.functions import ToolChoice
from playground.tools.response_format import ANTHROPIC_NO_JSON_MODE, ResponseFormat
from playground.tools.settings import ToolSettings
from playground.tools.wire import assistant_message, tool_message
from playground.wire import anthropic_messages as am
from playground.wire.protocols import build_plan
from playground.wire.request import build_chat_request

KEY = "sk-request-test-0000"
CALL = ToolCall(0, "call_1", "get_weather", '{"city": "Paris"}', {"city": "Paris"})
HISTORY = (
    {"role": "user", "content": "Weather in Paris?"},
    assistant_message("", [CALL]),
    tool_message("call_1", '{"temperature": 21}'),
)
TOOLS = ToolSettings(
    tools=EXAMPLE_TOOLS,
    choice=ToolChoice("function", "get_weather"),
    parallel=False,
    response_format=ResponseFormat("json_schema", "review", REVIEW),
)


def state(protocol: str = "openai", **changes) -> ChatState:
    config = ProviderConfig(XAI if protocol == "openai" else MODELSLAB, "https://example.invalid/v1", KEY)
    base = ChatState(config, GROK_3_MINI, GenerationParams(system="Be brief."), HISTORY, protocol=protocol)
    return base.evolve(**{"tools": TOOLS, **changes})


def test_the_chat_request_carries_tools_format_and_tool_messages() -> None:
    body = build_chat_request(state()).body
    assert [t["function"]["name"] for t in body["tools"]] == ["get_weather", "search_docs", "create_event"]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}
    assert body["parallel_tool_calls"] is False
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "review", "schema": REVIEW, "strict": True},
    }
    assert body["messages"][2]["tool_calls"][0]["id"] == "call_1" and body["messages"][2]["content"] is None
    assert body["messages"][3] == {"role": "tool", "content": '{"temperature": 21}', "tool_call_id": "call_1"}
    plain = build_chat_request(state(tools=ToolSettings())).body
    assert not {"tools", "tool_choice", "parallel_tool_calls", "response_format"} & set(plain)


def test_a_rejected_field_is_left_out_with_its_reason() -> None:
    plan = build_chat_request(state(disabled={"tools"}))
    assert not {"tools", "tool_choice", "parallel_tool_calls"} & set(plan.body) and "response_format" in plan.body
    assert "tools" in plan.omitted
    plan = build_chat_request(state(disabled={"response_format"}))
    assert "response_format" not in plan.body and "tools" in plan.body


def test_the_messages_request_uses_input_schema_and_tool_blocks() -> None:
    plan = am.build_messages_request(state("anthropic"))
    body = plan.body
    assert body["tools"][0] == {
        "name": "get_weather",
        "description": EXAMPLE_TOOLS[0].description,
        "input_schema": EXAMPLE_TOOLS[0].parameters,
    }
    assert body["tool_choice"] == {"type": "tool", "name": "get_weather", "disable_parallel_tool_use": True}
    assert "response_format" not in body and plan.omitted["response_format"] == ANTHROPIC_NO_JSON_MODE
    assert body["system"] == "Be brief."
    assert body["messages"][1]["content"] == [
        {"type": "tool_use", "id": "call_1", "name": "get_weather", "input": {"city": "Paris"}}
    ]
    assert body["messages"][2]["content"] == [
        {"type": "tool_result", "tool_use_id": "call_1", "content": '{"temperature": 21}'}
    ]


def test_code_samples_carry_tools_format_and_tool_messages() -> None:
    for protocol in ("openai", "anthropic"):
        samples = build_samples(state(protocol))
        for name, code in samples.code.items():
            assert "get_weather" in code and "call_1" in code, (protocol, name)
            if protocol == "openai":
                assert "response_format" in code and "tool_call_id" in code, name
            else:
                assert "input_schema" in code and "tool_result" in code, name
            assert KEY not in code
    assert build_plan(state()).body == json.loads(json.dumps(build_plan(state()).body))


def test_exact_token_counting_sends_the_tools() -> None:
    import httpx
    from loopback import LoopbackServer, json_reply

    with LoopbackServer(json_reply(200, {"input_tokens": 321})) as server, httpx.Client() as client:
        config = ProviderConfig(MODELSLAB, server.url, KEY, "x-api-key")  # type: ignore[arg-type]
        chat = ChatState(config, GROK_3_MINI, GenerationParams(), HISTORY, protocol="anthropic", tools=TOOLS)
        assert am.count_tokens(chat, client=client) == 321
        body = server.requests[-1].json()
    assert [t["name"] for t in body["tools"]] == ["get_weather", "search_docs", "create_event"]
    assert body["messages"][2]["content"][0]["type"] == "tool_result"
