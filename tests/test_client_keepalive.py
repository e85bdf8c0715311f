"""The streaming client keeps its connection after ``[DONE]`` for the next request, and never waits for it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from loopback import LoopbackServer, sse, sse_reply
from offline_util import body
from openai_chat_util import KEY, chunk, config, plan, serve, shared_server_fixture  # noqa: F401 - fixtures

from playground.facts.providers import CUSTOM, ProviderConfig
from playground.offline import server as offline_server
from playground.wire.openai_chat import collect, stream_chat
from playground.wire.request import RequestPlan


@pytest.fixture(name="counted")
def counted_fixture() -> Iterator[tuple[str, list[int]]]:
    """The offline engine's HTTP server (keep-alive, unpaced) in a thread, and the connections it accepted."""
    srv = offline_server.serve("127.0.0.1", 0, pace=0)
    accepted: list[int] = []
    process = srv.process_request

    def counting(request: Any, address: Any) -> None:
        accepted.append(1)
        process(request, address)

    srv.process_request = counting  # type: ignore[method-assign]
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield offline_server.base_url(srv), accepted
    srv.shutdown()
    srv.server_close()


def test_requests_after_a_done_stream_reuse_the_connection(counted: tuple[str, list[int]]) -> None:
    url, accepted = counted
    cfg = ProviderConfig(CUSTOM, url, auth="none")
    request = RequestPlan(url + "/chat/completions", {"Content-Type": "application/json"}, body(max_tokens=400))
    with httpx.Client(timeout=httpx.Timeout(10.0)) as client:
        replies = [collect(stream_chat(request, config=cfg, client=client)) for _ in range(6)]
    assert all(r.text and r.finish_reason for r in replies)  # each reply whole: text, finish and usage
    assert all(r.usage is not None for r in replies)
    assert len(accepted) <= 2  # one connection (a second only if a body end was late); was one per request


def test_a_server_that_stalls_after_done_is_not_waited_for(shared_server: LoopbackServer) -> None:
    stream = sse(chunk({"content": "Hello"}), chunk({}, "stop"))
    serve(shared_server, sse_reply(stream, stall=4.0))  # [DONE] sent, then 4 s before the body ends
    started = time.monotonic()
    with httpx.Client(timeout=httpx.Timeout(10.0)) as client:
        result = collect(stream_chat(plan(shared_server), config=config(shared_server), client=client))
    assert result.text == "Hello" and result.finish_reason == "stop"
    assert time.monotonic() - started < 3.5  # the reply ends at [DONE]; the body's end is not waited for


def test_data_after_done_is_not_read_into_the_reply(shared_server: LoopbackServer) -> None:
    after = [b'data: {"choices":[{"delta":{"content":"LATE"}}]}\n\n'] * 50
    serve(shared_server, sse_reply([*sse(chunk({"content": "Hi"}), chunk({}, "stop")), *after]))
    with httpx.Client(timeout=httpx.Timeout(10.0)) as client:
        result = collect(stream_chat(plan(shared_server), config=config(shared_server), client=client))
    assert result.text == "Hi" and KEY not in result.text
