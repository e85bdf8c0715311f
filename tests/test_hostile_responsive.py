"""Issue 21: the process stays responsive while hostile input is handled. A ticking thread measures how long any
other thread (another session) is stalled while a catastrophic pattern, a schema bomb and a tool-call flood are
each handled in this process: under 100 ms (the least of five runs, so a busy machine's noise does not count)."""

from __future__ import annotations

import json

import pytest
from hostile import BOMBS, CATASTROPHIC, HostileServer, least_stall
from hostile import ask_offline as ask
from hostile import stream_flood as flood

from playground.experiments.checks import Check, run
from playground.tools.response_format import ResponseFormat, check_reply
from playground.tools.schema import validate

LIMIT = 0.1


@pytest.fixture(autouse=True)
def fast_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_OFFLINE_PACE", "0")


def test_a_catastrophic_pattern_stalls_no_other_thread() -> None:
    pattern, value = CATASTROPHIC  # 2.9 s holding the GIL on Python's re
    schema = {"type": "object", "properties": {"code": {"type": "string", "pattern": pattern}}}
    fmt = ResponseFormat("json_schema", "code", schema)
    text = json.dumps({"code": value})

    def handle() -> None:
        assert not check_reply(text, fmt).valid
        assert validate({**schema, "not": {"type": "null"}}, {"code": value}) is not None
        assert not run(Check("json", schema=schema), text, {}).passed

    stall = least_stall(handle)
    assert stall < LIMIT, f"another thread stalled {stall:.3f} s"


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_a_schema_bomb_stalls_no_other_thread(bomb: str) -> None:
    schema = {"type": "object", "properties": {"v": BOMBS[bomb]}, "required": ["v"]}
    fmt = ResponseFormat("json_schema", "bomb", schema).openai()
    stall = least_stall(lambda: ask("Answer, please", response_format=fmt, max_tokens=600))
    assert stall < LIMIT, f"another thread stalled {stall:.3f} s"


def test_a_tool_flood_stalls_no_other_thread() -> None:
    with HostileServer("tool_flood", events=2, per_event=5000) as server:
        stall = least_stall(lambda: flood(server))
    assert stall < LIMIT, f"another thread stalled {stall:.3f} s"
