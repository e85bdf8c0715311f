"""Helpers for the journeys' honest-offline section: an app with no key (the in-process offline engine answers)
and a database of its own, and sending a prompt the way a user does."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from browser_util import rerun_and_wait, wait_for_app
from playwright.sync_api import expect

NO_KEY = {"PLAYGROUND_PROVIDER": None, "PLAYGROUND_BASE_URL": None}  # no provider configured: the offline engine


def offline_app(streamlit_factory: Any, tmp_path: Path, *, saving: bool = True) -> Any:
    """A fresh app with no key anywhere, saving to its own SQLite file (or not at all)."""
    url = f"sqlite:///{tmp_path / 'journeys.db'}" if saving else "none"
    return streamlit_factory({**NO_KEY, "PLAYGROUND_DATABASE_URL": url})


def open_app(page: Any, url: str) -> None:
    page.goto(url)
    wait_for_app(page)


def send(page: Any, text: str, *, replies: int) -> None:
    """Type ``text`` in the chat box, press Enter, and wait for the ``replies``-th reply to finish."""
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    rerun_and_wait(page, lambda: box.press("Enter"))
    expect(page.get_by_test_id("stChatMessage")).to_have_count(2 * replies, timeout=30_000)
    wait_for_app(page)


def choose_provider(page: Any, label: str) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").filter(has_text="Provider").click()
    page.get_by_role("option", name=label).click()
    expect(sidebar.get_by_role("combobox", name="Provider")).to_have_value(label)
    wait_for_app(page)


def request_json(message: Any) -> dict[str, Any]:
    """The JSON request an offline reply shows (its first JSON code block), as the user reads it."""
    blocks = message.get_by_test_id("stCode").all_inner_texts()
    for text in blocks:
        cleaned = text.strip()
        if cleaned.startswith("{"):
            return json.loads(cleaned)
    raise AssertionError(f"no JSON request in the reply: {blocks!r}")


def chat_id(page: Any) -> str:
    """The ?chat=<id> the address carries once the chat is saved."""
    page.wait_for_function("() => /^[0-9a-f]{32}$/.test(new URLSearchParams(location.search).get('chat') || '')")
    found = re.search(r"[?&]chat=([0-9a-f]{32})", page.url)
    assert found, page.url
    return found.group(1)
