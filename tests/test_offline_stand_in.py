"""The offline engine describes the request the chosen provider would get (its model name, what it leaves out,
its key variable), and its hint matches the sidebar: a key field for a chosen provider, none for the engine."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from playground.chat.state import ChatState
from playground.facts.catalog import get_model
from playground.facts.params import DEFAULTS
from playground.facts.providers import resolve
from playground.offline.engine import OfflineTransport
from playground.wire.openai_chat import collect, stream_chat
from playground.wire.protocols import build_plan
from playground.wire.request import OMITTED_HEADER, STAND_IN_HEADER

MODEL = get_model("x-ai-grok-3-mini-beta")


def _answer(provider_id: str, **params: object) -> str:
    """The offline reply the app gets with ``provider_id`` chosen and no key anywhere."""
    config = resolve(provider_id, env={}, secrets={})
    assert config.provider.offline  # no key: the offline engine answers
    state = ChatState(config, MODEL, DEFAULTS.model_copy(update=params)).with_history(
        [{"role": "user", "content": "Explain quantum computing in simple terms"}]
    )
    with httpx.Client(transport=OfflineTransport(pace=0)) as client:
        return collect(stream_chat(build_plan(state), config=config, client=client)).text


def _request_json(text: str) -> dict:
    block = re.search(r"```json\n(.*?)\n```", text, re.S)
    assert block, text
    return json.loads(block.group(1))


def test_xai_without_a_key_gets_xais_request_described() -> None:
    text = _answer("xai", stop=["END"], frequency_penalty=0.5)
    request = _request_json(text)
    assert request["model"] == "grok-3-mini"
    assert not {"frequency_penalty", "presence_penalty", "stop"} & set(request)  # xAI refuses them here
    assert "#### The request xAI would get" in text and "https://api.x.ai/v1/chat/completions" in text
    assert "Left out for xAI: `frequency_penalty`, `presence_penalty`, `stop`: not supported by reasoning" in text
    assert "`XAI_API_KEY`" in text and "MODELSLAB" not in text
    assert "**API key** field" in text  # the sidebar shows one for xAI


def test_openrouter_gets_its_own_name_and_effort_shape() -> None:
    request = _request_json(_answer("openrouter", reasoning_effort="high"))
    assert request["model"] == "x-ai/grok-3-mini-beta" and request["reasoning"] == {"effort": "high"}
    assert "frequency_penalty" in request  # OpenRouter takes penalties


def test_the_engine_chosen_itself_never_points_at_a_key_field_that_is_not_there() -> None:
    text = _answer("offline")
    hint = text.split("#### Connect a real provider", 1)[1]
    assert "Provider** list" in hint and "appears under it" in hint  # choose a provider first: then the field
    assert "`XAI_API_KEY`" in hint and "`MODELSLAB_API_KEY`" in hint
    assert "Type your" not in hint


def test_only_the_offline_engine_offered_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_ALLOWED_PROVIDERS", "offline")
    assert "offers only the offline engine" in _answer("offline")


def test_stand_in_headers_from_another_client_are_read_as_text_only() -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "presence_penalty": 0.1}
    hostile = {"x</b>": "<img src=x>", "stop": "**bold** [link](http://evil.example) `tick`", "n": 5}
    headers = {STAND_IN_HEADER: "xai", OMITTED_HEADER: json.dumps(hostile)}
    with httpx.Client(transport=OfflineTransport(pace=0)) as client:
        got = client.post("http://offline.invalid/v1/chat/completions", json=body, headers=headers).json()
        text = got["choices"][0]["message"]["content"]
        assert "Left out for xAI: `stop`: bold link (http: evil.example) tick." in text
        assert "<img" not in text and "x</b>" not in text and "[link]" not in text
        for junk in ("nobody", "offline"):
            plain = client.post(
                "http://offline.invalid/v1/chat/completions", json=body, headers={STAND_IN_HEADER: junk}
            ).json()["choices"][0]["message"]["content"]
            assert "#### Connect a real provider" in plain and "would get" not in plain
        bad = client.post(
            "http://offline.invalid/v1/chat/completions",
            json=body,
            headers={STAND_IN_HEADER: "xai", OMITTED_HEADER: "not json"},
        ).json()["choices"][0]["message"]["content"]
        assert "Nothing is left out for xAI." in bad
