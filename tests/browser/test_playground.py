"""The playground page in real Chromium against `streamlit run` and the offline engine's loopback server.

A starter click streams the thinking block, the answer and the per-reply strip; a slider move lands in the URL
and a reload restores it; the chat input's stop button ends a slow stream, the partial reply stays and the page
settles by itself.

Slider presses wait for each rerun to settle: presses fired during a rerun were seen to snap back now and then
(0.85 -> 0.75), a race reported separately; this test checks the URL binding, not that race.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_servers import Server, start_offline_server
from browser_util import rerun_and_wait, wait_for_app
from playwright.sync_api import expect

STARTER = "Explain quantum computing in simple terms"
ANSWER_START = "This is the offline engine, not Grok."
ANSWER_END = "then send the message again."  # the offline answer's last words
SLOW_PACE = 0.05  # seconds per word: reasoning ~3 s, answer ~10 s, time enough to press stop


def _messages(page: Any) -> Any:
    return page.get_by_test_id("stChatMessage")


def _query(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _answer_words(message: Any) -> list[str]:
    """The words of the answer's Markdown in a chat message."""
    return message.get_by_test_id("stMarkdownContainer").filter(has_text=ANSWER_START).last.inner_text().split()


def _slider(page: Any, label: str) -> Any:
    return page.get_by_test_id("stSidebar").get_by_role("slider", name=label)


@pytest.fixture(scope="module")
def slow_app(shared_streamlit: Any, browser_logs: Any) -> Iterator[Server]:
    """The app against an offline server that sends one word every ``SLOW_PACE`` seconds."""
    slow = start_offline_server(pace=SLOW_PACE, log_dir=browser_logs)
    try:
        yield shared_streamlit({"PLAYGROUND_BASE_URL": slow.url})
    finally:
        slow.stop()


def test_starter_streams_thinking_answer_and_strip(
    streamlit_app: Server, page: Any, page_errors: list[str]
) -> None:
    page.goto(streamlit_app.url)
    wait_for_app(page)
    expect(_messages(page)).to_have_count(0)
    rerun_and_wait(page, lambda: page.get_by_role("button", name=STARTER).click())
    messages = _messages(page)
    expect(messages).to_have_count(2)
    expect(messages.nth(0)).to_contain_text(STARTER)
    reply = messages.nth(1)
    # The thinking block (st.status while streaming) ends as a collapsed expander that says how long it took.
    expect(reply.get_by_test_id("stExpander")).to_have_count(2)  # the thinking block, then the strip
    thought = reply.get_by_test_id("stExpander").first
    expect(thought.locator("summary")).to_contain_text(re.compile(r"Thought for \d+\.\d s"))
    expect(thought.locator("details")).not_to_have_attribute("open", re.compile(".*"))
    thought.locator("summary").click()
    expect(thought).to_contain_text(f'the user asked about "{STARTER}"')
    # The answer, as Markdown (its headings are real headings), complete to the last word.
    expect(reply).to_contain_text(ANSWER_START)
    expect(reply).to_contain_text(ANSWER_END)
    expect(reply.get_by_role("heading", name="The request")).to_be_visible()
    # The per-reply strip: one line (time, speed, tokens, cost); a click unfolds the details.
    strip = reply.get_by_test_id("stExpander").last
    expect(strip.locator("summary")).to_contain_text(re.compile(r"tok/s · ≈?[1-9][\d,]* tokens · \$0\.\d+"))
    strip.locator("summary").click()
    text = strip.inner_text()
    for part in (
        "first token",
        "first answer token",
        "tok/s",
        "total",
        "finish stop",
        "tokens in",
        "reasoning",
        "cost $",
    ):
        assert part in text, (part, text)
    assert re.search(r"tokens in [1-9][\d,]* · out [1-9]", text), text
    assert not page_errors


def test_slider_move_goes_to_the_url_and_a_reload_restores_it(
    streamlit_app: Server, page: Any, page_errors: list[str]
) -> None:
    page.goto(streamlit_app.url)
    wait_for_app(page)
    temperature = _slider(page, "Temperature")
    expect(temperature).to_have_attribute("aria-valuetext", "0.70")
    assert "temperature" not in _query(page)
    temperature.focus()
    for value in ("0.75", "0.80", "0.85"):  # step 0.05; each press settles first (see the module docstring)
        # a fragment rerun, possibly too quick to see as a run: wait for its effects
        temperature.press("ArrowRight")
        expect(temperature).to_have_attribute("aria-valuetext", value)
        page.wait_for_function(
            f"() => parseFloat(new URLSearchParams(location.search).get('temperature')) === {value}"
        )
        wait_for_app(page)
    expect(temperature).to_have_attribute("aria-valuetext", "0.85")  # one control per parameter: the slider
    shared = page.url
    page.reload()
    wait_for_app(page)
    assert float(_query(page)["temperature"][0]) == 0.85
    expect(_slider(page, "Temperature")).to_have_attribute("aria-valuetext", "0.85")
    # A shared link opens with the setting in a fresh session (a new browser context: no cookies, no state).
    other = page.context.browser.new_context()
    try:
        fresh = other.new_page()
        fresh.goto(shared)
        fresh.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
        expect(_slider(fresh, "Temperature")).to_have_attribute("aria-valuetext", "0.85")
        fresh.get_by_test_id("stSidebar").get_by_test_id("stExpander").filter(has_text="Advanced").click()
        expect(_slider(fresh, "Top P")).to_have_attribute("aria-valuetext", "0.90")
    finally:
        other.close()
    assert not page_errors


def test_stop_button_ends_a_slow_stream_and_keeps_the_partial_reply(
    slow_app: Server, page: Any, page_errors: list[str]
) -> None:
    page.goto(slow_app.url)
    wait_for_app(page)
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill("Tell me a long story")
    box.press("Enter")
    reply = _messages(page).nth(1)
    expect(reply).to_contain_text(ANSWER_START, timeout=20_000)  # the reasoning is done, the answer streams
    stop = page.get_by_test_id("stChatInputStopButton")
    expect(stop).to_be_visible()
    stop.click()
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    shown = _answer_words(reply)
    # The page settles by itself, with no other click: the partial reply, marked as stopped, with its strip.
    expect(reply).to_contain_text("Stopped: the partial reply is kept.")
    wait_for_app(page)
    expect(stop).to_have_count(0)
    kept = reply.inner_text()
    assert ANSWER_START in kept and ANSWER_END not in kept
    stored = _answer_words(reply)
    assert ANSWER_END not in " ".join(stored)
    assert stored[: len(shown) - 1] == shown[:-1]  # what was on screen at the stop is what was kept
    page.wait_for_timeout(3 * SLOW_PACE * 1000 + 300)  # were it still streaming, a few more words would show
    assert reply.inner_text() == kept
    strip = reply.get_by_test_id("stExpander").last  # the details under the one-line strip
    strip.locator("summary").click()
    expect(strip).to_contain_text("finish stopped")
    # The next message's run keeps the stopped reply as it was.
    box.fill("And now something short")
    box.press("Enter")
    messages = _messages(page)
    expect(messages.nth(2)).to_contain_text("And now something short", timeout=20_000)
    expect(messages.nth(1)).to_contain_text("Stopped: the partial reply is kept.")
    assert _answer_words(messages.nth(1)) == stored
    assert not page_errors
