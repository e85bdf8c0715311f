"""A shared deployment in real Chromium (issue 12): the operator's key never follows a URL the user types, and a
server that drips forever cannot hold a session: the reply ends at the deadline with its partial text kept.

The providers are loopback servers in this process (``tests/loopback.py``, ``tests/hostile.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser_servers import Server
from browser_util import switch_on, wait_for_app
from hostile import HostileServer
from loopback import LoopbackServer, sse, sse_reply
from playwright.sync_api import expect

SENTINEL = "sk-operator-sentinel-Zt5q8WmK"
TYPED = "sk-typed-in-session-4Lr7"
GOOD = sse({"choices": [{"delta": {"content": "Fine answer"}, "finish_reason": "stop"}]})


@pytest.fixture(scope="module")
def operator_server() -> Iterator[LoopbackServer]:
    with LoopbackServer(sse_reply(GOOD)) as server:
        yield server


@pytest.fixture(scope="module")
def other_server() -> Iterator[LoopbackServer]:
    with LoopbackServer(sse_reply(GOOD)) as server:
        yield server


def send(page: Any, text: str, *, messages: int) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    box.press("Enter")
    expect(page.get_by_test_id("stChatMessage")).to_have_count(messages, timeout=30_000)
    wait_for_app(page, timeout=30_000)


def sidebar_field(page: Any, name: str) -> Any:
    return page.get_by_test_id("stSidebar").get_by_role("textbox", name=name)


def test_the_operators_key_does_not_follow_a_typed_base_url(
    shared_streamlit: Any, operator_server: LoopbackServer, other_server: LoopbackServer, page: Any
) -> None:
    """Finding 1 through the page: the operator's key went to whatever Base URL the user typed."""
    app: Server = shared_streamlit(
        {"PLAYGROUND_BASE_URL": operator_server.url + "/v1", "PLAYGROUND_API_KEY": SENTINEL}
    )
    page.goto(app.url)
    wait_for_app(page)
    send(page, "To the operator's URL", messages=2)
    chats = [r for r in operator_server.requests if r.path.endswith("/chat/completions")]
    assert chats[-1].headers["Authorization"] == f"Bearer {SENTINEL}"

    url_field = sidebar_field(page, "Base URL")
    url_field.fill(other_server.url + "/v1")
    url_field.press("Enter")
    wait_for_app(page)
    send(page, "To my own URL", messages=4)
    chats = [r for r in other_server.requests if r.path.endswith("/chat/completions")]
    assert len(chats) == 1  # (the app may also have read the server's model list)
    assert all(SENTINEL not in f"{r.headers} {r.body!r}" for r in other_server.requests)
    assert all("Authorization" not in r.headers for r in other_server.requests)

    key_field = sidebar_field(page, "API key")
    key_field.fill(TYPED)
    key_field.press("Enter")
    wait_for_app(page)
    send(page, "With my own key", messages=6)
    chats = [r for r in other_server.requests if r.path.endswith("/chat/completions")]
    assert chats[-1].headers["Authorization"] == f"Bearer {TYPED}"
    assert SENTINEL not in page.content()


def test_a_dripping_server_is_cut_off_at_the_deadline_and_the_partial_reply_kept(
    streamlit_factory: Any, page: Any
) -> None:
    """Finding 4 through the page: a stream sending a byte every few seconds held the session forever."""
    with HostileServer("drip", interval=0.3) as drip:
        app: Server = streamlit_factory(
            {"PLAYGROUND_BASE_URL": drip.url + "/v1", "PLAYGROUND_REPLY_DEADLINE": "4"}
        )
        page.goto(app.url)
        wait_for_app(page)
        box = page.get_by_test_id("stChatInputTextArea")
        box.fill("Drip for me")
        box.press("Enter")
        alert = page.get_by_test_id("stAlert").filter(has_text="limit of 4 s")
        expect(alert).to_be_visible(timeout=30_000)
        wait_for_app(page, timeout=30_000)
        messages = page.get_by_test_id("stChatMessage")
        expect(messages).to_have_count(2)
        expect(messages.nth(0)).to_contain_text("Drip for me")
        expect(messages.nth(1)).to_contain_text("Drip")  # the partial reply is kept
        assert page.get_by_test_id("stException").count() == 0


def test_server_text_is_not_a_link_and_reply_images_wait_for_the_switch(streamlit_factory: Any, page: Any) -> None:
    """Finding 8 in the browser: a 401 body's Markdown link and image were live in the app's error box, and an
    image in a reply was fetched from its host as soon as it was drawn."""
    image = sse({"choices": [{"delta": {"content": "Chart: ![sales](http://127.0.0.1:9/leak.png?d=1)"}}]})
    with HostileServer("phish") as phish, LoopbackServer(sse_reply(image)) as images:
        app: Server = streamlit_factory({"PLAYGROUND_BASE_URL": phish.url + "/v1"})
        page.goto(app.url)
        wait_for_app(page)
        send(page, "Hello", messages=1)
        alert = page.get_by_test_id("stAlert")
        expect(alert).to_contain_text("[Re-enter your key](https://phish.example/login)")  # shown as typed
        assert alert.locator("a, img").count() == 0
        url_field = sidebar_field(page, "Base URL")
        url_field.fill(images.url + "/v1")
        url_field.press("Enter")
        wait_for_app(page)
        send(page, "Draw", messages=3)
        reply = page.get_by_test_id("stChatMessage").last
        expect(reply).to_contain_text("image from 127.0.0.1, not loaded")
        assert reply.locator("img[src*='leak.png']").count() == 0
        page.get_by_test_id("stSidebar").get_by_test_id("stExpander").filter(has_text="Advanced").locator(
            "summary"
        ).click()  # the toggle sits in the sidebar's Advanced part
        switch = page.get_by_test_id("stSidebar").get_by_role("switch", name="Load images in replies")
        expect(switch).to_be_visible()  # the Advanced part has opened
        switch_on(page, switch, page.get_by_test_id("stSidebar").get_by_text("Load images in replies"))
        expect(page.get_by_test_id("stChatMessage").last.locator("img[src*='leak.png']")).to_have_count(1)
