"""Helpers for the code sample tests: a loopback handler for both protocols and a runner for each language."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from loopback import Recorded, Reply, json_reply, sse, sse_reply

from playground.facts.catalog import GROK_3_MINI
from playground.facts.providers import MODELSLAB, ProviderConfig

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
