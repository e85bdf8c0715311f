"""The Chat Completions client against a real loopback server: streams, dialects, errors, retries, early close."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from loopback import LoopbackServer, Recorded, Reply, json_reply, sse, sse_reply

from playground import errors as E
from playground.chat_state import ChatState
from playground.events import Finish, ReasoningDelta, TextDelta, ToolCallDelta, Usage
from playground.providers import MODELSLAB, OPENROUTER, XAI, Provider, ProviderConfig
from playground.wire import openai_chat
from playground.wire.openai_chat import collect, complete_chat, stream_chat
from playground.wire.request import RequestPlan
from playground.wire.retry import RetryNotice

KEY = "sk-loopback-SECRET-9876543210"


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr(openai_chat, "_sleep", waits.append)
    return waits


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=httpx.Timeout(10.0)) as c:
        yield c


def config(server: LoopbackServer, provider: Provider = OPENROUTER) -> ProviderConfig:
    return ProviderConfig(provider, server.url + "/v1", KEY)


def plan(server: LoopbackServer, stream: bool = True) -> RequestPlan:
    body = {"model": "x-ai/grok-3-mini-beta", "messages": [{"role": "user", "content": "hi"}], "stream": stream}
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {KEY}"}
    return RequestPlan(server.url + "/v1/chat/completions", headers, body)


def chunk(delta: dict[str, Any] | None = None, finish: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": "gen-1",
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": delta or {}, "finish_reason": finish}],
        **extra,
    }


USAGE = {
    "prompt_tokens": 12,
    "completion_tokens": 5,
    "total_tokens": 40,
    "completion_tokens_details": {"reasoning_tokens": 23},
    "prompt_tokens_details": {"cached_tokens": 4},
    "cost": 0.0000123,
}


@pytest.fixture(scope="module")
def shared_server() -> Iterator[LoopbackServer]:
    with LoopbackServer(Reply(500)) as server:  # one server for the module: each shutdown costs ~0.5 s
        yield server


@pytest.fixture
def server(shared_server: LoopbackServer) -> LoopbackServer:
    shared_server.requests.clear()
    return shared_server


def serve(server: LoopbackServer, reply: Reply | Any) -> None:
    server.handler = reply if callable(reply) else (lambda _req: reply)


def run(
    server: LoopbackServer,
    reply: Reply | Any,
    provider: Provider = OPENROUTER,
    client: httpx.Client | None = None,
    **kwargs: Any,
) -> list[Any]:
    serve(server, reply)
    return list(stream_chat(plan(server), config=config(server, provider), client=client, **kwargs))


def fail(
    server: LoopbackServer, reply: Reply | Any, provider: Provider = OPENROUTER, **kwargs: Any
) -> E.PlaygroundError:
    serve(server, reply)
    with pytest.raises(E.PlaygroundError) as info:
        list(stream_chat(plan(server), config=config(server, provider), **kwargs))
    return info.value


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


@pytest.mark.parametrize(
    ("reply", "kind", "param"),
    [
        (
            json_reply(401, {"error": {"message": "Invalid API key", "type": "invalid_request_error"}}),
            E.AuthError,
            None,
        ),
        (
            json_reply(
                400,
                {
                    "code": "Client specified an invalid argument",
                    "error": "Argument not supported on this model: presencePenalty",
                },
            ),
            E.UnsupportedParameter,
            "presence_penalty",
        ),
        (
            json_reply(402, {"status": "error", "message": "Insufficient credits. Please add more credits."}),
            E.InsufficientCredits,
            None,
        ),
        (
            json_reply(404, {"error": {"message": "Model x does not exist", "code": "model_not_found"}}),
            E.UnknownModel,
            None,
        ),
        (
            json_reply(400, {"object": "error", "message": "This model's maximum context length is 8192 tokens"}),
            E.RequestTooLarge,
            None,
        ),
        (json_reply(200, {"status": "error", "messege": "Invalid API key"}), E.AuthError, None),
        (sse_reply(sse({"status": "error", "message": "Insufficient credits"})), E.InsufficientCredits, None),
        (
            sse_reply(
                [
                    b'event: error\ndata: {"type": "error", "error": {"type": "invalid_request_error", '
                    b'"message": "bad"}}\n\n'
                ]
            ),
            E.BadRequest,
            None,
        ),
        (sse_reply([b"event: error\ndata: something broke\n\n"]), E.ServerError, None),
        (Reply(200, {"Content-Type": "text/event-stream"}, b""), E.StreamBroken, None),
    ],
)
def test_errors_before_any_output(server: LoopbackServer, reply: Reply, kind: type, param: str | None) -> None:
    err = fail(server, reply)
    assert type(err) is kind, err.message
    assert err.param == param
    assert err.partial_text == "" and len(server.requests) == 1


MID_STREAM = [
    sse(
        {"error": {"message": "The server had an error while processing your request.", "type": "server_error"}},
        done=False,
    ),
    sse({"code": "Internal error", "error": "upstream failed"}, done=False),
    sse({"status": "error", "message": "Rate limit exceeded", "retry_after": 1}, done=False),
    sse({"object": "error", "message": "engine died"}, done=False),
    [b'event: error\ndata: {"error": {"message": "Overloaded"}}\n\n'],
    sse(chunk({"content": ""}, "error")),
    sse(chunk({"content": "!"}, "error", error={"code": 502, "message": "Provider disconnected"})),
]


@pytest.mark.parametrize("tail", MID_STREAM)
def test_errors_mid_stream_keep_the_partial_reply_and_do_not_retry(
    server: LoopbackServer, tail: list[bytes]
) -> None:
    head = sse(
        chunk({"reasoning_content": "Thinking"}), chunk({"content": "Part"}), chunk({"content": "ial"}), done=False
    )
    notices: list[RetryNotice] = []
    err = fail(server, sse_reply([*head, *tail]), on_retry=notices.append)
    assert isinstance(err, (E.ServerError, E.RateLimited)), err.message
    assert err.partial_text.startswith("Partial") and err.partial_reasoning == "Thinking"
    assert len(server.requests) == 1 and notices == []


def test_connection_cut_mid_stream_is_stream_broken_with_partial_text(server: LoopbackServer) -> None:
    err = fail(
        server, sse_reply(sse(chunk({"reasoning_content": "r"}), chunk({"content": "Half"}), done=False), cut=True)
    )
    assert isinstance(err, E.StreamBroken)
    assert (err.partial_text, err.partial_reasoning) == ("Half", "r")
    assert len(server.requests) == 1


def test_read_timeout_mid_stream_keeps_partial_text(server: LoopbackServer) -> None:
    slow = httpx.Client(timeout=httpx.Timeout(5.0, read=0.3))
    with slow:
        err = fail(server, sse_reply(sse(chunk({"content": "So far"}), done=False), stall=3), client=slow)
    assert isinstance(err, E.Timeout) and err.partial_text == "So far"


def test_the_key_never_appears_in_errors(server: LoopbackServer) -> None:
    leak = f"Incorrect API key provided: {KEY}"
    for reply in (
        json_reply(401, {"error": {"message": leak}}),
        json_reply(400, {"code": "x", "error": leak}),
        sse_reply([*sse(chunk({"content": "a"}), done=False), *sse({"error": {"message": leak}})]),
    ):
        err = fail(server, reply)
        for text in (str(err), err.message, repr(err), str(err.args)):
            assert KEY not in text
        assert "[redacted]" in err.message


def flaky(*replies: Reply) -> Any:
    """A handler answering with each reply in turn, then the last one for ever."""
    queue = list(replies)

    def handler(_req: Recorded) -> Reply:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return handler


OK = sse_reply(sse(chunk({"content": "fine"}, "stop")))


def test_503_then_success_is_retried_with_notices(server: LoopbackServer, no_sleep: list[float]) -> None:
    notices: list[RetryNotice] = []
    events = run(
        server,
        flaky(json_reply(503, {"error": {"message": "busy"}}), Reply(502, body=b"Bad Gateway"), OK),
        on_retry=notices.append,
    )
    assert events == [TextDelta("fine"), Finish("stop")]
    assert len(server.requests) == 3
    assert [n.attempt for n in notices] == [1, 2]
    assert all(isinstance(n.error, E.ServerError) for n in notices)
    assert no_sleep == [n.wait_seconds for n in notices]
    assert 0.25 <= no_sleep[0] <= 0.5 and 0.5 <= no_sleep[1] <= 1.0  # backoff with jitter, base 0.5 s


def test_retries_are_bounded_by_max_retries(server: LoopbackServer, no_sleep: list[float]) -> None:
    err = fail(server, json_reply(503, {"error": {"message": "busy"}}), max_retries=2)
    assert isinstance(err, E.ServerError) and len(server.requests) == 3 and len(no_sleep) == 2
    server.requests.clear()
    fail(server, json_reply(503, {"error": {"message": "busy"}}), max_retries=0)
    assert len(server.requests) == 1 and len(no_sleep) == 2


def test_short_rate_limit_honours_retry_after(server: LoopbackServer, no_sleep: list[float]) -> None:
    limited = json_reply(429, {"error": {"message": "slow down"}}, {"Retry-After": "3"})
    events = run(server, flaky(limited, OK))
    assert events[0] == TextDelta("fine") and len(server.requests) == 2 and no_sleep == [3.0]


def test_modelslab_rate_limit_inside_a_200_stream_is_retried(
    server: LoopbackServer, no_sleep: list[float]
) -> None:
    limited = sse_reply(sse({"status": "error", "message": "Rate limit exceeded", "retry_after": 2}))
    events = run(server, flaky(limited, OK), MODELSLAB)
    assert events[0] == TextDelta("fine") and no_sleep == [2.0]


def test_long_rate_limit_is_not_retried(server: LoopbackServer, no_sleep: list[float]) -> None:
    err = fail(server, json_reply(429, {"status": "error", "message": "Rate limit exceeded", "retry_after": 30}))
    assert isinstance(err, E.RateLimited) and err.retry_after == 30
    assert len(server.requests) == 1 and no_sleep == []


def test_client_errors_are_not_retried(server: LoopbackServer, no_sleep: list[float]) -> None:
    err = fail(server, json_reply(400, {"error": {"message": "bad temperature"}}))
    assert isinstance(err, E.BadRequest) and len(server.requests) == 1 and no_sleep == []


def test_connection_refused_is_retried_then_reported(no_sleep: list[float]) -> None:
    with LoopbackServer(OK) as server:
        dead = RequestPlan(server.url + "/v1/chat/completions", {}, {"stream": True})
        cfg = config(server)
    notices: list[RetryNotice] = []  # the server is gone: its port now refuses connections
    with pytest.raises(E.ConnectionFailed):
        list(stream_chat(dead, config=cfg, on_retry=notices.append, max_retries=2))
    assert len(notices) == 2 and all(isinstance(n.error, E.ConnectionFailed) for n in notices)


def test_no_retry_after_the_first_token(server: LoopbackServer, no_sleep: list[float]) -> None:
    head = sse(chunk({"content": "first"}), done=False)
    err = fail(server, flaky(sse_reply(head, cut=True), OK))
    assert isinstance(err, E.StreamBroken) and err.partial_text == "first"
    assert len(server.requests) == 1 and no_sleep == []


def test_closing_the_generator_closes_the_response(server: LoopbackServer) -> None:
    stopped = threading.Event()
    total = 2000

    def endless() -> Iterator[bytes]:
        try:
            for i in range(total):
                yield b"".join(sse(chunk({"content": f"t{i} "}), done=False))
        finally:
            stopped.set()

    serve(server, lambda _req: sse_reply(endless(), delay=0.005))
    before = server.chunks_sent
    gen = stream_chat(plan(server), config=config(server))
    first = [next(gen), next(gen)]
    gen.close()
    assert stopped.wait(10), "the server kept streaming after the client closed"
    sent = server.chunks_sent - before
    assert first == [TextDelta("t0 "), TextDelta("t1 ")]
    assert sent < total // 2


def test_one_shared_pooled_client_for_network_providers() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from playground.wire import http

    http.close_all()
    with ThreadPoolExecutor(8) as pool:
        clients = set(
            map(id, pool.map(lambda _: http.client_for(ProviderConfig(XAI, XAI.base_url, KEY)), range(32)))
        )
    shared = http.client_for(ProviderConfig(MODELSLAB, MODELSLAB.base_url, KEY))
    assert clients == {id(shared)}
    assert shared.timeout.connect == 10.0 and shared.timeout.read == 60.0
    http.close_all()
    assert shared.is_closed and http.shared_client() is not shared


def test_offline_provider_gets_the_offline_engine_client() -> None:
    from playground.catalog import GROK_3_MINI
    from playground.offline.engine import OfflineTransport
    from playground.params import GenerationParams
    from playground.providers import OFFLINE
    from playground.wire import http
    from playground.wire.request import build_chat_request

    cfg = ProviderConfig(OFFLINE, OFFLINE.base_url, auth="none")
    client = http.client_for(cfg)
    assert isinstance(client._transport, OfflineTransport)
    assert http.client_for(cfg) is client and client is not http.shared_client()
    assert http.offline_client(0.0) is http.offline_client(0.0) is not client
    history = [{"role": "user", "content": "Say hello"}]
    result = collect(
        stream_chat(build_chat_request(ChatState(cfg, GROK_3_MINI, GenerationParams(), history)), config=cfg)
    )
    assert result.text and result.finish_reason in ("stop", "length") and result.usage is not None


@pytest.mark.parametrize("url", ["ftp://example.invalid/v1/chat/completions", "http://127.0.0.1:notaport/v1"])
def test_a_malformed_url_fails_at_once_without_retries(url: str, no_sleep: list[float]) -> None:
    bad = RequestPlan(url, {}, {"stream": True})
    with pytest.raises(E.BadRequest):
        list(stream_chat(bad, config=ProviderConfig(OPENROUTER, url, KEY)))
    assert no_sleep == []
