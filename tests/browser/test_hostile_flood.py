"""A tool-call flood in real Chromium (issue 21, finding 4): the page settles by itself, says why the reply
stopped, and shows the calls that came (the limit's worth), each as its card."""

from __future__ import annotations

import re
from typing import Any

from browser_servers import Server
from browser_util import wait_for_app
from hostile import HostileServer
from playwright.sync_api import expect


def test_a_flood_of_tool_calls_stops_at_the_limit_and_keeps_the_calls(
    streamlit_factory: Any, page: Any, page_errors: list[str]
) -> None:
    with HostileServer("tool_flood", events=3, per_event=2000) as flood:  # 6,000 calls, 190 KB per event
        app: Server = streamlit_factory(
            {"PLAYGROUND_BASE_URL": flood.url + "/v1", "PLAYGROUND_MAX_TOOL_CALLS": "20"}
        )
        page.goto(app.url)
        wait_for_app(page)
        page.get_by_test_id("stChatInputTextArea").fill("Call every tool you have")
        page.keyboard.press("Enter")
        alert = page.get_by_test_id("stAlert").filter(has_text="limit of 20 tool calls")
        expect(alert).to_be_visible(timeout=60_000)
        wait_for_app(page)
    expect(alert).to_contain_text("the calls that arrived are kept")
    ids = page.get_by_test_id("stChatMessage").last.locator("code", has_text=re.compile(r"^c\d+$"))
    expect(ids).to_have_count(20)  # one card per call that came, each naming its id
    expect(ids.first).to_have_text("c0")
    expect(ids.last).to_have_text("c19")
    expect(page.get_by_text("receiving arguments")).to_have_count(0)  # no live card left behind
    assert page_errors == []
