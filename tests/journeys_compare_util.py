"""Helpers for the compare and test-set journeys (tests/browser/test_journeys.py, the compare section)."""

from __future__ import annotations

import re
import time
from decimal import Decimal
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


def wait_until_streaming(
    page: Any, columns: int, *, least: int = 20, timeout: float = 30, showing: str = ""
) -> list[int]:
    """Wait until every live column shows at least ``least`` characters (and ``showing``, when given: the answer
    rather than only the reasoning); their lengths."""
    deadline = time.monotonic() + timeout
    lengths = [0] * columns
    while time.monotonic() < deadline:
        texts = [live_text(page, i) for i in range(columns)]
        lengths = [len(t) for t in texts]
        if all(n >= least for n in lengths) and all(showing in t for t in texts):
            return lengths
        time.sleep(0.1)
    raise AssertionError(f"the columns did not stream: {lengths}")


def write_rows(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def upload(page: Any, path: Path, *, within: str = "stMain") -> None:
    """Put ``path`` into the file uploader inside the element with test id ``within``."""
    box = page.get_by_test_id(within).locator("input[type='file']")
    rerun_and_wait(page, lambda: box.set_input_files(str(path)))


def table_text(page: Any, nth: int) -> str:
    """What the ``nth`` dataframe shows: its headers and the cells drawn (the grid's accessible table holds the
    columns in view)."""
    frame = page.get_by_test_id("stDataFrame").nth(nth)
    expect(frame).to_be_visible()
    frame.locator("[role=columnheader]").first.wait_for(state="attached")
    cells = frame.locator("[role=columnheader], [role=gridcell]")
    return "\n".join(cells.all_text_contents())


def table_headers(page: Any, nth: int) -> list[str]:
    """The column headers the ``nth`` dataframe shows (those in view)."""
    frame = page.get_by_test_id("stDataFrame").nth(nth)
    expect(frame).to_be_visible()
    frame.locator("[role=columnheader]").first.wait_for(state="attached")
    return [t.strip() for t in frame.locator("[role=columnheader]").all_text_contents()]


def ran_and_spent(summary: str) -> tuple[int, Decimal]:
    """How many requests a test-set summary says ran, and what they cost."""
    found = re.search(r"(\d+) of (\d+) requests ran and cost \$([0-9.]+)", summary)
    assert found is not None, summary
    return int(found.group(1)), Decimal(found.group(3))
