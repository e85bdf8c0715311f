"""The offline engine's function calling and structured output: the app's client, and the official openai
package against ``python -m playground.offline.server``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from playground.chat.events import ToolCallDelta
from playground.facts.providers import resolve
from playground.money.tokens import count_messages
from playground.offline.engine import OfflineRequestError, parse_body, plan_reply
from playground.tools.calls import ToolCallAccumulator
from playground.tools.examples import EXAMPLE_TOOLS, REVIEW
from playground.tools.functions import ToolChoice
from playground.tools.response_format import ResponseFormat, check_reply
from playground.tools.schema import validate
from playground.tools.wire import assistant_message, openai_fields, tool_message
from playground.wire.openai_chat import complete_chat
from playground.wire.request import RequestPlan

TOOLS = [t.openai() for t in EXAMPLE_TOOLS]
WEATHER = "What's the weather in Paris?"
TWO = "What's the weather in Oslo, and search the docs for umbrellas"


def ask(messages: list[dict[str, Any]], *, stream: bool = True, **fields: Any) -> Any:
    """One request through the app's own client to the offline provider."""
    config = resolve("offline", env={})
    body = {"model": "x-ai-grok-3-mini-beta", "messages": messages, "stream": stream, **fields}
    plan = RequestPlan(f"{config.base_url}/chat/completions", {"Content-Type": "application/json"}, body)
    return complete_chat(plan, config=config)


def calls_of(result: Any) -> list:
    acc = ToolCallAccumulator(EXAMPLE_TOOLS)
    for i, call in enumerate(result.tool_calls):
        acc.add(ToolCallDelta(i, call["id"], call["function"]["name"], call["function"]["arguments"]))
    return acc.finish()


@pytest.mark.parametrize("stream", [True, False])
def test_a_fitting_prompt_gets_a_valid_call_and_the_result_is_used(stream: bool) -> None:
    user = {"role": "user", "content": WEATHER}
    first = ask([user], stream=stream, tools=TOOLS)
    assert first.finish_reason == "tool_calls" and first.text == ""
    (call,) = calls_of(first)
    assert call.name == "get_weather" and call.value == {"city": "Paris"} and call.valid
    history = [user, assistant_message("", [call]), tool_message(call.id, '{"temperature": 23, "sky": "clear"}')]
    second = ask(history, stream=stream, tools=TOOLS)
    assert second.finish_reason == "stop" and not second.tool_calls
    assert '{"temperature": 23, "sky": "clear"}' in second.text and "get_weather" in second.text


def test_parallel_calls_at_once_or_one_per_round() -> None:
    user = {"role": "user", "content": TWO}
    both = calls_of(ask([user], tools=TOOLS))
    assert sorted(c.name for c in both) == ["get_weather", "search_docs"] and all(c.valid for c in both)
    assert len({c.id for c in both}) == 2
    history: list[dict[str, Any]] = [user]
    names = []
    for _ in range(2):  # parallel calls off: one tool per round, the next one after the result
        (call,) = calls_of(ask(history, tools=TOOLS, parallel_tool_calls=False))
        names.append(call.name)
        history += [assistant_message("", [call]), tool_message(call.id, f"result of {call.name}")]
    assert sorted(names) == ["get_weather", "search_docs"]
    final = ask(history, tools=TOOLS, parallel_tool_calls=False)
    assert final.finish_reason == "stop" and "result of get_weather" in final.text


def test_tool_choice_none_required_and_named() -> None:
    user = [{"role": "user", "content": "Tell me a joke"}]
    assert not ask(user, tools=TOOLS).tool_calls  # auto: nothing fits
    assert not ask([{"role": "user", "content": WEATHER}], tools=TOOLS, tool_choice="none").tool_calls
    (required,) = calls_of(ask(user, tools=TOOLS, tool_choice="required"))
    assert required.valid
    fields = openai_fields(tools=EXAMPLE_TOOLS, tool_choice=ToolChoice("function", "create_event"))
    (named,) = calls_of(ask(user, **fields))
    assert named.name == "create_event" and named.valid


@pytest.mark.parametrize("stream", [True, False])
def test_json_modes_answer_valid_json(stream: bool) -> None:
    user = [{"role": "user", "content": "Review this phone, rating: 4"}]
    fmt = ResponseFormat("json_schema", "review", REVIEW)
    reply = ask(user, stream=stream, response_format=fmt.openai())
    verdict = check_reply(reply.text, fmt)
    assert verdict is not None and verdict.valid and verdict.value["rating"] == 4
    plain = ask(user, stream=stream, response_format={"type": "json_object"})
    assert check_reply(plain.text, ResponseFormat("json_object")).valid


def test_usage_counts_tools_and_bad_fields_are_refused() -> None:
    body = {"messages": [{"role": "user", "content": "hi"}], "tools": TOOLS}
    reply = plan_reply(parse_body(json.dumps(body).encode()))
    assert reply.usage["prompt_tokens"] > count_messages(body["messages"]) + 50
    bad_schema = {"type": "json_schema", "json_schema": {"name": "r", "schema": {"type": "strin"}}}
    for field, value in [("tools", [{"type": "function"}]), ("response_format", bad_schema), ("tool_choice", 3)]:
        with pytest.raises(OfflineRequestError) as info:
            parse_body(json.dumps({**body, field: value}).encode())
        assert info.value.param == field


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "playground.offline.server", "--port", "0", "--pace", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        match = re.fullmatch(r"offline engine listening on (http://127\.0\.0\.1:\d+/v1)\n", proc.stdout.readline())
        assert match
        yield match.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_openai_package_gets_valid_tool_calls_and_schema_json(served: str) -> None:
    openai = pytest.importorskip("openai")
    sdk = openai.OpenAI(base_url=served, api_key="unused", max_retries=0)
    messages = [{"role": "user", "content": TWO}]
    whole = sdk.chat.completions.create(model="m", messages=messages, tools=TOOLS)
    assert whole.choices[0].finish_reason == "tool_calls"
    got = {c.function.name: json.loads(c.function.arguments) for c in whole.choices[0].message.tool_calls}
    schemas = {t.name: t.schema for t in EXAMPLE_TOOLS}
    assert set(got) == {"get_weather", "search_docs"} and got["get_weather"] == {"city": "Oslo"}
    assert all(validate(schemas[name], args) is None for name, args in got.items())
    streamed: dict[int, dict[str, str]] = {}
    pieces = 0
    for chunk in sdk.chat.completions.create(model="m", messages=messages, tools=TOOLS, stream=True):
        for call in (chunk.choices[0].delta.tool_calls or []) if chunk.choices else []:
            entry = streamed.setdefault(call.index, {"name": "", "arguments": ""})
            entry["name"] += call.function.name or ""
            entry["arguments"] += call.function.arguments or ""
            pieces += 1
    assert {e["name"]: json.loads(e["arguments"]) for e in streamed.values()} == got and pieces > 4
    schema = {"type": "json_schema", "json_schema": {"name": "review", "schema": REVIEW, "strict": True}}
    reply = sdk.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "ok"}], response_format=schema
    )
    assert validate(REVIEW, json.loads(reply.choices[0].message.content)) is None
    with pytest.raises(openai.BadRequestError):
        bad = {"type": "json_schema", "json_schema": {"name": "r", "schema": {"type": "strin"}}}
        sdk.chat.completions.create(model="m", messages=messages, response_format=bad)
