"""The test set's uploaded rows in real Chromium: they survive a switch to "Side by side" and back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from browser_util import Server, rerun_and_wait, wait_for_app
from playwright.sync_api import expect


def test_an_uploaded_csv_survives_switching_views(streamlit_app: Server, page: Any, tmp_path: Path) -> None:
    page.goto(f"{streamlit_app.url}/compare")
    wait_for_app(page)
    rerun_and_wait(page, lambda: page.get_by_text("Test set", exact=True).click())
    csv = tmp_path / "rows.csv"
    csv.write_text("question,expected\nWhat is rain?,water\nWhat is snow?,ice\nWhat is hail?,ice\n")
    rerun_and_wait(page, lambda: page.locator("input[type='file']").set_input_files(str(csv)))
    expect(page.get_by_text("3 rows, columns: question, expected")).to_be_visible()
    expect(page.get_by_text("6 requests, predicted cost $")).to_be_visible()
    rerun_and_wait(page, lambda: page.get_by_text("Side by side", exact=True).click())
    expect(page.get_by_text("3 rows, columns: question, expected")).to_have_count(0)
    rerun_and_wait(page, lambda: page.get_by_text("Test set", exact=True).click())
    expect(page.get_by_text("Using rows.csv (uploaded earlier)")).to_be_visible()
    expect(page.get_by_text("3 rows, columns: question, expected")).to_be_visible()
    expect(page.get_by_text("6 requests, predicted cost $")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).to_have_count(0)  # the file's rows, not the editor's
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Clear file").click())
    expect(page.get_by_text("Using rows.csv (uploaded earlier)")).to_have_count(0)
    expect(page.get_by_text("4 requests, predicted cost $")).to_be_visible()  # back to the typed rows
