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


@pytest.fixture(scope="module")
def slow_compare_app(shared_streamlit: Any, browser_logs: Any) -> Any:
    from journeys_compare_util import SLOW_PACE

    slow = start_offline_server(pace=SLOW_PACE, log_dir=browser_logs)
    try:
        yield shared_streamlit({"PLAYGROUND_BASE_URL": slow.url})
    finally:
        slow.stop()


def test_compare_one_click_after_typing_streams_both_columns_and_stop_settles(
    slow_compare_app: Server, page: Any
) -> None:
    """Finding 3 and Stop: typed, one click (the box still focused) streams both; Stop keeps the partial text."""
    from journeys_compare_util import open_compare, type_without_leaving, wait_until_streaming

    open_compare(page, slow_compare_app.url, size=DESK)
    type_without_leaving(page, "Prompt", "Why is the sky blue?")
    page.get_by_role("button", name="Send to all").click()  # one click, no blur before it
    stop = page.get_by_role("button", name="Stop")
    expect(stop).to_be_visible(timeout=15_000)  # Stop is there while the variants stream
    wait_until_streaming(page, 2)
    rerun_and_wait(page, lambda: stop.click())
    expect(page.get_by_text("Stopped: ")).to_be_visible()
    for i in range(2):
        result = page.locator(f".st-key-cmp_result_{i}")
        expect(result).to_contain_text("offline engine")  # the partial text is kept
    expect(page.get_by_role("button", name="Stop")).to_have_count(0)  # the page settled: nothing runs
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()  # results for what ran


# ---- end compare ----


# ---- honest offline and persistence: spend, the request described, reload, Clear and Delete (6, 7, 8) ----


# ---- end offline ----


# ---- a calm chat: the strip, starters, Markdown, retry, actions, Quick Start, URLs (finding 10) ----


# ---- end calm ----
