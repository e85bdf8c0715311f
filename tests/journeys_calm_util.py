"""Helpers for the calm-chat journeys: a loopback xAI-like provider and what a page shows, measured in Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from browser_util import track_frames, track_runs, wait_for_app
from loopback import LoopbackServer, Recorded, Reply, json_reply, sse, sse_reply

MODEL = "x-ai-grok-3-mini-beta"
REJECT_PROMPT = "Reject presence penalty"  # the prompt the server answers with xAI's 400
MARKDOWN_REPLY = (
    "**Quantum computers** use qubits, which hold `0` and `1` at once.\n\n"
    "- a qubit can be in _superposition_ for a while\n"
    "- measuring it gives a `classical bit` back\n\n"
    "```python\nprint('hello from a qubit')\nprint('bye')\n```\n\n"
    "That is the **whole idea** in short."
)
FAMILY_LABEL = "Retry without presence_penalty, frequency_penalty, stop"


def _pieces(text: str, size: int = 4) -> list[str]:
    """``text`` in pieces of ``size`` characters: the live tail passes through every half-open marker."""
    return [text[i : i + size] for i in range(0, len(text), size)]


class XaiLike:
    """An xAI-like provider on loopback: GET .../models lists Grok 3 Mini; a chat request whose last message is
    ``REJECT_PROMPT`` and that carries presence_penalty gets the 400 xAI sends for a reasoning model; any other
    gets ``MARKDOWN_REPLY`` streamed in small pieces, ``delay`` seconds apart."""

    def __init__(self, delay: float) -> None:
        self.delay = delay

    def __call__(self, req: Recorded) -> Reply:
        if req.method == "GET":
            return json_reply(200, {"object": "list", "data": [{"id": MODEL, "object": "model"}]})
        body = req.json()
        if body["messages"][-1]["content"] == REJECT_PROMPT and "presence_penalty" in body:
            return json_reply(
                400,
                {
                    "code": "Client specified an invalid argument",
                    "error": "Argument not supported on this model: presencePenalty",
                },
            )
        chunks = [
            {"model": MODEL, "choices": [{"index": 0, "delta": {"content": p}}]} for p in _pieces(MARKDOWN_REPLY)
        ]
        chunks.append({"model": MODEL, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        usage = {
            "prompt_tokens": 40,
            "completion_tokens": 90,
            "completion_tokens_details": {"reasoning_tokens": 30},
        }
        chunks.append({"model": MODEL, "choices": [], "usage": usage})
        return sse_reply(sse(*chunks), delay=self.delay)


@contextmanager
def xai_like(delay: float = 0.05) -> Iterator[LoopbackServer]:
    with LoopbackServer(XaiLike(delay)) as server:
        yield server


def open_page(browser: Any, url: str, viewport: dict[str, int]) -> Any:
    """A page in a fresh context (a fresh Streamlit session) at ``viewport``, loaded and settled."""
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(30_000)
    track_runs(context)
    page = context.new_page()
    track_frames(page)
    page.goto(url)
    wait_for_app(page)
    return page


def script_state(page: Any) -> str:
    return page.get_by_test_id("stApp").get_attribute("data-test-script-state") or ""


def one_row(locator: Any) -> bool:
    """Whether the visible elements ``locator`` matches sit on one row (their vertical extents overlap), measured
    in one go so a scroll cannot move them between two readings."""
    boxes = locator.evaluate_all(
        "els => els.map(e => e.getBoundingClientRect()).filter(r => r.height > 0).map(r => [r.top, r.bottom])"
    )
    return bool(boxes) and max(top for top, _ in boxes) < min(bottom for _, bottom in boxes)


def line_height(locator: Any) -> float:
    """The computed line height (px) of the first text inside ``locator``."""
    return float(locator.evaluate("e => parseFloat(getComputedStyle(e.querySelector('p') || e).lineHeight)"))


def watch_text(page: Any, locator: Any, *, until: str, timeout_s: float = 60.0) -> list[str]:
    """``locator``'s text every ~40 ms while the app runs, until ``until`` shows and the run ends."""
    seen: list[str] = []
    for _ in range(int(timeout_s / 0.04)):
        if locator.count():
            seen.append(locator.inner_text())
        if seen and until in seen[-1] and script_state(page) != "running":
            return seen
        page.wait_for_timeout(40)
    raise TimeoutError(f"{until!r} not shown within {timeout_s} s; last text: {seen[-1:]}")
