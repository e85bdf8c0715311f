"""The footer's one "Next message" line: with the prompt cache where the provider routes a conversation to it
(a conversation header: xAI, the offline engine), the plain prediction elsewhere."""

from __future__ import annotations

import pytest
from apptest_util import answer_stream, run, send, start_app
from loopback import LoopbackServer

from playground.offline.cache import CACHE


def next_lines(at) -> list[str]:
    return [c.value for c in at.caption if "Next message" in c.value]


@pytest.fixture
def offline(monkeypatch):
    CACHE.clear()
    monkeypatch.setenv("PLAYGROUND_PROVIDER", "offline")
    yield
    CACHE.clear()


def test_one_next_message_line_with_the_cache_only_where_a_conversation_header_routes_to_it(
    offline, monkeypatch
) -> None:
    at = start_app()
    assert len(next_lines(at)) == 1 and "from the cache" not in next_lines(at)[0]  # nothing sent yet: plain
    send(at, "Which trains leave Lisbon for Porto on Saturday morning?")
    send(at, "And the ones back on Sunday evening?")
    [line] = next_lines(at)
    assert " input tokens from the cache (" in line and "of input, plus up to $" in line
    assert "at max tokens (" in line and "Your edit" not in line
    at.text_area(key="system").set_value("Answer in French from now on.")
    run(at)
    [line] = next_lines(at)  # the edit is told in the same line
    assert "Your edit: the next turn re-reads" in line and "at max tokens (" in line

    # a provider with no conversation header: one plain line
    with LoopbackServer(lambda req: answer_stream()) as server:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
        at = start_app()
        send(at, "Which trains leave Lisbon for Porto on Saturday morning?")
        send(at, "And the ones back on Sunday evening?")
    [line] = next_lines(at)
    assert "from the cache" not in line and " input tokens ≈ " in line and "at max tokens (" in line
