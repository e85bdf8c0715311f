"""The Anthropic Messages client against a loopback HTTP server: every stream event, errors, counting, models."""

from __future__ import annotations

import json

import httpx
import pytest
from loopback import LoopbackServer, Reply, json_reply, sse_reply

from playground.catalog import GROK_3_MINI, RELATED
from playground.chat_state import ChatState
from playground.errors import AuthError, RateLimited, ServerError, StreamBroken, UnknownModel
from playground.events import Finish, ReasoningDelta, ServedModel, TextDelta, ToolCallDelta, Usage
from playground.params import GenerationParams
from playground.providers import CUSTOM, MODELSLAB, XAI, ProviderConfig
from playground.wire import anthropic_messages as am
from playground.wire import anthropic_stream as astream
from playground.wire.anthropic_stream import finish_reason

KEY = "sk-test-anthropic-5f0c9d"
HISTORY = [
    {"role": "user", "content": "Hi"},
    {"role": "assistant", "content": "Hello!"},
    {"role": "user", "content": "Count to three"},
]


def events(*items: dict, names: bool = True) -> list[bytes]:
    """Anthropic-style SSE chunks: ``event: <type>`` then the JSON data (no [DONE])."""
    out = []
    for item in items:
        head = f"event: {item['type']}\n" if names else ""
        out.append(f"{head}data: {json.dumps(item)}\n\n".encode())
    return out


def config(url: str, *, auth: str = "x-api-key", key: str = KEY) -> ProviderConfig:
    return ProviderConfig(MODELSLAB, url, key, auth)  # type: ignore[arg-type]


def run(
    server: LoopbackServer, *, auth: str = "x-api-key", stream: bool = True, params: GenerationParams | None = None
) -> list:
    cfg = config(server.url, auth=auth)
    plan = am.build_messages_request(
        ChatState(cfg, GROK_3_MINI, params or GenerationParams(), HISTORY, stream=stream)
    )
    with httpx.Client() as client:  # the served model is checked on its own (test_served_model_is_reported)
        return [e for e in am.stream_messages(plan, config=cfg, client=client) if not isinstance(e, ServedModel)]


START = {
    "type": "message_start",
    "message": {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "content": [],
        "model": "x-ai-grok-3-mini-beta",
        "stop_reason": None,
        "usage": {
            "input_tokens": 20,
            "output_tokens": 1,
            "cache_read_input_tokens": 5,
            "cache_creation_input_tokens": 3,
        },
    },
}
FULL_STREAM = (
    START,
    {"type": "ping"},
    {"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "Let me "}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "count."}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": "EqQBCgIY"}},
    {"type": "content_block_stop", "index": 0},
    {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}},
    {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "One, two, "}},
    {"type": "ping"},
    {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "three."}},
    {"type": "content_block_stop", "index": 1},
    {
        "type": "content_block_start",
        "index": 2,
        "content_block": {"type": "tool_use", "id": "toolu_1", "name": "count", "input": {}},
    },
    {"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": '{"to": '}},
    {"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": "3}"}},
    {"type": "content_block_stop", "index": 2},
    {"type": "brand_new_event", "whatever": [1, 2]},
    {"type": "message_delta", "delta": {"stop_reason": None}, "usage": {"output_tokens": 9}},
    {
        "type": "message_delta",
        "delta": {"stop_reason": "tool_use", "stop_sequence": None},
        "usage": {"output_tokens": 42},
    },
    {"type": "message_stop"},
)


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


def test_http_error_is_typed_and_never_holds_the_key() -> None:
    body = {"type": "error", "error": {"type": "authentication_error", "message": f"invalid x-api-key {KEY}"}}
    with LoopbackServer(json_reply(401, body)) as server, pytest.raises(AuthError) as caught:
        run(server)
    assert KEY not in str(caught.value) and KEY not in repr(caught.value)


def test_not_found_error_for_an_unknown_model() -> None:
    body = {"type": "error", "error": {"type": "not_found_error", "message": "model: nope not found"}}
    with LoopbackServer(json_reply(404, body)) as server, pytest.raises(UnknownModel):
        run(server)


def test_non_streamed_message() -> None:
    message = {
        "id": "msg_2",
        "type": "message",
        "role": "assistant",
        "model": "x-ai-grok-3-mini-beta",
        "content": [
            {"type": "thinking", "thinking": "Easy.", "signature": "sig"},
            {"type": "text", "text": "One, two, three."},
            {"type": "tool_use", "id": "toolu_9", "name": "count", "input": {"to": 3}},
        ],
        "stop_reason": "end_turn",
        "usage": {"input_tokens": 12, "output_tokens": 30},
    }
    with LoopbackServer(json_reply(200, message)) as server:
        got = run(server, stream=False)
    assert server.requests[0].json()["stream"] is False
    assert got[:3] == [
        ReasoningDelta("Easy."),
        TextDelta("One, two, three."),
        ToolCallDelta(0, id="toolu_9", name="count", arguments='{"to": 3}'),
    ]
    assert got[3] == Finish("stop") and (got[4].prompt_tokens, got[4].completion_tokens) == (12, 30)


def test_error_body_under_http_200_is_an_error() -> None:
    body = {"status": "error", "message": "Insufficient credits. Please add more credits to continue."}
    with LoopbackServer(json_reply(200, body)) as server, pytest.raises(Exception) as caught:
        run(server, stream=False)
    assert caught.value.kind == "credits"


def test_build_request_omits_and_adjusts_with_reasons() -> None:
    cfg = ProviderConfig(MODELSLAB, MODELSLAB.base_url, KEY, "bearer")
    params = GenerationParams(temperature=1.5, reasoning_effort="high", system="  ")
    plan = am.build_messages_request(ChatState(cfg, GROK_3_MINI, params, HISTORY, stream=False))
    assert plan.url == "https://modelslab.com/api/v7/llm/v1/messages"
    assert "system" not in plan.body and plan.body["temperature"] == 1.0 and plan.body["max_tokens"] == 1000
    assert set(plan.omitted) == {"frequency_penalty", "presence_penalty", "reasoning_effort"}
    assert plan.adjusted == {"temperature": am.CLAMPED}
    red = plan.redacted()
    assert red.headers["Authorization"] == "Bearer YOUR_API_KEY" and red.adjusted == plan.adjusted
    assert KEY not in repr(plan) and KEY not in repr(red) and KEY not in json.dumps(red.headers)


def test_provider_rejections_and_system_turns() -> None:
    cfg = ProviderConfig(XAI, "https://api.x.ai/v1", KEY, "bearer")
    history = [{"role": "system", "content": "Be brief."}, *HISTORY]
    plan = am.build_messages_request(ChatState(cfg, GROK_3_MINI, GenerationParams(stop=("x",)), history))
    assert plan.url == "https://api.x.ai/v1/messages"  # the trailing /v1 of the base is not doubled
    assert plan.body["model"] == "grok-3-mini" and "stop_sequences" not in plan.body and "stop" in plan.omitted
    assert plan.body["system"].endswith("\n\nBe brief.") and plan.body["messages"] == HISTORY
    related = am.build_messages_request(ChatState(cfg, RELATED[0], GenerationParams(), HISTORY))
    assert "reasoning_effort" in related.omitted  # not a reasoning model


def test_no_key_no_auth_header() -> None:
    cfg = ProviderConfig(CUSTOM, "http://127.0.0.1:1/v1", "", "bearer")
    plan = am.build_messages_request(ChatState(cfg, GROK_3_MINI, GenerationParams(), HISTORY))
    assert not {"Authorization", "x-api-key"} & set(plan.headers)


def test_count_tokens() -> None:
    with LoopbackServer(json_reply(200, {"input_tokens": 57})) as server:
        cfg = config(server.url, auth="bearer")
        with httpx.Client() as client:
            n = am.count_tokens(ChatState(cfg, GROK_3_MINI, GenerationParams(), HISTORY), client=client)
    assert n == 57
    req = server.requests[0]
    assert (req.method, req.path) == ("POST", "/v1/messages/count_tokens")
    system = GenerationParams().system
    assert req.json() == {"model": "x-ai-grok-3-mini-beta", "messages": HISTORY, "system": system}
    assert req.headers["Authorization"] == f"Bearer {KEY}" and req.headers["anthropic-version"] == "2023-06-01"


def test_count_tokens_errors_are_typed() -> None:
    body = {"type": "error", "error": {"type": "rate_limit_error", "message": "Too many"}}
    reply = json_reply(429, body, {"Retry-After": "7"})
    with LoopbackServer(reply) as server, pytest.raises(RateLimited) as caught:
        am.count_tokens(ChatState(config(server.url), GROK_3_MINI, GenerationParams(), HISTORY))
    assert caught.value.retry_after == 7
    with LoopbackServer(json_reply(200, {"tokens": "many"})) as server, pytest.raises(Exception) as caught:
        am.count_tokens(ChatState(config(server.url), GROK_3_MINI, GenerationParams(), HISTORY))
    assert caught.value.kind == "server"


def test_list_models() -> None:
    payload = {
        "object": "list",
        "data": [
            {"id": "x-ai-grok-3-mini-beta", "object": "model", "created": 1712345678, "owned_by": "x-ai"},
            {"id": "openai-gpt-5.5", "object": "model"},
            {"object": "model"},
        ],
    }
    with LoopbackServer(json_reply(200, payload)) as server:
        ids = am.list_models(config(server.url))
    assert ids == ["x-ai-grok-3-mini-beta", "openai-gpt-5.5"]
    req = server.requests[0]
    assert (req.method, req.path) == ("GET", "/v1/models") and req.headers["x-api-key"] == KEY


def test_list_models_failure_is_typed() -> None:
    with LoopbackServer(Reply(401, {"Content-Type": "application/json"}, b'{"error":{"message":"bad key"}}')) as s:
        with pytest.raises(AuthError):
            am.list_models(config(s.url))


def test_unreachable_server_is_a_connection_error() -> None:
    with LoopbackServer(json_reply(200, {})) as server:
        url = server.url
    with pytest.raises(Exception) as caught:
        am.list_models(config(url))
    assert caught.value.kind == "connection"


def test_served_model_is_reported_before_the_usage_streamed_and_whole() -> None:
    stop = {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 3}}
    start = {**START, "message": {**START["message"], "model": "grok-4.3"}}
    with LoopbackServer(sse_reply(events(start, stop, {"type": "message_stop"}))) as server:
        cfg = config(server.url)
        plan = am.build_messages_request(ChatState(cfg, GROK_3_MINI, GenerationParams(), HISTORY))
        with httpx.Client() as client:
            got = list(am.stream_messages(plan, config=cfg, client=client))
    assert got[:2] == [Finish("stop"), ServedModel("grok-4.3")] and isinstance(got[2], Usage)
    whole = {"type": "message", "model": "grok-4.3", "content": [], "stop_reason": "end_turn", "usage": {}}
    assert [e for e in astream.events_from_message(whole) if isinstance(e, ServedModel)] == [
        ServedModel("grok-4.3")
    ]
