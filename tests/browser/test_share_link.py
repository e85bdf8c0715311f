"""A share link in real Chromium: the history page shows the app's whole address, and opening it in another
browser session gives a read-only copy of the conversation there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from browser_util import navigate_and_wait, rerun_and_wait, wait_for_app
from playwright.sync_api import expect


def test_the_share_link_opens_the_conversation_elsewhere(
    streamlit_factory: Any, browser: Any, tmp_path: Path
) -> None:
    app = streamlit_factory({"PLAYGROUND_DATABASE_URL": f"sqlite:///{tmp_path / 'share.db'}"})
    owner = browser.new_context().new_page()
    owner.goto(app.url)
    wait_for_app(owner)
    box = owner.get_by_test_id("stChatInputTextArea")
    box.fill("A question worth sharing")
    rerun_and_wait(owner, lambda: box.press("Enter"))
    expect(owner.get_by_test_id("stChatMessage")).to_have_count(2)
    navigate_and_wait(owner, owner.get_by_role("link", name="History"), "history")
    expect(owner.get_by_role("combobox", name="Conversation")).to_have_value(
        "A question worth sharing", timeout=15_000
    )
    rerun_and_wait(owner, lambda: owner.get_by_role("button", name="Share link").click())
    link = owner.get_by_test_id("stCode").inner_text().strip()
    assert link.startswith(f"{app.url}/?share="), link
    viewer = browser.new_context().new_page()
    viewer.goto(link)
    wait_for_app(viewer)
    messages = viewer.get_by_test_id("stChatMessage")
    expect(messages).to_have_count(2)
    expect(messages.first).to_contain_text("A question worth sharing")
    expect(viewer.get_by_test_id("stException")).to_have_count(0)
