"""Malformed streams and impossible usage: typed errors or flagged usage, never a crash (issue 12, finding 9)."""

from __future__ import annotations

import pytest
from hostile import ANTHROPIC_WRONG_TYPES, HostileServer
from loopback import sse, sse_reply

from playground.chat.errors import PlaygroundError, StreamBroken
from playground.chat.events import TextDelta, ToolCallDelta, Usage
from playground.chat.state import ChatState
from playground.chat.turn import ReplyBuilder
from playground.facts import catalog, providers
from playground.facts.params import DEFAULTS
from playground.facts.providers import ProviderConfig
from playground.wire import http
from playground.wire.anthropic_stream import events_from_message, events_from_sse, usage_from
from playground.wire.openai_chat import stream_chat
from playground.wire.openai_events import usage_event
from playground.wire.protocols import build_plan

MODEL = catalog.get_model(catalog.DEFAULT_MODEL_ID)
CONFIG = ProviderConfig(providers.XAI, "http://127.0.0.1:9/v1", "")


@pytest.fixture(autouse=True)
def fresh_clients():
    http.close_all()
    yield
    http.close_all()


def stream(url: str):
    config = ProviderConfig(providers.CUSTOM, url + "/v1", "")
    plan = build_plan(ChatState(config, MODEL, DEFAULTS, [{"role": "user", "content": "hi"}]))
    return stream_chat(plan, config=config)


def priced(usage: Usage):
    builder = ReplyBuilder(model=MODEL, provider_id="xai", params={}, messages=[])
    builder.feed(usage)
    return builder.finish().cost


def test_deeply_nested_json_in_an_event_is_skipped_and_reported():
    """Finding 9: a 100,000-level nested event raised RecursionError through the page."""
    with HostileServer("nested") as bad:
        with pytest.raises(StreamBroken) as info:
            list(stream(bad.url))
    assert "malformed chunk" in info.value.message and info.value.partial_text == "Survived"


def test_wrong_types_in_chunks_are_skipped_and_the_usage_is_flagged_not_priced():
    """Finding 9: ``tool_calls[].function`` as a string and ``completion_tokens_details`` as a string crashed;
    negative and 10^30 token counts were accepted and priced."""
    with HostileServer("wrong_types") as bad:
        events = list(stream(bad.url))
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Still readable"
    calls = [e for e in events if isinstance(e, ToolCallDelta)]
    assert calls[1].name is None and calls[1].arguments == '{"a": 1}'
    usage = next(e for e in events if isinstance(e, Usage))
    assert usage.prompt_tokens == 0 and usage.completion_tokens == 0
    assert "prompt_tokens = -5" in usage.invalid and "completion_tokens = 1000000" in usage.invalid
    assert "cost = 'NaN'" in usage.invalid
    assert priced(usage) is None


@pytest.mark.parametrize(
    "raw",
    [
        {"prompt_tokens": "12", "completion_tokens": 3},
        {"prompt_tokens": True},
        {"prompt_tokens": float("inf")},
        {"prompt_tokens": 1.5},
        {"prompt_tokens": {"nested": [1]}},
        {"prompt_tokens": 10, "completion_tokens_details": "lots"},
        {"prompt_tokens": 10, "prompt_tokens_details": {"cached_tokens": -1}},
        {"prompt_tokens": 10, "cost": -1},
        {"prompt_tokens": 10, "cost": "1e999"},
    ],
)
def test_impossible_usage_values_are_flagged(raw):
    usage = usage_event(raw, CONFIG)
    assert usage.invalid and priced(usage) is None


def test_sane_usage_is_still_priced():
    usage = usage_event({"prompt_tokens": 12, "completion_tokens": 3.0, "cost": 0.01}, CONFIG)
    assert not usage.invalid and usage.completion_tokens == 3 and priced(usage) is not None


def test_anthropic_counts_like_1e999_or_strings_are_flagged_not_raised():
    """Finding 9: ``int(1e999)`` (OverflowError) and ``int("twelve")`` (ValueError) crashed the page."""
    events = list(events_from_sse(ANTHROPIC_WRONG_TYPES))
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Still readable"
    usage = events[-1]
    assert isinstance(usage, Usage) and "input_tokens = 'twelve'" in usage.invalid
    assert "output_tokens = inf" in usage.invalid and priced(usage) is None
    assert usage_from({"input_tokens": 1e999}).invalid  # type: ignore[dict-item]


@pytest.mark.parametrize(
    "message",
    [
        {"content": "text", "usage": [], "stop_reason": 3},
        {"content": [None, {"type": "text", "text": 5}, {"type": "tool_use", "input": {"x": {1, 2}}}]},
        {"content": [{"type": "thinking", "thinking": ["a"]}], "usage": {"output_tokens": "9"}},
    ],
)
def test_anthropic_whole_messages_with_wrong_types_do_not_raise(message):
    events = list(events_from_message(message))
    assert isinstance(events[-1], Usage)


def test_any_other_failure_while_reading_becomes_a_typed_error_with_the_partial_text(monkeypatch):
    """An unexpected exception inside the reading loop reaches the page as a typed error, partial text kept."""
    from playground.wire import openai_events

    real = openai_events._tool_deltas

    def broken(*_args):
        raise KeyError("surprise")

    monkeypatch.setattr(openai_events, "_tool_deltas", broken)
    chunks = sse(
        {"choices": [{"delta": {"content": "Kept"}}]},
        {"choices": [{"delta": {"tool_calls": [{"index": 0}]}}]},
    )
    with HostileServer("drip") as bad:
        bad.handler = lambda _req: sse_reply(chunks)
        with pytest.raises(PlaygroundError) as info:
            list(stream(bad.url))
    assert isinstance(info.value, StreamBroken) and info.value.partial_text == "Kept"
    assert "KeyError" in info.value.message
    monkeypatch.setattr(openai_events, "_tool_deltas", real)


def test_an_anthropic_whole_reply_nested_too_deeply_is_a_typed_error():
    """Finding 9: ``response.json()`` raised RecursionError (not a ValueError) through the Messages client."""
    from loopback import LoopbackServer, Reply

    from playground.wire.anthropic_messages import stream_messages
    from playground.wire.request import RequestPlan

    deep = b'{"content": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with LoopbackServer(Reply(200, {"Content-Type": "application/json"}, deep)) as bad:
        config = ProviderConfig(providers.MODELSLAB, bad.url + "/v1", "")
        plan = RequestPlan(bad.url + "/v1/messages", {"Content-Type": "application/json"}, {"stream": False})
        with pytest.raises(PlaygroundError) as info:
            list(stream_messages(plan, config=config))
    assert info.value.status == 502 and len(info.value.message) < 400  # unreadable, quoted short


def test_a_served_model_name_cannot_break_out_of_its_code_span():
    """Finding 8: the reply's ``model`` field is the server's text; it is shown in code spans, so no backtick
    (or line break, or endless length) survives."""
    from playground.chat.events import ServedModel

    name = ServedModel("x` [Re-enter your key](https://phish.example) `y\n" + "z" * 500).name
    assert "`" not in name and "\n" not in name and len(name) == 120
