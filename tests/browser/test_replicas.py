"""Two Streamlit servers on one PostgreSQL, as replicas behind a load balancer: what one saves, the other lists."""

from __future__ import annotations

from typing import Any

from browser_util import rerun_and_wait, wait_for_app
from playwright.sync_api import expect


def test_a_chat_saved_through_one_replica_is_listed_by_the_other(
    postgres: Any, streamlit_factory: Any, browser: Any
) -> None:
    url = postgres.new_database()
    first, second = (streamlit_factory({"PLAYGROUND_DATABASE_URL": url}) for _ in range(2))
    one = browser.new_context().new_page()
    one.goto(first.url)
    wait_for_app(one)
    box = one.get_by_test_id("stChatInputTextArea")
    box.fill("Saved through the first replica")
    rerun_and_wait(one, lambda: box.press("Enter"))
    expect(one.get_by_test_id("stChatMessage")).to_have_count(2)
    other = browser.new_context().new_page()
    other.goto(f"{second.url}/history")
    wait_for_app(other)
    pick = other.get_by_role("combobox", name="Conversation")
    expect(pick).to_have_value("Saved through the first replica", timeout=15_000)
    expect(other.get_by_test_id("stException")).to_have_count(0)
