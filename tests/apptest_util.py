"""Helpers for AppTest-driven page tests."""

from __future__ import annotations

from pathlib import Path

from loopback import Reply, sse, sse_reply
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def new_app() -> AppTest:
    """The app through its router, not yet run."""
    return AppTest.from_file(APP, default_timeout=30)


def start_app(**state) -> AppTest:
    """The app through its router, after one run; ``state`` seeds session state first."""
    at = new_app()
    for key, value in state.items():
        at.session_state[key] = value
    return run(at)


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def send(at: AppTest, text: str) -> AppTest:
    at.chat_input(key="chat_prompt").set_value(text)
    return run(at)


def chat(at: AppTest) -> list[tuple[str, str]]:
    """(role, all markdown text) for every chat message shown."""
    return [(m.name, "\n".join(md.value for md in m.markdown)) for m in at.chat_message]


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def answer_stream(
    text: str = "Hello there", reasoning: str = "Thinking it over", usage: dict | None = None
) -> Reply:
    """An OpenAI-style stream with reasoning, answer, finish and usage."""
    usage = usage or {
        "prompt_tokens": 50,
        "completion_tokens": 20,
        "completion_tokens_details": {"reasoning_tokens": 8},
    }
    chunks = [{"choices": [{"index": 0, "delta": {"role": "assistant", "reasoning_content": reasoning}}]}]
    words = text.split(" ")
    pieces = [w + " " for w in words[:-1]] + words[-1:]
    chunks += [{"choices": [{"index": 0, "delta": {"content": piece}}]} for piece in pieces]
    chunks += [{"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}, {"choices": [], "usage": usage}]
    return sse_reply(sse(*chunks))
