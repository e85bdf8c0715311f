"""Generated samples run: against a loopback server each sends exactly the app's request and prints the reply."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from loopback import LoopbackServer, Recorded, Reply, json_reply, sse, sse_reply

from playground.catalog import GROK_3_MINI, RELATED
from playground.chat_state import ChatState
from playground.page import PAGE
from playground.params import GenerationParams
from playground.providers import CUSTOM, MODELSLAB, OFFLINE, XAI, ProviderConfig
from playground.snippets import samples as snippets
from playground.wire.anthropic_messages import build_messages_request
from playground.wire.request import build_chat_request

APP_KEY = "sk-app-secret-4b1d77e0"  # the key given to the app: must never appear in a sample
RUN_KEY = "sk-runner-key-91aa"  # the key the person running the sample puts in the environment
HISTORY = [
    {"role": "user", "content": "Say hello"},
    {"role": "assistant", "content": "Hi! It's me."},
    {"role": "user", "content": 'Now in "quotes", with a \\ and $HOME and \u00e9\u2028'},
]
REPLY = ["Hello", " from ", "the loopback \u00e9"]
RUNNERS = {
    "python_requests": ("py", [sys.executable]),
    "python_sdk": ("py", [sys.executable]),
    "javascript": ("js", ["node"]),
    "curl": ("sh", ["bash"]),
    "php": ("php", ["php"]),
}


def openai_handler(req: Recorded) -> Reply:
    if not req.json().get("stream"):
        return json_reply(
            200,
            {
                "id": "c1",
                "object": "chat.completion",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": "".join(REPLY)},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 9, "completion_tokens": 5, "total_tokens": 14},
            },
        )
    chunks = [{"choices": [{"index": 0, "delta": {"role": "assistant", "reasoning_content": "Thinking"}}]}]
    chunks += [{"choices": [{"index": 0, "delta": {"content": piece}}]} for piece in REPLY]
    chunks += [
        {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
        {"choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 5}},
    ]
    return sse_reply([b": keep-alive\n\n", *sse(*chunks)])


def anthropic_handler(req: Recorded) -> Reply:
    if not req.json().get("stream"):
        return json_reply(
            200,
            {
                "id": "msg_1",
                "type": "message",
                "role": "assistant",
                "model": GROK_3_MINI.id,
                "stop_reason": "end_turn",
                "stop_sequence": None,
                "content": [{"type": "text", "text": "".join(REPLY)}],
                "usage": {"input_tokens": 9, "output_tokens": 5},
            },
        )
    start = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": GROK_3_MINI.id,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 9, "output_tokens": 1},
    }
    items = [
        {"type": "message_start", "message": start},
        {"type": "ping"},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    ]
    items += [
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}} for p in REPLY
    ]
    items += [
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 5}},
        {"type": "message_stop"},
    ]
    return sse_reply([f"event: {i['type']}\ndata: {json.dumps(i)}\n\n".encode() for i in items])


def handler(req: Recorded) -> Reply:
    """Both protocols on one server, told apart by path."""
    return anthropic_handler(req) if req.path.startswith("/v1/messages") else openai_handler(req)


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    """One loopback server for the module (each test reads the last request it recorded)."""
    with LoopbackServer(handler) as running:
        yield running


def run_sample(code: str, lang: str, tmp_path: Path, env_key: str | None = RUN_KEY) -> str:
    """Run one sample as its user would, with ``env_key`` in the provider's key variable; return stdout."""
    suffix, command = RUNNERS[lang]
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed")
    path = tmp_path / f"sample.{suffix}"
    path.write_text(code, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env.update({"NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"})
    if env_key is not None:
        env["MODELSLAB_API_KEY"] = env_key
    done = subprocess.run(
        [*command, str(path)], capture_output=True, text=True, env=env, timeout=60, encoding="utf-8"
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def header(req: Recorded, name: str) -> str | None:
    """A request header whatever its case on the wire (httpx sends names in lower case)."""
    return next((v for k, v in req.headers.items() if k.lower() == name.lower()), None)


def app_config(url: str, auth: str = "bearer") -> ProviderConfig:
    return ProviderConfig(MODELSLAB, url, APP_KEY, auth, "session")  # type: ignore[arg-type]


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


def test_anthropic_sdk_sample_sends_bearer_with_auth_token(tmp_path: Path, server: LoopbackServer) -> None:
    pytest.importorskip("anthropic")
    config = app_config(server.url, auth="bearer")
    code = snippets.build_samples(
        ChatState(config, GROK_3_MINI, GenerationParams(), HISTORY, stream=False, protocol="anthropic")
    ).code["python_sdk"]
    assert run_sample(code, "python_sdk", tmp_path).strip() == "".join(REPLY)
    assert "auth_token=" in code and header(server.requests[-1], "Authorization") == f"Bearer {RUN_KEY}"


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


def test_claude_code_lines_for_the_selected_model() -> None:
    text = snippets.claude_code(RELATED[1])
    assert 'export ANTHROPIC_BASE_URL="https://modelslab.com/api/v7/llm"' in text
    assert "ANTHROPIC_AUTH_TOKEN=" in text and f"claude --model {RELATED[1].id}" in text
