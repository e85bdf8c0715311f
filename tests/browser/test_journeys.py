"""Journeys in real Chromium, as a new user walks them (no key, offline engine; 1440x900 and 390x844).

One test per finding of the journeys issue, each checking what the user sees, not session state. Sections are
owned by the parts of the app they walk; helpers a section needs live in its own ``tests/journeys_*_util.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from browser_servers import Server, start_offline_server
from browser_util import rerun_and_wait, wait_for_app
from playwright.sync_api import expect

DESK = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}

__all__ = ["Any", "Server", "expect", "pytest", "rerun_and_wait", "start_offline_server", "wait_for_app"]


# ---- chat: Stop on every reply, a stopped reply settles; Re-run from here (findings 1, 2) ----


# ---- end chat ----


# ---- compare and test sets: one click, the cap, readable results, raw internals (findings 3, 4, 5, 9) ----


# ---- end compare ----


# ---- honest offline and persistence: spend, the request described, reload, Clear and Delete (6, 7, 8) ----


# ---- end offline ----


# ---- a calm chat: the strip, starters, Markdown, retry, actions, Quick Start, URLs (finding 10) ----


@pytest.fixture(scope="module")
def calm_app(shared_streamlit: Any) -> Any:
    """The app against an xAI-like loopback provider that streams a Markdown answer in small, slow pieces."""
    from journeys_calm_util import xai_like

    with xai_like(delay=0.04) as provider:
        yield shared_streamlit({"PLAYGROUND_BASE_URL": provider.url + "/v1"})


@pytest.fixture(scope="module")
def calm_new_user(shared_streamlit: Any) -> Server:
    """The app as a new user meets it: no provider configured, the offline engine (pace 0)."""
    return shared_streamlit({"PLAYGROUND_PROVIDER": None, "PLAYGROUND_BASE_URL": None})


def _calm_send_starter(page: Any) -> None:
    page.get_by_role("button", name="Explain quantum computing in simple terms").click()


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_calm_strip_is_one_line_with_details_on_demand_and_actions_fit_one_row(
    calm_new_user: Server, browser: Any, viewport: dict[str, int]
) -> None:
    import re

    from journeys_calm_util import line_height, one_row, open_page

    page = open_page(browser, calm_new_user.url, viewport)
    rerun_and_wait(page, lambda: _calm_send_starter(page))
    reply = page.get_by_test_id("stChatMessage").nth(1)
    expect(reply).to_contain_text("then send the message again.")
    strip = reply.get_by_test_id("stExpander").last.locator("summary")
    expect(strip).to_contain_text(re.compile(r"^\d+\.\d s · [\d,]+ tok/s · ≈[\d,]+ tokens · \$0\.\d+"))
    box, line = strip.bounding_box(), line_height(strip)
    assert box is not None and box["height"] < 1.6 * line, (box, line)  # one line, at 1440 and at 390 px
    details = reply.get_by_test_id("stExpander").last
    expect(details.get_by_text("first token", exact=False)).to_be_hidden()
    strip.click()
    for part in ("first token", "first answer token", "finish stop", "estimated tokens in", "cost $"):
        expect(details).to_contain_text(part)
    actions = page.locator(".st-key-conversation_actions button")
    assert one_row(actions), actions.all_inner_texts()  # Regenerate, Edit and More on one row
    page.get_by_role("button", name="More").click()
    for label in ("Export JSON", "Export Markdown", "Edit messages", "View code", "Clear conversation"):
        expect(page.get_by_role("button", name=label)).to_be_visible()
    page.context.close()


def test_calm_starters_are_gone_as_soon_as_the_reply_streams(calm_app: Server, browser: Any) -> None:
    from journeys_calm_util import open_page, script_state

    page = open_page(browser, calm_app.url, DESK)
    starters = page.get_by_test_id("stButton").filter(
        has=page.locator("[data-testid=stIconMaterial]", has_text="bolt")
    )
    expect(starters).to_have_count(4)
    _calm_send_starter(page)
    expect(page.get_by_test_id("stChatMessage").nth(1)).to_contain_text("Quantum", timeout=30_000)
    shown = starters.count()
    assert script_state(page) == "running"  # still streaming when the starters were counted
    assert shown == 0, shown
    wait_for_app(page)
    page.context.close()


def test_calm_unclosed_markdown_never_shows_raw_while_streaming(calm_app: Server, browser: Any) -> None:
    from journeys_calm_util import open_page, watch_text

    page = open_page(browser, calm_app.url, DESK)
    page.get_by_test_id("stChatInputTextArea").fill("Explain it with some Markdown")
    page.keyboard.press("Enter")
    reply = page.get_by_test_id("stChatMessage").nth(1)
    seen = watch_text(page, reply, until="in short")
    assert len(seen) >= 10, len(seen)  # many looks while the text grew
    raw = [t for t in seen if any(m in t for m in ("**", "`", "_super"))]
    assert not raw, raw[:3]
    expect(reply.locator("strong", has_text="whole idea")).to_be_visible()
    expect(reply.locator("em", has_text="superposition")).to_be_visible()
    expect(reply.locator("code", has_text="print('bye')")).to_be_visible()
    page.context.close()


def test_calm_one_retry_button_names_the_family(calm_app: Server, browser: Any) -> None:
    import re

    from journeys_calm_util import FAMILY_LABEL, REJECT_PROMPT, open_page

    page = open_page(browser, calm_app.url, DESK)
    page.get_by_test_id("stChatInputTextArea").fill(REJECT_PROMPT)
    rerun_and_wait(page, lambda: page.keyboard.press("Enter"))
    expect(page.get_by_test_id("stAlert")).to_contain_text("presence_penalty")
    retries = page.get_by_role("button", name=re.compile("^Retry without"))
    expect(retries).to_have_count(1)
    expect(page.get_by_role("button", name=FAMILY_LABEL, exact=True)).to_have_count(1)
    rerun_and_wait(page, lambda: retries.click())
    expect(page.get_by_test_id("stChatMessage").nth(1)).to_contain_text("in short")
    expect(page.get_by_test_id("stAlert")).to_have_count(0)
    page.context.close()


def test_calm_quick_start_opens_on_the_pages_own_sample(calm_new_user: Server, browser: Any) -> None:
    from journeys_calm_util import open_page

    page = open_page(browser, calm_new_user.url + "/model", DESK)
    tab = page.get_by_role("tab", name="Quick start (product page)")
    expect(tab).to_have_attribute("aria-selected", "true")
    expect(page.get_by_text("Hello!", exact=False).first).to_be_visible()  # the page's own request, shown
    page.context.close()


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("playground", "xAI: Grok 3 Mini Beta"),
        ("compare", "Compare"),
        ("history", "History"),
        ("pricing", "Pricing"),
        ("model", "xAI: Grok 3 Mini Beta"),
    ],
)
def test_calm_each_page_answers_at_its_own_url(
    calm_new_user: Server, browser: Any, path: str, heading: str
) -> None:
    from journeys_calm_util import open_page

    page = open_page(browser, f"{calm_new_user.url}/{path}", DESK)
    expect(page.get_by_role("heading", name=heading).first).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.context.close()


def test_calm_a_fresh_servers_first_request_for_playground_answers(streamlit_factory: Any, browser: Any) -> None:
    """A server's very first session runs in Streamlit's legacy ``pages/`` mode, which knows pages by file name."""
    from journeys_calm_util import open_page

    app = streamlit_factory({"PLAYGROUND_PROVIDER": None, "PLAYGROUND_BASE_URL": None})
    page = open_page(browser, f"{app.url}/playground", DESK)
    expect(page.get_by_role("heading", name="xAI: Grok 3 Mini Beta").first).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.context.close()


def test_calm_sidebar_fits_one_screen_with_one_control_per_parameter(calm_new_user: Server, browser: Any) -> None:
    import re

    from journeys_calm_util import open_page

    page = open_page(browser, calm_new_user.url, DESK)
    sidebar = page.get_by_test_id("stSidebarContent")
    expect(sidebar.get_by_role("slider")).to_have_count(2)  # temperature and max tokens; the rest folded away
    expect(sidebar.get_by_role("spinbutton")).to_have_count(0)  # no typed-number box beside a slider
    advanced = sidebar.get_by_test_id("stExpander").filter(has_text="Advanced")
    expect(advanced.locator("details")).not_to_have_attribute("open", re.compile(".*"))
    bottom = sidebar.evaluate(
        """s => Math.max(...[...s.querySelectorAll('[data-testid=stElementContainer], [data-testid=stExpander]')]
             .filter(e => !e.closest('[data-testid=stExpanderDetails]'))
             .map(e => e.getBoundingClientRect().bottom))"""
    )
    assert bottom <= DESK["height"], bottom  # every control in view without scrolling
    advanced.locator("summary").click()
    for label in ("Top P", "Frequency penalty", "Presence penalty"):
        expect(sidebar.get_by_role("slider", name=label)).to_be_visible()
    expect(sidebar.get_by_role("combobox", name="Reasoning effort")).to_be_visible()
    page.context.close()


# ---- end calm ----
