"""Helpers for the offline engine tests: an app-like request body, a strict SSE decoder and chunk collector."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from playground.offline import server as offline_server
from playground.offline.engine import ENGINE_MODEL, OfflineTransport

BODY_KEY = "sk-body-SECRET-0123456789"


HEADER_KEY = "sk-header-SECRET-9876543210"


def body(text: str = "What is the capital of France?", **extra: Any) -> dict[str, Any]:
    """A request like the app's: system + user messages and the product page's parameters."""
    return {
        "model": "x-ai-grok-3-mini-beta",
        "messages": [{"role": "system", "content": "You are helpful."}, {"role": "user", "content": text}],
        "temperature": 0.7,
        "top_p": 0.9,
        "max_tokens": 1000,
        "reasoning_effort": "low",
        "stream": True,
        "stream_options": {"include_usage": True},
        **extra,
    }


def decode_sse(raw: bytes) -> list[str]:
    """The ``data:`` payloads of a whole OpenAI-style SSE stream (strict: every event is one data line)."""
    text = raw.decode()
    assert text.endswith("\n\n"), "stream must end with a blank line"
    out = []
    for block in text[:-2].split("\n\n"):
        assert block.startswith("data: ") and "\n" not in block, block
        out.append(block[len("data: ") :])
    return out


def collect(payloads: list[str]) -> dict[str, Any]:
    """Reasoning, content, finish reason and usage from decoded payloads, checking the chunk order."""
    assert payloads[-1] == "[DONE]"
    chunks = [json.loads(p) for p in payloads[:-1]]
    assert all(c["object"] == "chat.completion.chunk" and c["model"] == ENGINE_MODEL for c in chunks)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    kinds: list[str] = []
    out = {"reasoning": "", "content": "", "finish": None, "usage": None, "pieces": [], "answer_pieces": 0}
    for c in chunks[1:]:
        if not c["choices"]:
            out["usage"] = c["usage"]
            kinds.append("usage")
            continue
        choice = c["choices"][0]
        for field, name in (("reasoning_content", "reasoning"), ("content", "content")):
            if field in choice["delta"]:
                out[name] += choice["delta"][field]
                out["pieces"].append(choice["delta"][field])
                out["answer_pieces"] += name == "content"
                kinds.append(name)
        if choice["finish_reason"]:
            assert choice["delta"] == {}
            out["finish"] = choice["finish_reason"]
            kinds.append("finish")
    order = [k for i, k in enumerate(kinds) if i == 0 or kinds[i - 1] != k]
    assert order in (
        ["reasoning", "content", "finish", "usage"],
        ["reasoning", "content", "finish"],
        ["reasoning", "finish", "usage"],
        ["reasoning", "finish"],
    ), order
    return out


def stream_raw(client: httpx.Client, payload: dict[str, Any], **headers: str) -> bytes:
    with client.stream("POST", "/chat/completions", json=payload, headers=headers) as resp:
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith("text/event-stream")
        return resp.read()


@pytest.fixture(name="client")
def offline_client_fixture() -> Iterator[httpx.Client]:
    """An httpx client on the in-process offline transport (import this name to use ``client`` in a module)."""
    with httpx.Client(transport=OfflineTransport(pace=0), base_url="http://offline.invalid/v1") as c:
        yield c


@pytest.fixture(name="server", scope="module")
def offline_server_fixture() -> Iterator[str]:
    """``python -m playground.offline.server``'s server in a thread, unpaced; its base URL (``server``)."""
    srv = offline_server.serve("127.0.0.1", 0, pace=0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield offline_server.base_url(srv)
    srv.shutdown()
    srv.server_close()
