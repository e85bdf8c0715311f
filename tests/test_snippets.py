"""Generated samples run: against a loopback server each sends exactly the app's request and prints the reply."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from loopback import LoopbackServer
from snippets_util import APP_KEY, HISTORY, REPLY, RUN_KEY, app_config, handler, header, run_sample

from playground.chat.state import ChatState
from playground.facts.catalog import GROK_3_MINI, RELATED
from playground.facts.page import PAGE
from playground.facts.params import GenerationParams
from playground.facts.providers import CUSTOM, MODELSLAB, OFFLINE, XAI, ProviderConfig
from playground.snippets import samples as snippets
from playground.wire.request import build_chat_request


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    """One loopback server for the module (each test reads the last request it recorded)."""
    with LoopbackServer(handler) as running:
        yield running


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
@pytest.mark.parametrize("lang", list(snippets.LANGUAGES))
def test_sample_sends_the_app_request_and_prints_the_reply(
    lang: str, stream: bool, tmp_path: Path, server: LoopbackServer
) -> None:
    params = GenerationParams(temperature=0.35, max_tokens=321, stop=("END",), reasoning_effort="low")
    config = app_config(server.url)
    samples = snippets.build_samples(ChatState(config, GROK_3_MINI, params, HISTORY, stream=stream))
    out = run_sample(samples.code[lang], lang, tmp_path)
    assert APP_KEY not in samples.code[lang]
    app = build_chat_request(ChatState(config.with_key(RUN_KEY), GROK_3_MINI, params, HISTORY, stream=stream))
    sent = server.requests[-1]
    assert sent.path == "/chat/completions" and sent.json() == app.body
    assert header(sent, "Authorization") == f"Bearer {RUN_KEY}"
    if stream and lang == "curl":  # cURL prints the raw event stream
        assert all(json.dumps(piece)[1:-1] in out for piece in REPLY)
    elif lang == "curl":
        assert json.loads(out)["choices"][0]["message"]["content"] == "".join(REPLY)
    else:
        assert out.strip() == "".join(REPLY)


@pytest.mark.parametrize("lang", ["python_requests", "javascript", "curl", "php"])
def test_body_key_style_as_on_the_product_page(lang: str, tmp_path: Path, server: LoopbackServer) -> None:
    config = app_config(server.url, auth="body")
    samples = snippets.build_samples(ChatState(config, GROK_3_MINI, GenerationParams(), HISTORY, stream=False))
    run_sample(samples.code[lang], lang, tmp_path, env_key=None)  # no key in the environment: the placeholder
    body = server.requests[-1].json()
    assert body["key"] == "YOUR_API_KEY" and body["model_id"] == GROK_3_MINI.id and "model" not in body
    app = build_chat_request(ChatState(config, GROK_3_MINI, GenerationParams(), HISTORY, stream=False))
    assert body == {**app.body, "key": "YOUR_API_KEY"}
    assert header(server.requests[-1], "Authorization") is None


def test_sdk_sample_sends_the_key_as_bearer_even_in_body_style(tmp_path: Path, server: LoopbackServer) -> None:
    config = app_config(server.url, auth="body")
    samples = snippets.build_samples(ChatState(config, GROK_3_MINI, GenerationParams(), HISTORY, stream=True))
    assert run_sample(samples.code["python_sdk"], "python_sdk", tmp_path).strip() == "".join(REPLY)
    sent = server.requests[-1]
    app = build_chat_request(ChatState(replace(config, auth="bearer"), GROK_3_MINI, GenerationParams(), HISTORY))
    assert sent.json() == app.body and header(sent, "Authorization") == f"Bearer {RUN_KEY}"


@pytest.mark.parametrize("protocol", ["openai", "anthropic"])
@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
def test_php_sample_passes_lint(stream: bool, protocol: str, tmp_path: Path) -> None:
    if shutil.which("php") is None:
        pytest.skip("php is not installed")
    config = ProviderConfig(MODELSLAB, MODELSLAB.base_url, APP_KEY, "body")
    code = snippets.build_samples(
        ChatState(config, GROK_3_MINI, GenerationParams(), HISTORY, stream=stream, protocol=protocol)
    ).code["php"]  # type: ignore[arg-type]
    path = tmp_path / "sample.php"
    path.write_text(code, encoding="utf-8")
    done = subprocess.run(["php", "-l", str(path)], capture_output=True, text=True)
    assert done.returncode == 0 and "No syntax errors" in done.stdout, done.stdout + done.stderr


def test_changed_temperature_and_two_turns_are_carried_exactly() -> None:
    config = ProviderConfig(MODELSLAB, MODELSLAB.base_url, APP_KEY, "bearer")
    before = snippets.build_samples(ChatState(config, GROK_3_MINI, GenerationParams(), [], stream=False))
    assert f'"content": "{PAGE.starters[0]}"' in before.code["python_requests"]  # empty conversation: a starter
    turns = [{"role": "user", "content": "First question?"}, {"role": "assistant", "content": "First answer."}]
    after = snippets.build_samples(
        ChatState(config, GROK_3_MINI, GenerationParams(temperature=1.3), turns, stream=False)
    )
    for lang in snippets.LANGUAGES:
        code = after.code[lang]
        assert PAGE.starters[0] not in code and "First question?" in code and "First answer." in code
        assert "1.3" in code and "0.7" not in code, lang
    body = json.loads(after.code["curl"].split("-d '", 1)[1].rsplit("'", 1)[0])
    assert body["temperature"] == 1.3
    assert body["messages"][1:] == turns


def test_rejected_parameters_are_left_out() -> None:
    config = ProviderConfig(XAI, XAI.base_url, APP_KEY, "bearer")
    samples = snippets.build_samples(
        ChatState(
            config, GROK_3_MINI, GenerationParams(stop=("x",), presence_penalty=1), HISTORY, disabled=["top_p"]
        )
    )
    assert set(samples.omitted) == {"presence_penalty", "frequency_penalty", "stop", "top_p"}
    for lang in snippets.LANGUAGES:
        code = samples.code[lang]
        assert all(name not in code for name in samples.omitted), lang
        assert '"grok-3-mini"' in code or "'grok-3-mini'" in code
        assert "XAI_API_KEY" in code


def test_no_sample_contains_the_app_key_anywhere() -> None:
    history = [{"role": "user", "content": f"my key is {APP_KEY}"}]  # even a key pasted into the chat
    for auth in ("bearer", "body", "x-api-key"):
        for protocol in ("openai", "anthropic"):
            for stream in (True, False):
                config = ProviderConfig(MODELSLAB, MODELSLAB.base_url, APP_KEY, auth)  # type: ignore[arg-type]
                samples = snippets.build_samples(
                    ChatState(config, GROK_3_MINI, GenerationParams(), history, stream=stream, protocol=protocol)
                )  # type: ignore[arg-type]
                for code in samples.code.values():
                    assert APP_KEY not in code and "YOUR_API_KEY" in code


def test_offline_provider_shows_modelslab_with_a_note() -> None:
    config = ProviderConfig(OFFLINE, OFFLINE.base_url, auth="none")
    samples = snippets.build_samples(ChatState(config, GROK_3_MINI, GenerationParams(), []))
    assert samples.note == snippets.OFFLINE_NOTE and samples.provider_label == "ModelsLab"
    assert samples.url == "https://modelslab.com/api/v7/llm/chat/completions"
    assert all("offline.invalid" not in code and "MODELSLAB_API_KEY" in code for code in samples.code.values())


def test_keyless_custom_server_gets_no_auth() -> None:
    config = ProviderConfig(CUSTOM, "http://127.0.0.1:11434/v1", "", "bearer")
    samples = snippets.build_samples(ChatState(config, RELATED[0], GenerationParams(), HISTORY))
    assert samples.note == "" and "Authorization" not in samples.code["python_requests"]
    assert "API_KEY" not in samples.code["javascript"] and 'api_key="none"' in samples.code["python_sdk"]
