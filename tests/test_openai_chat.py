"""The Chat Completions client against a real loopback server: streams and dialects."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest
from loopback import LoopbackServer, Reply, json_reply, sse, sse_reply
from openai_chat_util import (  # noqa: F401 - fixtures
    KEY,
    chunk,
    config,
    no_sleep_fixture,
    plan,
    run,
    serve,
    server_fixture,
    shared_server_fixture,
)

from playground.chat.events import Finish, ReasoningDelta, TextDelta, ToolCallDelta, Usage
from playground.facts.providers import OPENROUTER, XAI
from playground.wire.openai_chat import collect, complete_chat


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=httpx.Timeout(10.0)) as c:
        yield c


USAGE = {
    "prompt_tokens": 12,
    "completion_tokens": 5,
    "total_tokens": 40,
    "completion_tokens_details": {"reasoning_tokens": 23},
    "prompt_tokens_details": {"cached_tokens": 4},
    "cost": 0.0000123,
}


XAI_STREAM = sse(
    chunk({"role": "assistant", "content": ""}),
    chunk({"reasoning_content": "Let me "}),
    chunk({"reasoning_content": "think."}),
    chunk({"content": "Hello"}),
    chunk({"content": " there"}),
    chunk({}, "stop"),
    {"id": "gen-1", "object": "chat.completion.chunk", "choices": [], "usage": USAGE},
)


def test_reasoning_answer_finish_and_usage(server: LoopbackServer, client: httpx.Client) -> None:
    events = run(server, sse_reply(XAI_STREAM), XAI, client)
    assert events[:-1] == [
        ReasoningDelta("Let me "),
        ReasoningDelta("think."),
        TextDelta("Hello"),
        TextDelta(" there"),
        Finish("stop"),
    ]
    usage = events[-1]
    assert isinstance(usage, Usage)
    assert (usage.prompt_tokens, usage.completion_tokens, usage.reasoning_tokens, usage.cached_tokens) == (
        12,
        5,
        23,
        4,
    )
    assert usage.cost == Decimal("0.0000123") and usage.raw["total_tokens"] == 40
    assert usage.reasoning_included is False and usage.output_tokens == 28  # xAI counts reasoning apart
    sent = server.requests[0]
    assert sent.path == "/v1/chat/completions" and sent.headers["Authorization"] == f"Bearer {KEY}"
    assert sent.json()["messages"] == [{"role": "user", "content": "hi"}]


def test_openrouter_reasoning_field_and_details_duplicates(server: LoopbackServer, client: httpx.Client) -> None:
    details = [{"type": "reasoning.text", "text": "Hmm", "format": "unknown", "index": 0}]
    stream = [
        b": OPENROUTER PROCESSING\n\n",
        *sse(
            chunk({"reasoning": "Hmm", "reasoning_details": details}),
            chunk({"content": "Yes"}, "stop", usage=USAGE),
        ),
    ]
    events = run(server, sse_reply(stream), OPENROUTER, client)
    # the text may come in pieces: an end that could start the key ("s" of "sk-...") waits for the next piece
    assert events[0] == ReasoningDelta("Hmm") and events[-2] == Finish("stop")
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Yes"
    # xAI-shaped numbers forwarded by OpenRouter (12 + 5 + 23 = 40): read as xAI's, not OpenRouter's default
    assert events[-1].reasoning_included is False and events[-1].output_tokens == 28
    assert events[-1].differs_from_default and events[-1].read_from == "total_tokens"


def test_openrouter_openai_shaped_usage_counts_reasoning_inside_completion(
    server: LoopbackServer, client: httpx.Client
) -> None:
    usage = {**USAGE, "completion_tokens": 28}  # 12 + 28 = 40: completion includes the 23 reasoning tokens
    stream = sse(chunk({"content": "Yes"}, "stop", usage=usage))
    events = run(server, sse_reply(stream), OPENROUTER, client)
    assert events[-1].reasoning_included is True and events[-1].output_tokens == 28
    assert not events[-1].differs_from_default and not events[-1].unverified


def test_missing_done_and_keepalive_comments(server: LoopbackServer, client: httpx.Client) -> None:
    stream = [
        b": keep-alive\n\n",
        *sse(chunk({"content": "a"}), done=False),
        b": ping\n\n",
        *sse(chunk({"content": "b"}, "length"), done=False),
    ]
    events = run(server, sse_reply(stream), client=client)
    assert events == [TextDelta("a"), TextDelta("b"), Finish("length")]


def test_nulls_empty_choices_and_odd_chunks_are_tolerated(server: LoopbackServer, client: httpx.Client) -> None:
    stream = sse(
        {"id": "1", "choices": None},
        {"id": "2", "choices": [{"delta": None, "finish_reason": None}]},
        {"choices": [{"index": 0}]},
        {"choices": [{"delta": {"content": None, "reasoning_content": None}}]},
        {"choices": [], "usage": None},
        "not json at all",
        "[1, 2]",
        chunk({"content": "ok"}),
        {"choices": [], "usage": {"prompt_tokens": 3}},
        "[DONE]",
    )
    events = run(server, sse_reply(stream), client=client)
    assert events[0] == TextDelta("ok")
    assert isinstance(events[1], Usage) and events[1].prompt_tokens == 3 and events[1].cost is None
    assert len(events) == 2


def test_content_after_done_is_not_read(server: LoopbackServer, client: httpx.Client) -> None:
    stream = [*sse(chunk({"content": "a"})), *sse(chunk({"content": "never"}), done=False)]
    events = run(server, sse_reply(stream), client=client)
    assert events == [TextDelta("a")]


def test_tool_calls_stream_and_collect(server: LoopbackServer, client: httpx.Client) -> None:
    calls = [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_time", "arguments": ""}}]
    stream = sse(
        chunk({"tool_calls": calls}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"tz"'}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": ': "UTC"}'}}]}, "tool_calls"),
    )
    events = run(server, sse_reply(stream), client=client)
    assert events[0] == ToolCallDelta(0, "call_1", "get_time", "")
    result = collect(events)
    assert result.finish_reason == "tool_calls"
    assert result.tool_calls == [
        {"id": "call_1", "type": "function", "function": {"name": "get_time", "arguments": '{"tz": "UTC"}'}}
    ]


def test_one_byte_at_a_time(server: LoopbackServer, client: httpx.Client) -> None:
    raw = b"".join(XAI_STREAM).replace(b"\n", b"\r\n")
    events = run(server, sse_reply([raw[i : i + 1] for i in range(len(raw))]), XAI, client)
    whole = run(server, sse_reply(XAI_STREAM), XAI, client)
    assert events == whole and len(events) == 6


COMPLETION = {
    "id": "gen-2",
    "object": "chat.completion",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Answer", "reasoning": "Thought"},
            "finish_reason": "stop",
        }
    ],
    "usage": USAGE,
}


def test_server_ignoring_stream_true_still_works(server: LoopbackServer, client: httpx.Client) -> None:
    events = run(server, json_reply(200, COMPLETION), client=client)
    assert events[:3] == [ReasoningDelta("Thought"), TextDelta("Answer"), Finish("stop")]
    assert isinstance(events[3], Usage) and events[3].completion_tokens == 5


def test_json_body_mislabelled_as_event_stream(server: LoopbackServer, client: httpx.Client) -> None:
    reply = Reply(200, {"Content-Type": "text/event-stream"}, chunks=[b"\n", json.dumps(COMPLETION).encode()])
    events = run(server, reply, client=client)
    assert events[1] == TextDelta("Answer")


def test_complete_chat_returns_a_whole_result(server: LoopbackServer) -> None:
    serve(server, json_reply(200, COMPLETION))
    result = complete_chat(plan(server, stream=False), config=config(server))
    assert (result.text, result.reasoning, result.finish_reason) == ("Answer", "Thought", "stop")
    assert result.usage is not None and result.usage.cost == Decimal("0.0000123")
    assert server.requests[0].json()["stream"] is False
