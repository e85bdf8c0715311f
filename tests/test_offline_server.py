"""The offline engine's laziness and early close, and its HTTP server with real clients (curl, openai, CLI)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from offline_util import body, collect, decode_sse, offline_client_fixture, offline_server_fixture, stream_raw  # noqa: F401 - fixtures

from playground.money.tokens import count_messages, count_tokens
from playground.offline import engine as offline
from playground.offline import pacing
from playground.offline import server as offline_server
from playground.offline.engine import ENGINE_MODEL, OfflineTransport, plan_reply

# --- laziness and early close ------------------------------------------------------------------------------


def test_transport_stream_is_lazy_and_stops_when_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    sleeps: list[float] = []
    monkeypatch.setattr(pacing.time, "sleep", sleeps.append)
    payload = body(offline_answer_tokens=5000, max_tokens=100_000)
    with httpx.Client(transport=OfflineTransport(pace=0.25), base_url="http://offline.invalid/v1") as c:
        with c.stream("POST", "/chat/completions", json=payload) as resp:
            lines = resp.iter_lines()
            got = [next(lines) for _ in range(10)]
        assert 0 < len(sleeps) < 20 and set(sleeps) == {0.25}  # paced per piece, and only what was read
        before = len(sleeps)
        assert len(list(lines)) <= 1  # closed: at most a buffered line, then nothing more is produced
        assert len(sleeps) == before
    assert got[0].startswith("data: ")


def test_server_stops_streaming_when_the_client_leaves(monkeypatch: pytest.MonkeyPatch) -> None:
    closed, sent = threading.Event(), []

    def watched(reply: Any, pace: float = 0.0, *, steady: bool = False) -> Iterator[bytes]:
        try:
            for event in offline.sse_events(reply, pace, steady=steady):
                sent.append(1)
                yield event
        finally:
            closed.set()

    monkeypatch.setattr(offline_server, "sse_events", watched)
    srv = offline_server.serve("127.0.0.1", 0, pace=0.001)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        url = offline_server.base_url(srv)
        payload = body(offline_answer_tokens=200_000, max_tokens=1_000_000)
        with httpx.stream("POST", f"{url}/chat/completions", json=payload) as resp:
            assert next(resp.iter_lines()).startswith("data: ")
        assert closed.wait(30), "the server kept streaming after the client closed"
        assert len(sent) < 200_000
        assert httpx.post(f"{url}/chat/completions", json=body(stream=False)).status_code == 200
    finally:
        srv.shutdown()
        srv.server_close()


# --- the server with real clients --------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_server_streams_valid_sse_to_curl(server: str, client: httpx.Client) -> None:
    payload = json.dumps(body(max_tokens=2000))
    result = subprocess.run(
        [
            "curl",
            "-sN",
            "--fail",
            "-H",
            "Content-Type: application/json",
            "-d",
            payload,
            f"{server}/chat/completions",
        ],
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert result.stdout == stream_raw(client, json.loads(payload))  # the same engine, byte for byte
    assert collect(decode_sse(result.stdout))["finish"] == "stop"
    chunked = subprocess.run(
        ["curl", "-sN", "--fail", "-H", "Transfer-Encoding: chunked", "-d", payload, f"{server}/chat/completions"],
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert chunked.stdout == result.stdout


def test_server_works_with_the_openai_package(server: str) -> None:
    openai = pytest.importorskip("openai")
    sdk = openai.OpenAI(base_url=server, api_key="unused", max_retries=0)
    messages = body()["messages"]
    expected = plan_reply(offline.parse_body(json.dumps(body(max_tokens=1000)).encode()))
    content, reasoning, usage, finish = "", "", None, None
    stream = sdk.chat.completions.create(
        model="x-ai-grok-3-mini-beta",
        messages=messages,
        temperature=0.7,
        top_p=0.9,
        max_tokens=1000,
        reasoning_effort="low",
        stream=True,
        stream_options={"include_usage": True},
    )
    for chunk in stream:
        assert chunk.model == ENGINE_MODEL
        if chunk.usage:
            usage = chunk.usage
        for choice in chunk.choices:
            content += choice.delta.content or ""
            reasoning += getattr(choice.delta, "reasoning_content", None) or ""
            finish = choice.finish_reason or finish
    assert content == expected.answer_text and reasoning == expected.reasoning_text and finish == "stop"
    assert usage.completion_tokens == expected.usage["completion_tokens"]
    assert usage.completion_tokens_details.reasoning_tokens == count_tokens(reasoning)
    plain = sdk.chat.completions.create(model="x-ai-grok-3-mini-beta", messages=messages, max_tokens=30)
    assert plain.choices[0].finish_reason == "length"
    assert plain.usage.completion_tokens <= 30 and plain.usage.prompt_tokens == count_messages(messages)
    assert [m.id for m in sdk.models.list()] == [ENGINE_MODEL]


def test_command_line_prints_its_url_and_serves() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "playground.offline.server", "--port", "0", "--pace", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        match = re.fullmatch(r"offline engine listening on (http://127\.0\.0\.1:\d+/v1)\n", line)
        assert match, line
        reply = httpx.post(f"{match.group(1)}/chat/completions", json=body(stream=False), timeout=30)
        assert reply.json()["model"] == ENGINE_MODEL
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_stream_decodes_with_the_playground_sse_decoder_split_anywhere(client: httpx.Client) -> None:
    from playground.wire.sse import iter_sse

    raw = stream_raw(client, body())
    expected = decode_sse(raw)
    for size in (1, 7, 4096):
        events = list(iter_sse(raw[i : i + size] for i in range(0, len(raw), size)))
        assert [e.data for e in events] == expected and {e.event for e in events} == {"message"}


def test_max_completion_tokens_and_openrouter_effort_are_understood(client: httpx.Client) -> None:
    payload = body(max_completion_tokens=9, reasoning={"effort": "high"})
    payload.pop("max_tokens")
    out = collect(decode_sse(stream_raw(client, payload)))
    assert out["finish"] == "length" and out["usage"]["completion_tokens"] <= 9
    high = plan_reply(offline.parse_body(json.dumps({**payload, "max_completion_tokens": 5000}).encode()))
    assert "Reasoning effort is high" in high.reasoning_text
    low = plan_reply(offline.parse_body(json.dumps(body()).encode()))
    assert "Reasoning effort is high" not in low.reasoning_text
