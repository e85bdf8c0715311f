"""xAI samples carry the x-grok-conv-id header the app sends (a placeholder value, one comment line); no other
provider's samples do.  Run against a loopback server like the other sample tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from loopback import LoopbackServer
from snippets_util import APP_KEY, HISTORY, REPLY, app_config, handler, header, run_sample

from playground.chat.state import ChatState
from playground.facts.catalog import GROK_3_MINI
from playground.facts.params import GenerationParams
from playground.facts.providers import OFFLINE, XAI, ProviderConfig
from playground.snippets import samples as snippets
from playground.wire.request import KEY_PLACEHOLDER, build_chat_request

CONV_ID = "conv-5f2e9a1c-real"  # the conversation's own id: the samples show a placeholder instead
NOTE = "x-grok-conv-id: one stable id per conversation, so xAI routes its turns to the server caching its prompt"
COMMENT = {"python_requests": "# ", "python_sdk": "# ", "javascript": "// ", "curl": "# ", "php": "// "}


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    """One loopback server for the module (each test reads the last request it recorded)."""
    with LoopbackServer(handler) as running:
        yield running


def _state(config: ProviderConfig, *, stream: bool) -> ChatState:
    return ChatState(config, GROK_3_MINI, GenerationParams(), HISTORY, stream=stream, conversation_id=CONV_ID)


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
@pytest.mark.parametrize("lang", list(snippets.LANGUAGES))
def test_xai_sample_sends_the_conversation_header_the_app_sends(
    lang: str, stream: bool, tmp_path: Path, server: LoopbackServer
) -> None:
    config = ProviderConfig(XAI, server.url, APP_KEY, "bearer")
    code = snippets.build_samples(_state(config, stream=stream)).code[lang]
    assert code.count(COMMENT[lang] + NOTE + "\n") == 1, code  # one comment line says what it does
    assert CONV_ID not in code and APP_KEY not in code
    out = run_sample(code, lang, tmp_path, env_key=None)  # no XAI_API_KEY set: the key placeholder goes out
    sent = server.requests[-1]
    app = build_chat_request(_state(config.with_key(KEY_PLACEHOLDER), stream=stream))
    assert app.headers["x-grok-conv-id"] == CONV_ID  # what the app itself sends
    expected = {**app.headers, "x-grok-conv-id": "<your-conversation-id>"}
    if lang == "python_sdk":  # the SDK sets Accept and Content-Type itself
        expected = {k: v for k, v in expected.items() if k in ("Authorization", "x-grok-conv-id")}
    assert {name: header(sent, name) for name in expected} == expected
    assert sent.path == "/chat/completions" and sent.json() == app.body
    if lang != "curl":
        assert out.strip() == "".join(REPLY)


@pytest.mark.parametrize("lang", ["python_requests", "curl"])
def test_only_xai_samples_carry_the_conversation_header(lang: str, tmp_path: Path, server: LoopbackServer) -> None:
    xai = snippets.build_samples(_state(ProviderConfig(XAI, XAI.base_url, APP_KEY, "bearer"), stream=False))
    modelslab = snippets.build_samples(_state(app_config(server.url), stream=False))
    offline = snippets.build_samples(_state(ProviderConfig(OFFLINE, OFFLINE.base_url, auth="none"), stream=False))
    assert all("x-grok-conv-id" in code for code in xai.code.values())
    for samples in (modelslab, offline):  # the offline engine's samples call ModelsLab
        assert all("x-grok-conv-id" not in code and CONV_ID not in code for code in samples.code.values())
    run_sample(modelslab.code[lang], lang, tmp_path)
    sent = server.requests[-1]
    assert header(sent, "x-grok-conv-id") is None
    assert json.loads(sent.body)["messages"][-1] == HISTORY[-1]
