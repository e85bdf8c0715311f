"""Security in real Chromium against `streamlit run`: the key never reaches the page, model output never runs as
script, and two browser sessions see nothing of each other.

The provider is a loopback fault server in this process (``tests/faults.py``); the app is started with it as its
custom provider. Everything the browser received is checked: the page's HTML after each step, its URL, every
WebSocket frame from the Streamlit server, and the exported files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_servers import Server
from browser_util import navigate_and_wait, rerun_and_wait, track_runs, wait_for_app
from faults import FaultServer, good_chunks
from loopback import LoopbackServer, Reply, json_reply, sse_reply
from playwright.sync_api import expect

from playground.chat.conversation import Conversation
from playground.store import Store

SENTINEL = "sk-browser-sentinel-Hq2v9XwP"
PWNED = "window.__pwned=1"
HOSTILE = "\n\n".join(
    [
        f'Inline <img src=x onerror="{PWNED}"> and <b>bold?</b> and <svg onload="{PWNED}"></svg>',
        f"<script>{PWNED}</script>",
        f"Here is a [click me](javascript:{PWNED}) link.",
        f'<a href="javascript:{PWNED}">raw link</a>',
        '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
        f"[data link](data:text/html,<script>{PWNED}</script>)",
    ]
)


@pytest.fixture(scope="module")
def image_host() -> Iterator[LoopbackServer]:
    """Where the hostile images point: any request reaching it means the browser fetched an image."""
    with LoopbackServer(Reply(200, {"Content-Type": "image/png"}, b"\x89PNG")) as host:
        yield host


def sneaky_images(host: str) -> str:
    """Images a regular-expression filter let through (issue 21, finding 8), CommonMark-valid each."""
    return "\n\n".join(
        [
            f"Brackets: ![a [b] c]({host}/brackets.png) end.",
            f"Backticks: `` ![x]({host}/backticks.png) ``` end.",
            f"Reference: ![alt [b] text][pic] end.\n\n[pic]: {host}/reference.png",
        ]
    )


def hostile_modes(image_url: str = "http://127.0.0.1:9") -> dict[str, Any]:
    return {
        "images": sse_reply(good_chunks(sneaky_images(image_url), reasoning="Pictures")),
        "hostile": sse_reply(good_chunks(HOSTILE, reasoning=f'Thinking <img src=x onerror="{PWNED}">')),
        "echo_401": json_reply(
            401,
            {"error": {"message": f"Incorrect API key provided: {SENTINEL}.", "type": "invalid_request_error"}},
        ),
        "html_error": json_reply(
            400,
            {"error": {"message": f'Bad <img src=x onerror="{PWNED}"> input', "type": "invalid_request_error"}},
        ),
    }


@pytest.fixture(scope="module")
def provider(image_host: LoopbackServer) -> Iterator[FaultServer]:
    with FaultServer(extra=hostile_modes(image_host.url)) as srv:
        yield srv


@pytest.fixture(scope="module")
def keyed_app(shared_streamlit: Any, provider: FaultServer) -> Server:
    """The app with the sentinel key in its environment (as an operator would configure it)."""
    return shared_streamlit(
        {
            "PLAYGROUND_BASE_URL": provider.url + "/v1",
            "PLAYGROUND_API_KEY": SENTINEL,
            "PLAYGROUND_CONNECT_TIMEOUT": "2",
            "PLAYGROUND_READ_TIMEOUT": "5",
        }
    )


@pytest.fixture(scope="module")
def open_app(shared_streamlit: Any, provider: FaultServer) -> Server:
    """The app with no key configured: users type their own."""
    return shared_streamlit({"PLAYGROUND_BASE_URL": provider.url + "/v1"})


def frames_of(page: Any) -> list[bytes]:
    """Every WebSocket frame the page receives from now on (the Streamlit server's messages)."""
    frames: list[bytes] = []

    def watch(ws: Any) -> None:
        ws.on(
            "framereceived",
            lambda payload: frames.append(payload if isinstance(payload, bytes) else payload.encode()),
        )

    page.on("websocket", watch)
    return frames


def send(page: Any, text: str, *, messages: int) -> None:
    """Type ``text`` into the chat input, send it, and wait until ``messages`` chat messages show."""
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    rerun_and_wait(page, lambda: box.press("Enter"))
    expect(page.get_by_test_id("stChatMessage")).to_have_count(messages)
    wait_for_app(page)


def type_key(page: Any, key: str) -> None:
    field = page.get_by_test_id("stSidebar").get_by_role("textbox", name="API key")
    field.fill(key)
    field.press("Enter")
    # a fragment rerun can be too quick to see as a run: wait for what it draws instead
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Using the key typed here")
    wait_for_app(page)


def test_the_key_never_reaches_the_browser(
    keyed_app: Server, provider: FaultServer, page: Any, page_errors: list[str]
) -> None:
    frames = frames_of(page)
    seen: list[str] = []

    def look(step: str) -> None:
        seen.append(f"--- {step}\n{page.url}\n{page.content()}")

    page.goto(keyed_app.url)
    wait_for_app(page)
    provider.script("ok")
    send(page, "Hello", messages=2)
    expect(page.get_by_test_id("stChatMessage").nth(1)).to_contain_text("All good here")
    look("chat")
    provider.script("echo_401")
    send(page, "Again", messages=3)
    expect(page.get_by_test_id("stAlert")).to_contain_text("[redacted]")  # the echoed key, masked
    look("error")
    page.get_by_role("button", name="More").click()  # export sits in the actions' "More" menu
    exported = []
    for label in ("JSON", "Markdown"):
        with page.expect_download() as download:
            page.get_by_test_id("stDownloadButton").filter(has_text=label).click()
        exported.append(open(download.value.path(), "rb").read())
    assert b"Hello" in exported[0] and b"Hello" in exported[1]
    look("export")
    # the menu is still open after the downloads: View code is its next item (and closes it)
    rerun_and_wait(page, lambda: page.get_by_role("button", name="View code").click())
    dialog = page.get_by_role("dialog", name="Code for this conversation")
    expect(dialog).to_contain_text("PLAYGROUND_API_KEY")  # the samples read the key from the environment
    look("code dialog")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile("Model", re.I))
    navigate_and_wait(page, link, "model")
    look("model page")

    assert all(r.headers.get("Authorization") == f"Bearer {SENTINEL}" for r in provider.chat_requests)
    for text in seen:
        assert SENTINEL not in text, text.splitlines()[0]
    for blob in [*exported, *frames]:
        assert SENTINEL.encode() not in blob
    assert frames, "no WebSocket frames were captured: the check above proved nothing"
    assert not page_errors


def test_a_typed_key_stays_in_its_own_field(open_app: Server, provider: FaultServer, page: Any) -> None:
    frames = frames_of(page)
    page.goto(open_app.url)
    wait_for_app(page)
    type_key(page, SENTINEL)
    provider.script("echo_401")
    send(page, "Hello", messages=1)
    expect(page.get_by_test_id("stAlert")).to_contain_text("[redacted]")
    assert provider.chat_requests[-1].headers["Authorization"] == f"Bearer {SENTINEL}"
    html = page.content()
    in_field = page.locator("input[type='password']").evaluate_all(
        f"(inputs) => inputs.filter(i => i.getAttribute('value') === '{SENTINEL}').length"
    )
    assert html.count(SENTINEL) == in_field == 1  # only the password field the user typed it into
    assert SENTINEL not in page.url
    assert not [f for f in frames if SENTINEL.encode() in f]  # the server never sends it back


def test_model_output_never_runs_as_script(
    keyed_app: Server, provider: FaultServer, page: Any, page_errors: list[str]
) -> None:
    page.goto(keyed_app.url)
    wait_for_app(page)
    provider.script("hostile")
    send(page, "Say something nasty", messages=2)
    reply = page.get_by_test_id("stChatMessage").nth(1)
    expect(reply).to_contain_text("raw link")
    expect(reply).to_contain_text("<script>")  # shown as text, not run
    reply.get_by_test_id("stExpander").first.locator("summary").click()  # the reasoning, its own <img onerror>
    expect(reply.get_by_test_id("stExpander").first).to_contain_text("Thinking")
    provider.script("html_error")
    send(page, "And an error", messages=3)
    expect(page.get_by_test_id("stAlert")).to_contain_text("Bad")
    assert page.evaluate("() => window.__pwned") is None
    assert reply.locator("script, iframe, img, svg[onload]").count() == 0
    for anchor in reply.locator("a").all():  # whatever links were made, none is javascript:
        href = (anchor.get_attribute("href") or "").strip().lower()
        assert not href.startswith("javascript:"), href
    before = page.url
    clickable = reply.get_by_role("link", name=re.compile("click me|raw link|data link"))
    for i in range(clickable.count()):
        clickable.nth(i).click()
    page.wait_for_timeout(300)  # give a would-be handler its chance to run
    assert page.evaluate("() => window.__pwned") is None
    # the javascript: link was made "#"; Chromium refuses to open the data: one; nothing ran, nothing opened
    assert page.url.split("#")[0] == before.split("#")[0] and len(page.context.pages) == 1
    assert not page_errors


def test_two_browser_sessions_see_nothing_of_each_other(
    open_app: Server, provider: FaultServer, browser: Any
) -> None:
    contexts = [browser.new_context(), browser.new_context()]
    try:
        pages = []
        for ctx in contexts:
            track_runs(ctx)
            pg = ctx.new_page()
            pg.goto(open_app.url)
            wait_for_app(pg)
            pages.append(pg)
        a, b = pages
        type_key(a, "sk-browser-session-AAAA")
        type_key(b, "sk-browser-session-BBBB")
        send(a, "alpha question one", messages=2)
        send(b, "bravo question one", messages=2)
        send(a, "alpha question two", messages=4)
        texts = {name: pg.content() + pg.url for name, pg in (("a", a), ("b", b))}
        assert "alpha question two" in texts["a"] and "bravo question one" in texts["b"]
        assert "bravo" not in texts["a"] and "BBBB" not in texts["a"]
        assert "alpha" not in texts["b"] and "AAAA" not in texts["b"]
        for req in provider.chat_requests[-3:]:
            said = " ".join(m["content"] for m in req.json()["messages"])
            a_key = req.headers["Authorization"].endswith("AAAA")
            mine, theirs = ("alpha", "bravo") if a_key else ("bravo", "alpha")
            assert mine in said and theirs not in said
    finally:
        for ctx in contexts:
            ctx.close()


def requests_of(page: Any) -> list[str]:
    """Every URL the page requests from now on."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def test_finding_8_sneaky_images_in_a_reply_are_not_fetched(
    keyed_app: Server, provider: FaultServer, image_host: LoopbackServer, page: Any, page_errors: list[str]
) -> None:
    """Issue 21, finding 8: balanced brackets in alt text and a backtick run CommonMark does not close kept an
    image live past the filter; with "Load images in replies" off Chromium fetched both."""
    urls = requests_of(page)
    page.goto(keyed_app.url)
    wait_for_app(page)
    provider.script("images")
    send(page, "Show me pictures", messages=2)
    reply = page.get_by_test_id("stChatMessage").nth(1)
    expect(reply).to_contain_text("Reference:")
    expect(reply.locator("img")).to_have_count(0)
    page.wait_for_timeout(500)  # a would-be image load has its chance
    assert not [u for u in urls if u.startswith(image_host.url)]
    assert not image_host.requests
    for name in ("brackets", "backticks", "reference"):  # each image is now a link naming its host
        link = reply.locator(f"a[href$='/{name}.png']")
        expect(link).to_have_count(1)
        expect(link).to_contain_text("image from 127.0.0.1, not loaded")
    assert not page_errors


PHISH_TITLE = "Urgent: [Re-enter your key](https://phish.example/login) ![t]({host}/track.png)"


def test_finding_9_a_sharers_title_shows_as_typed_in_the_apps_own_sentences(
    streamlit_factory: Any, image_host: LoopbackServer, page: Any, tmp_path: Path, page_errors: list[str]
) -> None:
    """Issue 21, finding 9: the share notice rendered the sharer's title as Markdown (a working phishing link in
    the app's own notice, a tracking image fetched on open); History's delete confirmation did the same."""
    database = f"sqlite:///{tmp_path / 'share.db'}"
    title = PHISH_TITLE.format(host=image_host.url)
    store = Store.open(url=database)
    conv = Conversation()
    conv.add_user("A question worth sharing")
    store.save_conversation(
        owner="local", conversation_id="c1", conversation=conv, provider="offline", model="m", title=title
    )
    share_id = store.create_share(owner="local", conversation_id="c1")
    store.close()
    app = streamlit_factory({"PLAYGROUND_DATABASE_URL": database})
    urls = requests_of(page)
    page.goto(f"{app.url}/?share={share_id}")
    wait_for_app(page)
    expect(page.get_by_test_id("stChatMessage")).to_have_count(1)
    notice = page.get_by_test_id("stAlert").filter(has_text="read-only copy")
    expect(notice).to_contain_text(title)  # every character as typed
    expect(notice.locator("a, img")).to_have_count(0)
    navigate_and_wait(page, page.get_by_role("link", name="History"), "history")
    toggle = page.get_by_text("Delete…")
    rerun_and_wait(page, lambda: toggle.click())
    confirm = page.get_by_test_id("stAlert").filter(has_text="for good?")
    expect(confirm).to_contain_text(title)
    expect(confirm.locator("a, img")).to_have_count(0)
    assert page.locator("a[href*='phish.example']").count() == 0
    page.wait_for_timeout(500)
    assert not [u for u in urls if u.startswith(image_host.url)] and not image_host.requests
    assert not page_errors
