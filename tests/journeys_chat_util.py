"""Helpers for the chat journeys in real Chromium (tests/browser/test_journeys.py, chat section): stop a live
reply with its Stop button and check the page it settles into, as the user sees it."""

from __future__ import annotations

import re
from typing import Any

from browser_util import rerun_and_wait, script_runs
from playwright.sync_api import expect

STARTER = "Explain quantum computing in simple terms"
ANSWER_START = "This is the offline engine, not Grok."  # bold in the offline answer's Markdown
ANSWER_END = "then send the message again."  # the offline answer's last words
SLOW_PACE = 0.05  # seconds per word: reasoning ~3 s, answer ~10 s, time enough to press Stop
STOPPED = "Stopped: the partial reply is kept."
STREAM_TIMEOUT = 30_000


def messages(page: Any) -> Any:
    return page.get_by_test_id("stChatMessage")


def stop_button(page: Any) -> Any:
    return page.locator(".st-key-stop_reply").get_by_role("button")


def footer(page: Any) -> Any:
    return page.locator(".st-key-conversation_footer")


def strip_details(message: Any) -> Any:
    """The per-reply strip under a chat message, opened: its line unfolds the details (timings, tokens, cost)."""
    strip = message.get_by_test_id("stExpander").last
    strip.locator("summary").click()
    return strip


def stop_while_answering(page: Any) -> Any:
    """Wait until the live reply streams its answer with a Stop button, check it reads as Markdown, press Stop
    once and wait for the run that follows to settle. Returns the stopped reply's chat message."""
    stop = stop_button(page)
    expect(stop).to_be_visible(timeout=STREAM_TIMEOUT)
    live = messages(page).filter(has=page.locator(".st-key-stop_reply")).last  # an earlier one may be stale
    expect(live).to_contain_text("This is the offline", timeout=STREAM_TIMEOUT)
    assert "**" not in live.inner_text()  # the live tail closes its open bold: never a raw "**"
    rerun_and_wait(page, stop.click)
    return messages(page).last


def expect_settled_stop(page: Any, reply: Any, *, replies: int) -> None:
    """The page after a stop, with no further click: the partial reply as Markdown with its Stopped notice, its
    strip, the action row, the footer counting it, no Stop button; then nothing moves again."""
    expect(reply).to_contain_text(STOPPED)
    expect(stop_button(page)).to_have_count(0)
    text = reply.inner_text()
    assert ANSWER_END not in text and "**" not in text, text
    expect(reply.locator("strong").first).to_contain_text("This is the")  # the bold drawn as bold
    actions = page.locator(".st-key-conversation_actions")
    expect(actions.get_by_role("button", name=re.compile("Regenerate"))).to_be_enabled()
    runs = script_runs(page)
    page.wait_for_timeout(max(4 * SLOW_PACE * 1000 + 300, 2_500))  # streaming or ticking, it would show by now
    assert reply.inner_text() == text
    assert script_runs(page) == runs  # settled for good: nothing keeps rerunning the page
    details = strip_details(reply)
    expect(details).to_contain_text("finish stopped")
    strip_text = details.inner_text()
    cost = re.search(r"cost (\$[\d.]+)", strip_text)
    assert cost and re.search(r"tokens in [1-9][\d,]* · out [1-9]", strip_text), strip_text
    expect(footer(page)).to_contain_text(f"Last reply {cost.group(1)}")
    expect(footer(page)).to_contain_text(f"over {replies} repl")


def examples_answered_with_mocks(page: Any) -> None:
    """Through the sidebar's tools dialog: load the example tools and answer their calls with the saved mocks."""
    from browser_util import wait_for_app

    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stExpander").filter(has_text="Advanced").locator("summary").click()  # where it sits
    sidebar.get_by_role("button", name="Tools and output format").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    wait_for_app(page)
    dialog.get_by_role("tab", name="Tools").click()
    dialog.get_by_role("button", name="Load the examples").click()
    expect(dialog.get_by_role("textbox", name="Function definitions (OpenAI style JSON list)")).to_contain_text(
        "get_weather"
    )
    wait_for_app(page)
    dialog.get_by_role("tab", name="Answering calls").click()
    switch = dialog.get_by_role("switch", name="Answer with mocks")
    expect(switch).not_to_be_checked()
    dialog.get_by_text("Answer with mocks").click()
    expect(switch).to_be_checked()
    wait_for_app(page)
    dialog.get_by_role("button", name="Done").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    wait_for_app(page)
    expect(sidebar).to_contain_text("3 tools")
