"""The app's own Chat Completions client against the offline provider."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from offline_util import BODY_KEY

from playground.chat.state import ChatState
from playground.money.tokens import count_messages, count_tokens
from playground.offline import pacing
from playground.offline.engine import OfflineTransport, plan_reply


def app_plan(config: Any, *, stream: bool = True, max_tokens: int = 1000) -> Any:
    from playground.facts.catalog import GROK_3_MINI
    from playground.facts.params import GenerationParams
    from playground.wire.request import build_chat_request

    params = GenerationParams(max_tokens=max_tokens, reasoning_effort="high")
    history = [{"role": "user", "content": "Explain <b>SSE</b> in one line"}]
    return build_chat_request(ChatState(config, GROK_3_MINI, params, history, stream=stream))


def test_the_app_client_streams_from_the_offline_provider() -> None:
    from playground.chat.events import Finish, ReasoningDelta, ServedModel, TextDelta, Usage
    from playground.facts.providers import resolve
    from playground.wire.openai_chat import collect as collect_events
    from playground.wire.openai_chat import complete_chat, stream_chat

    config = resolve("offline", env={})
    assert config.provider.offline
    plan = app_plan(config)
    expected = plan_reply(plan.body)
    events = list(stream_chat(plan, config=config))
    assert isinstance(events[0], ReasoningDelta) and isinstance(events[-1], Usage)
    assert {type(e) for e in events} == {ReasoningDelta, TextDelta, Finish, ServedModel, Usage}
    result = collect_events(events)
    assert result.text == expected.answer_text and result.reasoning == expected.reasoning_text
    assert result.finish_reason == "stop" and "offline engine, not Grok" in result.text
    assert result.usage.completion_tokens == count_tokens(result.text) + count_tokens(result.reasoning)
    assert result.usage.reasoning_tokens == count_tokens(result.reasoning)
    assert result.usage.prompt_tokens == count_messages(plan.body["messages"])
    short = complete_chat(app_plan(config, stream=False, max_tokens=20), config=config)
    assert short.finish_reason == "length" and short.usage.output_tokens <= 20


def test_the_app_client_can_stop_early_and_never_sees_its_key_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    from playground.chat.events import TextDelta
    from playground.facts.providers import resolve
    from playground.wire.openai_chat import collect as collect_events
    from playground.wire.openai_chat import stream_chat

    for auth in ("bearer", "body"):
        config = resolve("modelslab", env={"MODELSLAB_API_KEY": BODY_KEY}, auth=auth)
        plan = app_plan(config)
        assert BODY_KEY in json.dumps(plan.body) + json.dumps(plan.headers)  # the key really is sent
        with httpx.Client(transport=OfflineTransport(pace=0), base_url="http://offline.invalid") as c:
            result = collect_events(stream_chat(plan, config=config, client=c))
            assert BODY_KEY not in result.text + result.reasoning and result.finish_reason == "stop"
        sleeps: list[float] = []
        monkeypatch.setattr(pacing.time, "sleep", sleeps.append)  # replaced again on the next round
        with httpx.Client(transport=OfflineTransport(pace=0.5), base_url="http://offline.invalid") as c:
            events = stream_chat(plan, config=config, client=c)
            first = [next(events) for _ in range(5)]
            events.close()
        assert all(not isinstance(e, TextDelta) for e in first)  # reasoning comes first
        assert 0 < len(sleeps) < 20  # the engine stopped producing when the app closed the stream
