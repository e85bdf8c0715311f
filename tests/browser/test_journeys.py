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


def test_usage_says_nothing_was_spent_on_offline_replies(streamlit_factory: Any, page: Any, tmp_path: Any) -> None:
    from browser_util import navigate_and_wait
    from journeys_offline_util import offline_app, open_app, send

    open_app(page, offline_app(streamlit_factory, tmp_path).url)
    send(page, "Explain quantum computing in simple terms", replies=1)
    send(page, "And in one sentence?", replies=2)
    footer = page.get_by_text("Last reply offline, nothing spent")
    expect(footer).to_contain_text("nothing spent so far (its 2 offline replies would cost $")
    strip = page.get_by_test_id("stChatMessage").last.get_by_text("nothing spent: offline, would cost $")
    expect(strip).to_be_visible()
    navigate_and_wait(page, page.get_by_role("link", name="History"), "history")
    page.get_by_role("tab", name="Usage").click()
    spent = page.get_by_test_id("stMetric").filter(has_text="Spent in all")
    expect(spent.get_by_test_id("stMetricValue")).to_have_text("$0.00")
    offline = page.get_by_test_id("stMetric").filter(has_text="Offline replies (not spent)")
    expect(offline.get_by_test_id("stMetricValue")).to_have_text("2")
    expect(page.get_by_text("had a provider written them, they would cost $")).to_contain_text(
        "at the model's list prices"
    )
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_xai_without_a_key_gets_xais_request_described(streamlit_factory: Any, page: Any, tmp_path: Any) -> None:
    from journeys_offline_util import choose_provider, offline_app, open_app, request_json, send

    open_app(page, offline_app(streamlit_factory, tmp_path, saving=False).url)
    choose_provider(page, "xAI")
    expect(
        page.get_by_test_id("stSidebar").get_by_label("API key", exact=True)
    ).to_be_visible()  # the field the hint names
    send(page, "Explain quantum computing in simple terms", replies=1)
    reply = page.get_by_test_id("stChatMessage").last
    request = request_json(reply)
    assert request["model"] == "grok-3-mini", request
    assert not {"frequency_penalty", "presence_penalty", "stop"} & set(request), request
    expect(reply).to_contain_text("The request xAI would get")
    expect(reply).to_contain_text("Left out for xAI: frequency_penalty, presence_penalty")
    expect(reply.get_by_text("XAI_API_KEY", exact=True)).to_be_visible()
    expect(reply).not_to_contain_text("MODELSLAB")
    expect(reply).to_contain_text("API key field of the Playground's sidebar")


def test_a_reload_keeps_the_chat(streamlit_factory: Any, page: Any, tmp_path: Any) -> None:
    from browser_util import wait_for_app
    from journeys_offline_util import chat_id, offline_app, open_app, send

    open_app(page, offline_app(streamlit_factory, tmp_path).url)
    send(page, "Remember this after a reload", replies=1)
    saved = chat_id(page)
    page.reload()
    wait_for_app(page)
    messages = page.get_by_test_id("stChatMessage")
    expect(messages).to_have_count(2)
    expect(messages.first).to_contain_text("Remember this after a reload")
    assert chat_id(page) == saved
    send(page, "Still the same chat?", replies=2)  # goes on in the same chat
    page.get_by_role("button", name="Clear").click()
    expect(page.get_by_text("Start a new chat? This one stays in History.")).to_be_visible()


def test_history_delete_asks_before_deleting(streamlit_factory: Any, page: Any, tmp_path: Any) -> None:
    from browser_util import navigate_and_wait
    from journeys_offline_util import offline_app, open_app, send

    open_app(page, offline_app(streamlit_factory, tmp_path).url)
    send(page, "A chat to delete", replies=1)
    navigate_and_wait(page, page.get_by_role("link", name="History"), "history")
    picker = page.get_by_role("combobox", name="Conversation")
    expect(picker).to_have_value("A chat to delete", timeout=15_000)
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Delete…").click())
    question = page.get_by_text("Delete “A chat to delete” for good?")
    expect(question).to_be_visible()
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Keep it").click())
    expect(question).to_have_count(0)
    expect(picker).to_have_value("A chat to delete")  # kept
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Delete…").click())
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Delete for good").click())
    expect(page.get_by_text("No saved conversations match.")).to_be_visible()


def test_run_again_brings_the_results_into_view(streamlit_factory: Any, page: Any, tmp_path: Any) -> None:
    from journeys_offline_util import offline_app, open_app

    open_app(page, offline_app(streamlit_factory, tmp_path).url + "/compare")
    prompt = page.get_by_label("Prompt", exact=True)
    prompt.fill("Name three prime numbers")
    rerun_and_wait(page, lambda: prompt.press("Control+Enter"))
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Send to all").click())
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Save as experiment").click())
    page.mouse.wheel(0, -10_000)  # back at the top, where the saved experiments are
    page.get_by_text("Saved experiments (1)").click()
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Run again").click())
    results = page.locator(".st-key-cmp_live_0")
    expect(results).to_contain_text("offline engine", timeout=30_000)
    expect(results).to_be_in_viewport()


# ---- end offline ----


# ---- a calm chat: the strip, starters, Markdown, retry, actions, Quick Start, URLs (finding 10) ----


# ---- end calm ----
