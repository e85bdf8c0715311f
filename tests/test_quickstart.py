"""The product page's Quick Start samples: the Python one is the page's text, and all four send the page's
request (only Content-Type; model_id and key in the body) and print the reply, against a loopback server."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from loopback import LoopbackServer, Recorded, Reply, json_reply
from page_file import product_page

from playground.facts.catalog import GROK_3_MINI, RELATED
from playground.snippets import quickstart
from playground.wire.request import KEY_PLACEHOLDER

RUNNERS = {
    "python": ("py", [sys.executable]),
    "javascript": ("js", ["node"]),
    "curl": ("sh", ["bash"]),
    "php": ("php", ["php"]),
}
CHECKERS = {"javascript": ["node", "--check"], "curl": ["bash", "-n"], "php": ["php", "-l"]}
REPLY = {
    "id": "c1",
    "object": "chat.completion",
    "model": GROK_3_MINI.id,
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi! \u00e9"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12},
}
ERROR = {"status": "error", "message": "Invalid API key"}


def page_python() -> str:
    """The Python Quick Start sample exactly as the product page file holds it, or a skip saying why."""
    text = product_page()
    quick = text[text.index("### Quick Start") :]
    return quick[quick.index("<code>") + len("<code>") : quick.index("</code>")]


def without_key(code: str) -> str:
    """``code`` with the value of its ``"key"`` entry blanked (the placeholder is the one allowed difference)."""
    return re.sub(r'("key": )"[^"]*"', r'\1"<key>"', code)


def handler(req: Recorded) -> Reply:
    """ModelsLab's body-key style: a wrong key is a 401 with a JSON message, the placeholder is accepted."""
    if req.json().get("key") != KEY_PLACEHOLDER:
        return json_reply(401, ERROR)
    return json_reply(200, REPLY)


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(handler) as running:
        yield running


def run(code: str, lang: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run one sample as its reader would; skip when the language's runtime is not installed."""
    suffix, command = RUNNERS[lang]
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed")
    path = tmp_path / f"quickstart.{suffix}"
    path.write_text(code, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")} | {"NO_PROXY": "127.0.0.1"}
    return subprocess.run([*command, str(path)], capture_output=True, text=True, env=env, timeout=60)


def test_python_sample_is_the_page_text() -> None:
    page = page_python()
    ours = quickstart.samples()["python"]
    assert without_key(ours) == without_key(page)
    assert ours == page  # the page's placeholder is ours too
    for fragment in ('"Content-Type": "application/json"', '"content": "Hello!"', '"max_tokens": 1000'):
        assert fragment in ours


def test_every_sample_has_the_page_request_and_only_the_placeholder_key() -> None:
    codes = quickstart.samples()
    assert list(codes) == list(quickstart.LANGUAGES) and set(quickstart.LABELS) == set(codes)
    assert [quickstart.LABELS[lang] for lang in codes] == ["Python", "JavaScript", "cURL", "PHP"]
    for lang, code in codes.items():
        assert "https://modelslab.com/api/v7/llm/chat/completions" in code, lang
        assert "Authorization" not in code and "Bearer" not in code and "os.environ" not in code, lang
        assert code.count(KEY_PLACEHOLDER) == 1 and "Hello!" in code and "1000" in code, lang
        assert GROK_3_MINI.id in code, lang


@pytest.mark.parametrize("lang", ["javascript", "curl", "php"])
def test_samples_are_syntactically_valid(lang: str, tmp_path: Path) -> None:
    compile(quickstart.samples()["python"], "quickstart.py", "exec")
    command = CHECKERS[lang]
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed")
    path = tmp_path / f"quickstart.{RUNNERS[lang][0]}"
    path.write_text(quickstart.samples()[lang], encoding="utf-8")
    done = subprocess.run([*command, str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("lang", quickstart.LANGUAGES)
def test_sample_sends_the_page_request_and_prints_the_response(
    lang: str, tmp_path: Path, server: LoopbackServer
) -> None:
    code = quickstart.samples(url=f"{server.url}/chat/completions")[lang]
    done = run(code, lang, tmp_path)
    assert done.returncode == 0, done.stderr
    sent = server.requests[-1]
    assert sent.method == "POST" and sent.path == "/chat/completions"
    assert (
        sent.json()
        == quickstart.body()
        == {
            "model_id": GROK_3_MINI.id,
            "messages": [{"role": "user", "content": "Hello!"}],
            "max_tokens": 1000,
            "key": KEY_PLACEHOLDER,
        }
    )
    headers = {k.lower(): v for k, v in sent.headers.items()}
    assert headers["content-type"] == "application/json" and "authorization" not in headers
    out = done.stdout
    if lang != "curl":
        assert out.startswith("API Response:\n")
        out = out.removeprefix("API Response:\n")
    assert json.loads(out) == REPLY


@pytest.mark.parametrize("lang", quickstart.LANGUAGES)
def test_http_error_branch_prints_status_and_body(lang: str, tmp_path: Path, server: LoopbackServer) -> None:
    code = quickstart.samples(url=f"{server.url}/chat/completions")[lang].replace(KEY_PLACEHOLDER, "wrong-key")
    done = run(code, lang, tmp_path)
    if lang == "curl":  # --fail-with-body: the body on stdout, a non-zero exit and the status on stderr
        assert done.returncode == 22 and json.loads(done.stdout) == ERROR and "401" in done.stderr
        return
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("HTTP error occurred:") and "401" in done.stdout
    assert json.dumps(ERROR) in done.stdout  # the server's body, as it came


@pytest.mark.parametrize("lang", ["python", "javascript", "php"])
def test_unreachable_server_takes_the_other_error_branch(lang: str, tmp_path: Path) -> None:
    with LoopbackServer(handler) as gone:
        url = f"{gone.url}/chat/completions"
    done = run(quickstart.samples(url=url)[lang], lang, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Other error occurred:")


def test_another_model_changes_only_the_model_id() -> None:
    other = quickstart.samples(model=RELATED[0])["python"]
    assert other.replace(RELATED[0].id, GROK_3_MINI.id) == quickstart.samples()["python"]
