"""The Anthropic Messages client: HTTP errors, whole replies, request building, counting, models, served model."""

from __future__ import annotations

import json

import httpx
import pytest
from anthropic_util import HISTORY, KEY, START, config, events, run
from loopback import LoopbackServer, Reply, json_reply, sse_reply

from playground.chat.errors import AuthError, RateLimited, UnknownModel
from playground.chat.events import Finish, ReasoningDelta, ServedModel, TextDelta, ToolCallDelta, Usage
from playground.chat.state import ChatState
from playground.facts.catalog import GROK_3_MINI, RELATED
from playground.facts.params import GenerationParams
from playground.facts.providers import CUSTOM, MODELSLAB, XAI, ProviderConfig
from playground.wire import anthropic_messages as am
from playground.wire import anthropic_stream as astream


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
