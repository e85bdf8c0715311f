"""The compare page in real Chromium: four columns streaming side by side, Stop stops all, a CSV test set run."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_servers import Server, start_offline_server
from browser_util import rerun_and_wait, wait_for_app
from playwright.sync_api import expect

SLOW_PACE = 0.03  # seconds per word: each column streams for several seconds
ANSWER_START = "offline engine"  # in the reasoning or the answer, wherever the stop fell


@pytest.fixture(scope="module")
def slow_app(shared_streamlit: Any, browser_logs: Any) -> Iterator[Server]:
    slow = start_offline_server(pace=SLOW_PACE, log_dir=browser_logs)
    try:
        yield shared_streamlit({"PLAYGROUND_BASE_URL": slow.url})
    finally:
        slow.stop()


def _open(page: Any, app: Server) -> None:
    page.goto(f"{app.url}/compare")
    wait_for_app(page)


def _live_text(page: Any, i: int) -> str:
    box = page.locator(f".st-key-cmp_live_{i}")
    return box.inner_text() if box.count() else ""


def test_four_columns_stream_side_by_side_and_stop_stops_all(slow_app: Server, page: Any) -> None:
    _open(page, slow_app)
    for _ in range(2):
        rerun_and_wait(page, lambda: page.get_by_role("button", name="Add variant").click())
    expect(page.get_by_role("button", name="Add variant")).to_be_disabled()
    page.get_by_label("Prompt", exact=True).fill("Why is the sky blue?")
    page.get_by_label("Prompt", exact=True).press("Control+Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Send to all").click()
    lengths: list[list[int]] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        lengths.append([len(_live_text(page, i)) for i in range(4)])
        if len(lengths) > 3 and all(n > 40 for n in lengths[-1]):
            break
        time.sleep(0.2)
    assert all(n > 40 for n in lengths[-1]), lengths[-3:]
    growing = [i for i in range(4) if len({row[i] for row in lengths if row[i]}) > 1]
    assert growing == [0, 1, 2, 3]  # every column grew while the others did
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Stop").first.click())
    for i in range(4):
        result = page.locator(f".st-key-cmp_result_{i}")
        expect(result).to_contain_text(ANSWER_START)
        expect(result).to_contain_text("Stopped")  # the status in words (issue 20, finding 9)
    table = page.get_by_test_id("stDataFrame").first  # the results table
    expect(table).to_be_visible()


def test_csv_test_set_runs_end_to_end(streamlit_app: Server, page: Any, tmp_path: Path) -> None:
    _open(page, streamlit_app)
    rerun_and_wait(page, lambda: page.get_by_text("Test set", exact=True).click())
    csv = tmp_path / "set.csv"
    csv.write_text("question,expected\nWhat is rain?,offline\nWhat is snow?,offline\nWhat is hail?,nope\n")
    rerun_and_wait(page, lambda: page.locator("input[type='file']").set_input_files(str(csv)))
    expect(page.get_by_text("3 rows, columns: question, expected")).to_be_visible()
    expect(page.get_by_text("6 requests, predicted cost $")).to_be_visible()
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Run the test set").click())
    expect(page.get_by_text("6 of 6 requests ran and cost $")).to_be_visible()
    expect(page.get_by_test_id("stProgress")).to_be_visible()
    grid = page.get_by_test_id("stDataFrame")
    expect(grid).to_have_count(2)  # the uploaded file replaces the typed rows: the grid and the totals
    expect(page.get_by_role("button", name="Export CSV")).to_be_visible()
