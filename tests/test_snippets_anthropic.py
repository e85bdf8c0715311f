"""Anthropic-protocol samples run against a loopback server and send the app's request; Claude Code lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from loopback import LoopbackServer
from snippets_util import HISTORY, REPLY, RUN_KEY, app_config, handler, header, run_sample

from playground.chat.state import ChatState
from playground.facts.catalog import GROK_3_MINI, RELATED
from playground.facts.params import GenerationParams
from playground.snippets import samples as snippets
from playground.wire.anthropic_messages import build_messages_request


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    """One loopback server for the module (each test reads the last request it recorded)."""
    with LoopbackServer(handler) as running:
        yield running


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
@pytest.mark.parametrize("lang", list(snippets.LANGUAGES))
def test_anthropic_protocol_samples(lang: str, stream: bool, tmp_path: Path, server: LoopbackServer) -> None:
    if lang == "python_sdk":
        pytest.importorskip("anthropic")
    params = GenerationParams(temperature=1.4)
    config = app_config(server.url, auth="x-api-key")
    samples = snippets.build_samples(
        ChatState(config, GROK_3_MINI, params, HISTORY, stream=stream, protocol="anthropic")
    )
    out = run_sample(samples.code[lang], lang, tmp_path)
    sent = server.requests[-1]
    app = build_messages_request(ChatState(config, GROK_3_MINI, params, HISTORY, stream=stream))
    assert sent.path == "/v1/messages" and sent.json() == app.body and sent.json()["temperature"] == 1.0
    assert header(sent, "anthropic-version") == "2023-06-01"
    if lang == "python_sdk":  # the anthropic package sends api_key as x-api-key, or as Bearer in newer releases
        bearer = (header(sent, "Authorization") or "").removeprefix("Bearer ")
        assert RUN_KEY in (header(sent, "x-api-key"), bearer)
    else:
        assert header(sent, "x-api-key") == RUN_KEY
    assert samples.adjusted == app.adjusted and samples.labels["python_sdk"] == "Python (anthropic)"
    if lang == "curl":
        assert all(json.dumps(piece)[1:-1] in out for piece in REPLY)
    else:
        assert out.strip() == "".join(REPLY)


def test_anthropic_sdk_sample_sends_bearer_with_auth_token(tmp_path: Path, server: LoopbackServer) -> None:
    pytest.importorskip("anthropic")
    config = app_config(server.url, auth="bearer")
    code = snippets.build_samples(
        ChatState(config, GROK_3_MINI, GenerationParams(), HISTORY, stream=False, protocol="anthropic")
    ).code["python_sdk"]
    assert run_sample(code, "python_sdk", tmp_path).strip() == "".join(REPLY)
    assert "auth_token=" in code and header(server.requests[-1], "Authorization") == f"Bearer {RUN_KEY}"


def test_claude_code_lines_for_the_selected_model() -> None:
    text = snippets.claude_code(RELATED[1])
    assert 'export ANTHROPIC_BASE_URL="https://modelslab.com/api/v7/llm"' in text
    assert "ANTHROPIC_AUTH_TOKEN=" in text and f"claude --model {RELATED[1].id}" in text
