"""Issue 21, finding 4: a flood of parallel tool calls. A reply may start at most PLAYGROUND_MAX_TOOL_CALLS (128)
calls; past it the reply stops with a clear error and keeps the calls that came; ids and names count toward the
reply's size; the call index is kept as calls arrive."""

from __future__ import annotations

import time

import pytest
from apptest_util import chat, new_app, run, send
from hostile import HostileServer
from hostile import stream_flood as flood

from components import state
from playground.facts import catalog
from playground.wire import http

MODEL = catalog.get_model(catalog.DEFAULT_MODEL_ID)


@pytest.fixture(autouse=True)
def fresh_clients():
    http.close_all()
    yield
    http.close_all()


def test_finding_4_a_tool_call_flood_is_capped_and_keeps_what_came() -> None:
    with HostileServer("tool_flood", events=2, per_event=5000) as server:  # 10,000 calls, 478 KB per event
        started = time.perf_counter()
        builder, error = flood(server)
        seconds = time.perf_counter() - started
    assert error is not None and "limit of 128 tool calls" in error.message and "are kept" in error.message
    calls = builder.tool_calls()
    assert [c.id for c in calls] == [f"c{i}" for i in range(128)] and all(c.name == "f" for c in calls)
    assert seconds < 30


def test_finding_4_ids_and_names_count_toward_the_reply_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_MAX_TOOL_CALLS", "100000")
    monkeypatch.setenv("PLAYGROUND_MAX_REPLY_CHARS", "20000")  # empty arguments: only ids and names are text
    with HostileServer("tool_flood", events=1, per_event=5000) as server:
        builder, error = flood(server)
    assert error is not None and "limit of 20,000 characters" in error.message
    assert 0 < len(builder.tool_calls()) < 5000


def test_finding_4_the_chat_shows_the_error_and_keeps_the_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_MAX_TOOL_CALLS", "12")
    with HostileServer("tool_flood", events=3, per_event=400) as server:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
        at = run(new_app())
        send(at, "Call everything")
    assert [role for role, _ in chat(at)][:2] == ["user", "assistant"]
    assert "limit of 12 tool calls" in " ".join(e.value for e in at.error)
    kept = at.session_state[state.CONVERSATION].messages[-1]
    assert [c.id for c in kept.tool_calls] == [f"c{i}" for i in range(12)]
