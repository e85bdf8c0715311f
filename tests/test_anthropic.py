"""The Anthropic Messages client against a loopback HTTP server: every stream event and stream errors."""

from __future__ import annotations

import httpx
import pytest
from anthropic_util import FULL_STREAM, HISTORY, KEY, START, config, events, run
from loopback import LoopbackServer, sse_reply

from playground.chat.errors import RateLimited, ServerError, StreamBroken
from playground.chat.events import Finish, ReasoningDelta, TextDelta, ToolCallDelta, Usage
from playground.chat.state import ChatState
from playground.facts.catalog import GROK_3_MINI
from playground.facts.params import GenerationParams
from playground.wire import anthropic_messages as am
from playground.wire.anthropic_stream import finish_reason


def test_every_stream_event_becomes_the_right_typed_event() -> None:
    with LoopbackServer(sse_reply(events(*FULL_STREAM))) as server:
        got = run(server)
    assert got[:7] == [
        ReasoningDelta("Let me "),
        ReasoningDelta("count."),
        TextDelta("One, two, "),
        TextDelta("three."),
        ToolCallDelta(0, id="toolu_1", name="count"),
        ToolCallDelta(0, arguments='{"to": '),
        ToolCallDelta(0, arguments="3}"),
    ]
    assert got[7] == Finish("tool_calls")
    usage = got[8]
    assert isinstance(usage, Usage) and len(got) == 9
    # cumulative usage: the last message_delta's 42, not 1 + 9 + 42; cache reads and writes count as input
    assert (usage.prompt_tokens, usage.completion_tokens, usage.cached_tokens) == (28, 42, 5)
    assert usage.output_tokens == 42 and usage.reasoning_tokens == 0


def test_the_request_on_the_wire() -> None:
    with LoopbackServer(sse_reply(events(*FULL_STREAM))) as server:
        run(server, params=GenerationParams(temperature=1.6, stop=("END",), presence_penalty=0.5))
    req = server.requests[0]
    assert (req.method, req.path) == ("POST", "/v1/messages")
    assert req.headers["x-api-key"] == KEY and "Authorization" not in req.headers
    assert req.headers["anthropic-version"] == "2023-06-01"
    assert req.json() == {
        "model": "x-ai-grok-3-mini-beta",
        "max_tokens": 1000,
        "messages": HISTORY,
        "system": GenerationParams().system,
        "temperature": 1.0,
        "top_p": 0.9,
        "stop_sequences": ["END"],
        "stream": True,
    }


def test_bearer_auth_when_the_config_says_so() -> None:
    with LoopbackServer(sse_reply(events(*FULL_STREAM))) as server:
        run(server, auth="bearer")
    headers = server.requests[0].headers
    assert headers["Authorization"] == f"Bearer {KEY}" and "x-api-key" not in headers


def test_event_names_are_optional_the_data_type_decides() -> None:
    with LoopbackServer(sse_reply(events(*FULL_STREAM, names=False))) as server:
        got = run(server)
    assert "".join(e.text for e in got if isinstance(e, TextDelta)) == "One, two, three."


def test_stop_reasons_in_the_app_vocabulary() -> None:
    delta = {"type": "message_delta", "delta": {"stop_reason": "max_tokens"}, "usage": {"output_tokens": 7}}
    stream = (START, delta, {"type": "message_stop"})
    with LoopbackServer(sse_reply(events(*stream))) as server:
        got = run(server)
    assert got[0] == Finish("length") and got[1].completion_tokens == 7
    assert finish_reason("end_turn") == "stop" and finish_reason("something_new") == "something_new"


def test_error_event_mid_stream_raises_typed_error_with_partial_text() -> None:
    stream = events(
        START,
        {"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "Hmm"}},
        {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "One, "}},
        {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
        {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "never seen"}},
    )
    seen = []
    with LoopbackServer(sse_reply(stream)) as server, pytest.raises(ServerError) as caught:
        for event in run_iter(server):
            seen.append(event)
    assert seen == [ReasoningDelta("Hmm"), TextDelta("One, ")]
    err = caught.value
    assert err.partial_text == "One, " and err.partial_reasoning == "Hmm" and err.retryable
    assert "Overloaded" in err.message


def test_rate_limit_error_event_is_rate_limited() -> None:
    stream = events(START, {"type": "error", "error": {"type": "rate_limit_error", "message": "Slow down"}})
    with LoopbackServer(sse_reply(stream)) as server, pytest.raises(RateLimited):
        run(server)


def run_iter(server: LoopbackServer):
    cfg = config(server.url)
    plan = am.build_messages_request(ChatState(cfg, GROK_3_MINI, GenerationParams(), HISTORY))
    client = httpx.Client()
    try:
        yield from am.stream_messages(plan, config=cfg, client=client)
    finally:
        client.close()


def test_stream_cut_before_message_stop_is_broken_with_partial_text() -> None:
    stream = events(
        START,
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Partial"}},
    )
    with LoopbackServer(sse_reply(stream, cut=True)) as server, pytest.raises(StreamBroken) as caught:
        run(server)
    assert caught.value.partial_text == "Partial"


def test_clean_end_without_stop_is_broken_but_a_stop_reason_is_enough() -> None:
    text = {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}}
    with LoopbackServer(sse_reply(events(START, text))) as server, pytest.raises(StreamBroken):
        run(server)
    stop = {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 3}}
    with LoopbackServer(sse_reply(events(START, text, stop))) as server:
        got = run(server)
    assert got == [TextDelta("Hi"), Finish("stop"), got[2]] and got[2].completion_tokens == 3
