"""Sidebar changes that rerun only a fragment (no full page run) still reach the next request, in real Chromium.

Temperature is its own fragment, max tokens and the system message rerun the sidebar's fragment (the footer
depends on them); none of them reruns the page. A recording loopback server receives the request the next prompt
sends: it must carry the values the sidebar shows, and the footer's prediction must follow max tokens.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser_servers import Server
from browser_util import wait_for_app
from playwright.sync_api import expect

from tests.loopback import LoopbackServer, Recorded, Reply, json_reply, sse, sse_reply

ANSWER = "Recorded and answered."


def _reply(req: Recorded) -> Reply:
    if req.path.endswith("/models"):
        return json_reply(200, {"object": "list", "data": []})
    return sse_reply(
        sse(
            {"choices": [{"index": 0, "delta": {"role": "assistant", "content": ANSWER}}]},
            {
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 20, "completion_tokens": 4, "total_tokens": 24},
            },
        )
    )


@pytest.fixture
def recorder() -> Iterator[LoopbackServer]:
    with LoopbackServer(_reply) as server:
        yield server


def _chat_posts(server: LoopbackServer) -> list[Recorded]:
    return [r for r in server.requests if r.method == "POST" and r.path.endswith("/chat/completions")]


def test_fragment_only_changes_reach_the_request_and_the_footer(
    streamlit_factory: Any, recorder: LoopbackServer, page: Any, page_errors: list[str]
) -> None:
    app: Server = streamlit_factory({"PLAYGROUND_BASE_URL": recorder.url})
    page.goto(app.url)
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    temperature = sidebar.get_by_role("slider", name="Temperature")
    temperature.focus()
    temperature.press("ArrowRight")
    expect(temperature).to_have_attribute("aria-valuetext", "0.75")
    max_tokens = sidebar.get_by_role("slider", name="Max tokens")  # one slider per parameter, keys move it
    max_tokens.focus()
    max_tokens.press("Home")
    expect(max_tokens).to_have_attribute("aria-valuetext", "1")
    for _ in range(3):
        max_tokens.press("ArrowRight")
    expect(max_tokens).to_have_attribute("aria-valuetext", "4")
    footer = page.get_by_test_id("stCaptionContainer").filter(has_text="Next message")
    expect(footer).to_contain_text("at max tokens (4)")
    temperature.focus()
    temperature.press("ArrowRight")  # after the sidebar's own rerun the temperature control still works alone
    expect(temperature).to_have_attribute("aria-valuetext", "0.80")
    # fragment reruns replace their controls, never add (Top P and the penalties are folded in "Advanced")
    expect(sidebar.get_by_role("slider")).to_have_count(2)
    system = sidebar.get_by_label("System message")
    system.fill("Answer in one line.")
    system.press("Control+Enter")
    page.wait_for_function("() => new URLSearchParams(location.search).get('system') === 'Answer in one line.'")
    wait_for_app(page)
    page.get_by_test_id("stChatInputTextArea").fill("Which values arrive?")
    page.get_by_test_id("stChatInputTextArea").press("Enter")
    expect(page.get_by_test_id("stChatMessage").last).to_contain_text(ANSWER)
    body = _chat_posts(recorder)[-1].json()
    assert body["temperature"] == 0.8
    assert body["max_tokens"] == 4
    assert body["messages"][0] == {"role": "system", "content": "Answer in one line."}
    assert body["messages"][-1] == {"role": "user", "content": "Which values arrive?"}
    sidebar.get_by_test_id("stExpander").filter(has_text="Advanced").locator("summary").click()
    sidebar.get_by_role("button", name="Reset to page defaults").click()  # every control, each fragment's too
    expect(temperature).to_have_attribute("aria-valuetext", "0.70")
    expect(max_tokens).to_have_attribute("aria-valuetext", "1000")
    expect(footer).to_contain_text("at max tokens (1,000)")
    assert not page_errors


def test_switching_provider_redraws_the_parameter_fragments(
    streamlit_factory: Any, page: Any, page_errors: list[str]
) -> None:
    """The penalties' own fragments learn about a provider change made in the sidebar's main fragment."""
    app = streamlit_factory({"XAI_API_KEY": "xai-test-key-0000"})  # every provider's URL is the loopback server
    page.goto(app.url)
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stExpander").filter(has_text="Advanced").locator("summary").click()
    presence = sidebar.get_by_role("slider", name="Presence penalty")
    expect(presence).to_be_enabled()
    sidebar.get_by_test_id("stSelectbox").filter(has_text="Provider").click()
    page.get_by_role("option", name="xAI").click()
    expect(page.get_by_role("main").get_by_text("via xAI")).to_be_visible()  # the header: a full page run
    expect(presence).to_be_disabled()
    expect(sidebar.get_by_text("Not sent:")).to_have_count(2)  # both penalties say why
    expect(sidebar.get_by_role("slider", name="Temperature")).to_be_enabled()
    assert not page_errors
