"""Tools in real Chromium against `streamlit run` and the offline engine's loopback server: a streamed tool call's
card fills in as the argument pieces arrive, and a two-round tool conversation runs end to end (one result typed,
one from a saved mock)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from browser_servers import Server, start_offline_server
from browser_util import rerun_and_wait, wait_for_app
from playwright.sync_api import expect

QUERY = "streaming tool call arguments that arrive in many small pieces over the wire, one after another"
PROMPT = f'What is the weather in Oslo, and search the docs for "{QUERY}"'
PACE = 0.05  # seconds per piece (6 characters of arguments): they take about a second to arrive


@pytest.fixture(scope="module")
def paced_app(shared_streamlit: Any, browser_logs: Any) -> Iterator[Server]:
    paced = start_offline_server(pace=PACE, log_dir=browser_logs)
    try:
        yield shared_streamlit({"PLAYGROUND_BASE_URL": paced.url})
    finally:
        paced.stop()


def _tools_one_at_a_time(page: Any) -> None:
    """Load the example tools and turn parallel calls off (one call per round), through the dialog."""
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stExpander").filter(has_text="Advanced").locator("summary").click()  # where it sits
    wait_for_app(page)  # the Advanced part has opened (a click during its rerun can be lost)
    dialog = page.get_by_role("dialog")
    for _ in range(3):  # a click that landed while the sidebar was redrawn is made again
        if dialog.is_visible():
            break
        sidebar.get_by_role("button", name="Tools and output format").click()
        try:
            dialog.wait_for(timeout=5_000)
            break
        except Exception:  # noqa: BLE001 - not open yet: click again
            continue
    expect(dialog).to_be_visible()
    wait_for_app(page)
    dialog.get_by_role("tab", name="Tools").click()
    dialog.get_by_role("button", name="Load the examples").click()
    expect(dialog.get_by_role("textbox", name="Function definitions (OpenAI style JSON list)")).to_contain_text(
        "get_weather"
    )
    wait_for_app(page)
    parallel = dialog.get_by_role("switch", name="Parallel calls")
    expect(parallel).to_be_checked()
    dialog.get_by_text("Parallel calls").click()
    expect(parallel).not_to_be_checked()
    wait_for_app(page)
    dialog.get_by_role("button", name="Done").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    wait_for_app(page)
    expect(sidebar).to_contain_text("3 tools")


def _watch_card(page: Any, seconds: float = 20.0) -> list[str]:
    """The argument texts the live card showed while the call was arriving, in order, without repeats."""
    seen: list[str] = []
    live = page.get_by_test_id("stVerticalBlock").filter(has_text="receiving arguments")
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            text = live.last.get_by_test_id("stCode").inner_text(timeout=200)
        except Exception:  # the card is not there (yet, or any more)
            text = None
        if text and (not seen or seen[-1] != text):
            seen.append(text)
        if page.get_by_text("Answer search_docs").count() or page.get_by_text("Answer get_weather").count():
            break
        time.sleep(0.02)
    return seen


def test_a_streamed_call_fills_in_and_two_rounds_run_end_to_end(
    paced_app: Server, page: Any, page_errors: list[str]
) -> None:
    page.goto(paced_app.url)
    wait_for_app(page)
    _tools_one_at_a_time(page)
    page.get_by_test_id("stChatInputTextArea").fill(PROMPT)
    page.keyboard.press("Enter")
    seen = _watch_card(page)
    partial = [t for t in seen if QUERY not in t]
    assert len(seen) >= 3 and partial, seen  # the card showed the arguments growing before they were complete
    assert all(len(a) <= len(b) for a, b in zip(seen, seen[1:], strict=False)), seen
    # Round 1: search_docs, checked, answered by typing.
    answer = page.get_by_text("Answer search_docs")
    expect(answer).to_be_visible()
    expect(page.get_by_text("Arguments valid for the tool's parameters.")).to_have_count(1)
    box = page.get_by_role("textbox", name="Result (JSON or text)")
    box.fill('{"results": ["Streaming guide"]}')
    box.press("Control+Enter")
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Send result").click())
    # Round 2: get_weather, answered with its saved mock (filled with the call's arguments).
    expect(page.get_by_text("Answer get_weather")).to_be_visible(timeout=30_000)
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Use saved mock").click())
    messages = page.get_by_test_id("stChatMessage")
    final = messages.last
    expect(final).to_contain_text("Answer: based on the tool result", timeout=30_000)
    expect(final).to_contain_text('"city": "Oslo"')
    expect(final).to_contain_text("Streaming guide")
    expect(messages).to_have_count(6)  # user, call, result, call, result, answer
    assert not page_errors
