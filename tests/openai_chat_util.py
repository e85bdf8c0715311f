"""Helpers for the Chat Completions client tests: a loopback provider config, request plans, chunks, runs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from loopback import LoopbackServer, Reply

from playground.chat import errors as E
from playground.facts.providers import OPENROUTER, Provider, ProviderConfig
from playground.wire import openai_chat
from playground.wire.openai_chat import stream_chat
from playground.wire.request import RequestPlan

KEY = "sk-loopback-SECRET-9876543210"


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


@pytest.fixture(name="no_sleep", autouse=True)
def no_sleep_fixture(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Retries do not wait; the waits they asked for are kept (``no_sleep``)."""
    waits: list[float] = []
    monkeypatch.setattr(openai_chat, "_sleep", waits.append)
    return waits


@pytest.fixture(name="shared_server", scope="module")
def shared_server_fixture() -> Iterator[LoopbackServer]:
    with LoopbackServer(Reply(500)) as server:  # one server for the module: each shutdown costs ~0.5 s
        yield server


@pytest.fixture(name="server")
def server_fixture(shared_server: LoopbackServer) -> LoopbackServer:
    """The module's loopback server with no requests recorded yet (``server``)."""
    shared_server.requests.clear()
    return shared_server
