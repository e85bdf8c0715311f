"""A clean stream end: with neither a finish reason nor [DONE] the reply is kept but marked as maybe cut."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from apptest_util import captions, chat, send, start_app
from loopback import LoopbackServer, Reply, json_reply, sse, sse_reply

from components.chat.pane import reply_details
from playground.chat.events import UNKNOWN_FINISH, Finish, TextDelta, Usage
from playground.chat.export import reply_record
from playground.chat.turn import ReplyBuilder
from playground.facts import catalog
from playground.facts.providers import OPENROUTER, ProviderConfig
from playground.wire.openai_chat import complete_chat, stream_chat
from playground.wire.request import RequestPlan

USAGE = {"prompt_tokens": 12, "completion_tokens": 5}


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(Reply(500)) as srv:
        yield srv


def chunk(content: str | None = None, finish: str | None = None) -> dict[str, Any]:
    delta = {"content": content} if content is not None else {}
    return {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


def events(server: LoopbackServer, reply: Reply) -> list[Any]:
    """The typed events of one request to ``server`` answering with ``reply``."""
    server.handler = lambda _req: reply
    config = ProviderConfig(OPENROUTER, server.url + "/v1", "sk-test")
    plan = RequestPlan(
        server.url + "/v1/chat/completions",
        {"Content-Type": "application/json"},
        {"model": "m", "messages": [{"role": "user", "content": "hi"}], "stream": True},
    )
    with httpx.Client(timeout=10) as client:
        return list(stream_chat(plan, config=config, client=client))


def reply_of(got: list[Any]):
    """The reply record the playground builds from these events."""
    builder = ReplyBuilder(
        model=catalog.GROK_3_MINI,
        provider_id="openrouter",
        params={},
        messages=[{"role": "user", "content": "hi"}],
    )
    for event in got:
        builder.feed(event)
    return builder.finish()


def test_no_finish_reason_and_no_done_is_kept_and_marked(server: LoopbackServer) -> None:
    got = events(server, sse_reply(sse(chunk("Half an "), chunk("answer"), done=False)))
    assert got == [TextDelta("Half an "), TextDelta("answer"), Finish(UNKNOWN_FINISH)]
    reply = reply_of(got)
    assert reply.status == "unconfirmed" and reply.finish_reason == UNKNOWN_FINISH
    assert f"finish {UNKNOWN_FINISH}" in "\n".join(reply_details(reply))  # what the user sees under the reply
    record = reply_record(reply)  # what the JSON and Markdown exports write
    assert (record["status"], record["finish_reason"]) == ("unconfirmed", UNKNOWN_FINISH)


def test_marker_comes_before_the_usage(server: LoopbackServer) -> None:
    got = events(server, sse_reply(sse(chunk("Some"), {"choices": [], "usage": USAGE}, done=False)))
    assert got[:2] == [TextDelta("Some"), Finish(UNKNOWN_FINISH)]
    assert isinstance(got[2], Usage) and got[2].prompt_tokens == 12


def test_finish_reason_without_done_is_a_normal_end(server: LoopbackServer) -> None:
    got = events(server, sse_reply(sse(chunk("Whole"), chunk(finish="stop"), done=False)))
    assert got == [TextDelta("Whole"), Finish("stop")]
    reply = reply_of(got)
    assert reply.status == "complete" and reply.finish_reason == "stop"


def test_length_without_done_is_still_cut_at_max_tokens(server: LoopbackServer) -> None:
    reply = reply_of(events(server, sse_reply(sse(chunk("Long", "length"), done=False))))
    assert reply.status == "length" and reply.finish_reason == "length"


def test_done_without_finish_reason_is_a_normal_end(server: LoopbackServer) -> None:
    """[DONE] is the server saying the stream is over, so a missing finish reason alone is not marked."""
    got = events(server, sse_reply(sse(chunk("Whole"), {"choices": [], "usage": USAGE})))
    assert [type(e) for e in got] == [TextDelta, Usage]
    reply = reply_of(got)
    assert reply.status == "complete" and reply.finish_reason is None
    assert "finish complete" in "\n".join(reply_details(reply))


def test_whole_json_reply_without_finish_reason_is_not_marked(server: LoopbackServer) -> None:
    body = {"choices": [{"index": 0, "message": {"role": "assistant", "content": "Whole"}}], "usage": USAGE}
    server.handler = lambda _req: json_reply(200, body)
    config = ProviderConfig(OPENROUTER, server.url + "/v1", "sk-test")
    plan = RequestPlan(server.url + "/v1/chat/completions", {}, {"model": "m", "messages": [], "stream": False})
    result = complete_chat(plan, config=config)
    assert result.text == "Whole" and result.finish_reason is None


def test_the_playground_shows_the_marker(server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    server.handler = lambda _req: sse_reply(sse(chunk("Half an "), chunk("answer"), done=False))
    monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
    monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
    at = send(start_app(), "Tell me")
    assert not at.exception and not at.error
    assert chat(at)[-1] == ("assistant", "Half an answer")
    assert f"finish {UNKNOWN_FINISH}" in captions(at)
    assert "The stream ended without a finish reason: the reply may be cut." in captions(at)
