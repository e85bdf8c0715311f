"""The Chat Completions client's retries, early close, shared pooled clients and malformed URLs."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from loopback import LoopbackServer, Recorded, Reply, json_reply, sse, sse_reply
from openai_chat_util import (  # noqa: F401 - fixtures
    KEY,
    chunk,
    config,
    fail,
    no_sleep_fixture,
    plan,
    run,
    serve,
    server_fixture,
    shared_server_fixture,
)

from playground.chat import errors as E
from playground.chat.events import Finish, TextDelta
from playground.chat.state import ChatState
from playground.facts.providers import MODELSLAB, OPENROUTER, XAI, ProviderConfig
from playground.wire.openai_chat import collect, stream_chat
from playground.wire.request import RequestPlan
from playground.wire.retry import RetryNotice


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
    from playground.facts.catalog import GROK_3_MINI
    from playground.facts.params import GenerationParams
    from playground.facts.providers import OFFLINE
    from playground.offline.engine import OfflineTransport
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
