"""Work the streaming client does once, not again and again: the limits are read from the environment once per call
(and still as the environment sets them then); a compressed stream is still decoded where others are read raw."""

from __future__ import annotations

import gzip

import httpx
import pytest
from loopback import LoopbackServer, Reply, sse, sse_reply
from openai_chat_util import chunk, config, plan, serve, shared_server_fixture  # noqa: F401 - fixtures

from playground.chat.errors import ReplyTooLarge
from playground.wire import limits
from playground.wire.openai_chat import collect, stream_chat


def test_limits_are_read_once_per_call(shared_server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[limits.Limits] = []
    from_env = limits.Limits.from_env

    def counted() -> limits.Limits:
        reads.append(from_env())
        return reads[-1]

    monkeypatch.setattr(limits.Limits, "from_env", staticmethod(counted))
    serve(shared_server, sse_reply(sse(chunk({"content": "Hello"}), chunk({}, "stop"))))
    with httpx.Client(timeout=httpx.Timeout(10.0)) as client:
        result = collect(stream_chat(plan(shared_server), config=config(shared_server), client=client))
    assert result.text == "Hello"
    assert len(reads) == 1  # was 3: the reply's size and tool-call limits and the SSE event limit apart


def test_the_event_limit_is_the_environments_at_the_call(
    shared_server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = b'data: {"choices":[{"delta":{"content":"' + b"x" * 5000 + b'"}}]}\n\n'
    serve(shared_server, sse_reply([line[:4500], line[4500:], b"data: [DONE]\n\n"]))  # a line held across chunks
    with httpx.Client(timeout=httpx.Timeout(10.0)) as client:
        assert collect(stream_chat(plan(shared_server), config=config(shared_server), client=client)).text
        monkeypatch.setenv("PLAYGROUND_MAX_EVENT_BYTES", "4096")
        with pytest.raises(ReplyTooLarge) as info:
            collect(stream_chat(plan(shared_server), config=config(shared_server), client=client))
    assert "4,096 bytes" in info.value.message


def test_a_compressed_event_stream_is_still_decoded(shared_server: LoopbackServer) -> None:
    raw = gzip.compress(
        b"".join(sse(chunk({"content": "Hello"}), chunk({"content": " there"}), chunk({}, "stop")))
    )
    pieces = [raw[i : i + 7] for i in range(0, len(raw), 7)]  # the compressed bytes cut anywhere
    serve(
        shared_server, Reply(200, {"Content-Type": "text/event-stream", "Content-Encoding": "gzip"}, chunks=pieces)
    )
    with httpx.Client(timeout=httpx.Timeout(10.0)) as client:
        result = collect(stream_chat(plan(shared_server), config=config(shared_server), client=client))
    assert result.text == "Hello there" and result.finish_reason == "stop"
