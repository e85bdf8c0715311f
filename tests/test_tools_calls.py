"""Tool calls from the three wire styles, replayed by real loopback servers through the real clients."""

from __future__ import annotations

import json
from typing import Any

import httpx
from loopback import LoopbackServer, json_reply, sse, sse_reply

from playground.chat.events import ToolCallDelta
from playground.chat.state import ChatState
from playground.facts.catalog import GROK_3_MINI
from playground.facts.params import GenerationParams
from playground.facts.providers import MODELSLAB, XAI, ProviderConfig
from playground.tools.calls import ToolCallAccumulator, calls_from_message
from playground.tools.examples import EXAMPLE_TOOLS
from playground.wire import anthropic_messages as am
from playground.wire.openai_chat import stream_chat
from playground.wire.request import RequestPlan

KEY = "sk-tools-test-1234"
WEATHER = '{"city": "Paris", "unit": "celsius"}'
SEARCH = '{"query": "streaming", "max_results": 3}'
EXPECTED = [("call_a", "get_weather", {"city": "Paris", "unit": "celsius"}), ("call_b", "search_docs", None)]


def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "c",
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def openai_calls(chunks: list[bytes]) -> list:
    with LoopbackServer(sse_reply(chunks)) as server, httpx.Client() as client:
        config = ProviderConfig(XAI, server.url + "/v1", KEY)
        body = {"model": "grok-3-mini", "messages": [{"role": "user", "content": "hi"}], "stream": True}
        plan = RequestPlan(server.url + "/v1/chat/completions", {"Authorization": f"Bearer {KEY}"}, body)
        events = list(stream_chat(plan, config=config, client=client))
    acc = ToolCallAccumulator(EXAMPLE_TOOLS)
    acc.extend(e for e in events if isinstance(e, ToolCallDelta))
    return acc.finish()


def whole(call_id: str, name: str, args: str, index: int | None = None) -> dict[str, Any]:
    call = {"id": call_id, "type": "function", "function": {"name": name, "arguments": args}}
    return call if index is None else {"index": index, **call}


def check(calls: list) -> None:
    assert [(c.id, c.name) for c in calls] == [(i, n) for i, n, _ in EXPECTED]
    assert calls[0].value == EXPECTED[0][2] and calls[0].arguments == WEATHER
    assert calls[1].value == {"query": "streaming", "max_results": 3}
    assert all(c.valid for c in calls)


def test_xai_style_each_call_whole_in_one_chunk() -> None:
    chunks = sse(
        chunk({"role": "assistant", "content": ""}),
        chunk({"tool_calls": [whole("call_a", "get_weather", WEATHER, 0)]}),
        chunk({"tool_calls": [whole("call_b", "search_docs", SEARCH, 1)]}),
        chunk({}, "tool_calls"),
    )
    check(openai_calls(chunks))


def test_xai_style_without_index_and_with_a_reused_index() -> None:
    """Two whole calls in separate chunks with no index (or both index 0): a new id is a new call."""
    for index in (None, 0):
        chunks = sse(
            chunk({"tool_calls": [whole("call_a", "get_weather", WEATHER, index)]}),
            chunk({"tool_calls": [whole("call_b", "search_docs", SEARCH, index)]}),
            chunk({}, "tool_calls"),
        )
        check(openai_calls(chunks))


def test_openai_style_argument_pieces_of_two_parallel_calls_by_index() -> None:
    def piece(index: int, text: str) -> dict[str, Any]:
        return chunk({"tool_calls": [{"index": index, "function": {"arguments": text}}]})

    first = [
        {"index": 0, "id": "call_a", "type": "function", "function": {"name": "get_weather", "arguments": ""}}
    ]
    second = [
        {"index": 1, "id": "call_b", "type": "function", "function": {"name": "search_docs", "arguments": ""}}
    ]
    chunks = sse(
        chunk({"tool_calls": first}),
        piece(0, '{"city": '),
        chunk({"tool_calls": second}),
        piece(1, '{"query": "str'),
        piece(0, '"Paris", "unit": '),
        piece(1, 'eaming", "max_results": 3}'),
        piece(0, '"celsius"}'),
        chunk({}, "tool_calls"),
    )
    check(openai_calls(chunks))


def anthropic_events(*items: dict[str, Any]) -> list[bytes]:
    return [f"event: {i['type']}\ndata: {json.dumps(i)}\n\n".encode() for i in items]


def tool_block(index: int, call_id: str, name: str, pieces: list[str]) -> list[dict[str, Any]]:
    start = {"type": "tool_use", "id": call_id, "name": name, "input": {}}
    out = [{"type": "content_block_start", "index": index, "content_block": start}]
    for p in pieces:
        out.append(
            {
                "type": "content_block_delta",
                "index": index,
                "delta": {"type": "input_json_delta", "partial_json": p},
            }
        )
    return out + [{"type": "content_block_stop", "index": index}]


def anthropic_calls(reply: Any, stream: bool = True) -> list:
    with LoopbackServer(reply) as server, httpx.Client() as client:
        config = ProviderConfig(MODELSLAB, server.url, KEY, "x-api-key")  # type: ignore[arg-type]
        history = [{"role": "user", "content": "hi"}]
        plan = am.build_messages_request(
            ChatState(config, GROK_3_MINI, GenerationParams(), history, stream=stream)
        )
        events = list(am.stream_messages(plan, config=config, client=client))
    acc = ToolCallAccumulator(EXAMPLE_TOOLS)
    acc.extend(e for e in events if isinstance(e, ToolCallDelta))
    return acc.finish()


def test_anthropic_style_tool_use_blocks_with_input_json_delta() -> None:
    start = {"type": "message_start", "message": {"usage": {"input_tokens": 5, "output_tokens": 1}}}
    text = [
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Checking."}},
        {"type": "content_block_stop", "index": 0},
    ]
    items = [
        start,
        *text,
        *tool_block(1, "call_a", "get_weather", ['{"city": ', '"Paris", "unit"', ': "celsius"}']),
        *tool_block(2, "call_b", "search_docs", ['{"query": "streaming", ', '"max_results": 3}']),
        {"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 30}},
        {"type": "message_stop"},
    ]
    calls = anthropic_calls(sse_reply(anthropic_events(*items)))
    assert [(c.id, c.name) for c in calls] == [("call_a", "get_weather"), ("call_b", "search_docs")]
    assert calls[0].value == {"city": "Paris", "unit": "celsius"} and calls[1].valid


def test_anthropic_whole_message_and_a_block_start_carrying_its_input() -> None:
    message = {
        "content": [
            {
                "type": "tool_use",
                "id": "call_a",
                "name": "get_weather",
                "input": {"city": "Paris", "unit": "celsius"},
            },
        ],
        "stop_reason": "tool_use",
        "usage": {"input_tokens": 3, "output_tokens": 4},
    }
    calls = anthropic_calls(json_reply(200, message), stream=False)
    assert calls[0].value == {"city": "Paris", "unit": "celsius"}
    start = {"type": "tool_use", "id": "call_a", "name": "get_weather", "input": {"city": "Paris"}}
    items = [
        {"type": "content_block_start", "index": 0, "content_block": start},
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 3}},
        {"type": "message_stop"},
    ]
    calls = anthropic_calls(sse_reply(anthropic_events(*items)))
    assert calls[0].value == {"city": "Paris"} and calls[0].valid


def test_calls_are_checked_against_their_tool() -> None:
    acc = ToolCallAccumulator(EXAMPLE_TOOLS)
    acc.add(ToolCallDelta(0, "c1", "get_weather", '{"city": 3}'))
    acc.add(ToolCallDelta(1, "c2", "launch_rocket", "{}"))
    acc.add(ToolCallDelta(2, None, "search_docs", '{"query": '))
    bad_type, unknown, cut = acc.finish()
    assert bad_type.problem.path == "$.city" and "launch_rocket" in unknown.problem.message
    assert not cut.valid and "not valid JSON" in cut.problem.message and cut.id == "call_2"
    assert acc.pending[2].arguments == '{"query": '


def test_two_thousand_pieces_join_once_and_stored_messages_reread() -> None:
    acc = ToolCallAccumulator(EXAMPLE_TOOLS)
    text = json.dumps({"query": "x" * 4000, "max_results": 2})
    acc.add(ToolCallDelta(0, "c1", "search_docs"))
    for i in range(0, len(text), 2):
        acc.add(ToolCallDelta(0, arguments=text[i : i + 2]))
    (call,) = acc.finish()
    assert call.valid and call.arguments == text
    stored = {"role": "assistant", "content": None, "tool_calls": [call.openai()]}
    assert calls_from_message(stored, EXAMPLE_TOOLS)[0] == call
