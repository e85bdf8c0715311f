"""The offline engine's judge path: a judge request's schema is checked against the metaschema once, not three
times in every request (it was most of the engine's CPU per judge request; BENCHMARKS.md, evaluation), and a bad
schema is still refused with its problem every time."""

from __future__ import annotations

import uuid

import pytest
from jsonschema import Draft202012Validator

from playground.offline.engine import plan_reply, sse_events
from playground.offline.tooling import ToolRequestError
from playground.tools.schema import check_schema


def judge_body(schema: dict) -> dict:
    return {
        "model": "x-ai-grok-3-mini-beta",
        "messages": [{"role": "user", "content": "Grade the answer. Expected: Paris. Answer: Paris."}],
        "max_tokens": 2000,
        "response_format": {"type": "json_schema", "json_schema": {"name": "verdict", "schema": schema}},
    }


def verdict_schema() -> dict:
    return {
        "type": "object",
        "description": uuid.uuid4().hex,  # a schema no earlier test has checked
        "properties": {"pass": {"type": "boolean"}, "score": {"type": "number"}, "reason": {"type": "string"}},
        "required": ["pass", "score", "reason"],
    }


@pytest.fixture
def metaschema_checks(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    seen: list[dict] = []
    original = Draft202012Validator.check_schema.__func__

    def counted(cls, schema, *args, **kwargs):  # noqa: ANN001, ANN202
        seen.append(schema)
        return original(cls, schema, *args, **kwargs)

    monkeypatch.setattr(Draft202012Validator, "check_schema", classmethod(counted))
    return seen


def test_a_judge_schema_is_checked_once_across_requests(metaschema_checks: list[dict]) -> None:
    schema = verdict_schema()
    for _ in range(5):
        events = b"".join(sse_events(plan_reply({**judge_body(schema), "stream": True}), 0.0))
        assert b"pass" in events  # still a JSON verdict
    assert len([s for s in metaschema_checks if s == schema]) == 1


def test_a_bad_schema_is_refused_every_time_with_its_problem(metaschema_checks: list[dict]) -> None:
    bad = {**verdict_schema(), "type": "no-such-type"}
    for _ in range(3):
        with pytest.raises(ToolRequestError, match=r"\$\.type: 'no-such-type' is not valid"):
            plan_reply(judge_body(bad))
        problem = check_schema(bad)
        assert problem is not None and problem.path == "$.type"
