"""Issue 21, findings 2 and 3: no pattern freezes the process and no schema makes the in-process offline engine
build a huge value. Patterns run on the regex package with a time limit and without the GIL (output format,
tool parameters, the test-set JSON check, jsonschema's fallback, the engine's own prompt searches)."""

from __future__ import annotations

import json
import time
import tracemalloc
from typing import Any

import pytest
from hostile import BOMBS, CATASTROPHIC
from hostile import ask_offline as ask

from playground.chat.events import ToolCallDelta
from playground.experiments.checks import Check, run
from playground.tools.calls import ToolCallAccumulator
from playground.tools.functions import ToolSpec
from playground.tools.response_format import ResponseFormat, check_reply
from playground.tools.schema import validate

PATTERN, VALUE = CATASTROPHIC
SLOW = ("^(a|aa)+$", "a" * 36 + "!")  # slow on the regex package too: only its time limit ends it


@pytest.fixture(autouse=True)
def fast_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_OFFLINE_PACE", "0")


def _schema(pattern: str) -> dict[str, Any]:
    return {"type": "object", "properties": {"code": {"type": "string", "pattern": pattern}}, "required": ["code"]}


def _every_path(pattern: str, value: str) -> list[str]:
    """The verdict of each place a pattern meets model output, as a message ('' when valid)."""
    schema = _schema(pattern)
    fmt = ResponseFormat("json_schema", "code", schema)
    reply = ask(f'code: "{value}"', response_format=fmt.openai(), max_tokens=2000)  # the engine copies the value
    output = check_reply(reply.text, fmt)
    acc = ToolCallAccumulator([ToolSpec("lookup", "Look a code up", schema)])
    acc.add(ToolCallDelta(0, "c1", "lookup", json.dumps({"code": value})))
    (call,) = acc.finish()
    fallback = validate({**schema, "not": {"type": "null"}}, {"code": value})  # outside the compiled subset
    testset = run(Check("json", schema=schema), json.dumps({"code": value}), {})
    assert output is not None and output.value == {"code": value}
    return [str(output.problem or ""), str(call.problem or ""), str(fallback or ""), testset.detail]


def test_finding_2_a_catastrophic_pattern_never_freezes_the_process() -> None:
    verdicts = _every_path(PATTERN, VALUE)  # 2.9 s holding the GIL on Python's re, per path
    assert all("does not match" in v for v in verdicts), verdicts
    verdicts = _every_path(*SLOW)
    assert all("could not be checked against the pattern" in v for v in verdicts), verdicts
    assert _every_path(PATTERN, "aaaa") == ["", "", "", ""]  # a value that matches is still valid


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_finding_3_schema_bombs_are_bounded_and_the_reply_says_so(bomb: str) -> None:
    schema = BOMBS[bomb]
    fmt = ResponseFormat("json_schema", "bomb", {"type": "object", "properties": {"v": schema}, "required": ["v"]})
    if bomb == "self reference":
        fmt = ResponseFormat("json_schema", "bomb", schema)
    tool = {"type": "function", "function": {"name": "bomb", "description": "bomb", "parameters": fmt.schema}}
    tracemalloc.start()
    started = time.perf_counter()
    answer = ask("Answer, please", response_format=fmt.openai(), max_tokens=600)
    called = ask("Call the bomb tool", tools=[tool], tool_choice="required", max_tokens=600)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "The schema asks for more than one reply may hold" in answer.text
    assert "The schema asks for more than one reply may hold" in called.text and len(called.tool_calls) == 1
    assert len(called.tool_calls[0]["function"]["arguments"]) < 200_000
    assert peak < 64 * 1024 * 1024, f"{peak / 1e6:.0f} MB"
    assert seconds < 60


def _chat_with_format(schema: dict[str, Any], prompt: str) -> Any:
    from apptest_util import new_app, run, send

    from components import state as keys
    from playground.tools.settings import ToolSettings

    at = new_app()
    at.session_state[keys.TOOL_SETTINGS] = ToolSettings(response_format=ResponseFormat("json_schema", "x", schema))
    run(at)
    return send(at, prompt)


def test_finding_2_the_chat_gives_a_verdict_when_a_pattern_runs_out_of_time() -> None:
    pattern, value = SLOW
    at = _chat_with_format(_schema(pattern), f'code: "{value}"')
    assert not at.exception
    verdict = " ".join(c.value for c in at.caption)
    assert "could not be checked against the pattern" in verdict and "not accepted" in verdict


def test_finding_3_the_chat_says_the_offline_engine_cut_a_schema_bomb() -> None:
    schema = {"type": "object", "properties": {"v": BOMBS["long string"]}, "required": ["v"]}
    at = _chat_with_format(schema, "Answer, please")
    assert not at.exception
    shown = " ".join([*(c.value for c in at.code), *(m.value for m in at.markdown)])
    assert "The schema asks for more than one reply may hold" in shown and "minLength 3,000,000,000 cut" in shown
