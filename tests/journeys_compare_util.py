"""Helpers for the compare and test-set journeys (tests/browser/test_journeys.py, the compare section)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from browser_util import rerun_and_wait, wait_for_app
from playwright.sync_api import expect

SLOW_PACE = 0.03  # seconds per word: a column streams for several seconds, long enough to press Stop


def open_compare(page: Any, url: str, *, size: dict[str, int]) -> None:
    page.set_viewport_size(size)
    page.goto(f"{url}/compare")
    wait_for_app(page)


def live_text(page: Any, i: int) -> str:
    box = page.locator(f".st-key-cmp_live_{i}")
    return box.inner_text() if box.count() else ""


def type_without_leaving(page: Any, label: str, text: str) -> None:
    """Type into a text box and keep the focus there (no blur: nothing is committed before the next click)."""
    box = page.get_by_label(label, exact=True)
    box.click()
    box.press_sequentially(text, delay=5)
    expect(box).to_be_focused()


def wait_until_streaming(page: Any, columns: int, *, least: int = 20, timeout: float = 30) -> list[int]:
    """Wait until every live column shows at least ``least`` characters; their lengths."""
    deadline = time.monotonic() + timeout
    lengths = [0] * columns
    while time.monotonic() < deadline:
        lengths = [len(live_text(page, i)) for i in range(columns)]
        if all(n >= least for n in lengths):
            return lengths
        time.sleep(0.1)
    raise AssertionError(f"the columns did not stream: {lengths}")


def write_rows(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def upload(page: Any, path: Path) -> None:
    rerun_and_wait(page, lambda: page.locator("input[type='file']").set_input_files(str(path)))


def grid_text(page: Any, key: str) -> str:
    """What a dataframe shows (its cells, read from the grid's accessible table)."""
    frame = page.locator(f".st-key-{key}")
    expect(frame).to_be_visible()
    return frame.inner_text()
