"""The test set's rows in real Chromium: an uploaded CSV and typed edits survive "Side by side" and back.

Steps wait on what the page shows, not on counted runs: a quick rerun may never show the app as running.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from browser_servers import Server
from browser_util import wait_for_app
from playwright.sync_api import expect

ROW = 35  # pixels: the data editor's header and row height
SETTLE_MS = 1_000  # quiet time after a step, long enough for a late rerun (a re-sent edit) to show


def _predicted(page: Any) -> Any:
    return page.get_by_text("predicted cost $")


def _settle(page: Any) -> str:
    """Wait until the page is idle; the predicted line then."""
    wait_for_app(page, quiet_ms=SETTLE_MS)
    expect(_predicted(page)).to_be_visible()
    return _predicted(page).inner_text()


def _view(page: Any, name: str) -> None:
    """Switch the compare page's view and wait until the new view is drawn."""
    page.get_by_text(name, exact=True).click()
    if name == "Test set":
        expect(_predicted(page)).to_be_visible()
    else:
        expect(page.get_by_role("button", name="Send to all")).to_be_visible()
    wait_for_app(page)


def _open(page: Any, app: Server) -> None:
    page.goto(f"{app.url}/compare")
    wait_for_app(page)
    _view(page, "Test set")


def test_an_uploaded_csv_survives_switching_views(streamlit_app: Server, page: Any, tmp_path: Path) -> None:
    _open(page, streamlit_app)
    csv = tmp_path / "rows.csv"
    csv.write_text("question,expected\nWhat is rain?,water\nWhat is snow?,ice\nWhat is hail?,ice\n")
    page.locator("input[type='file']").set_input_files(str(csv))
    expect(page.get_by_text("3 rows, columns: question, expected")).to_be_visible()
    expect(page.get_by_text("6 requests, predicted cost $")).to_be_visible()
    _view(page, "Side by side")
    expect(page.get_by_text("3 rows, columns: question, expected")).to_have_count(0)
    _view(page, "Test set")
    expect(page.get_by_text("Using rows.csv (uploaded earlier)")).to_be_visible()
    expect(page.get_by_text("3 rows, columns: question, expected")).to_be_visible()
    assert _settle(page).startswith("6 requests, ")
    expect(page.get_by_test_id("stDataFrame")).to_have_count(0)  # the file's rows, not the editor's
    page.get_by_role("button", name="Clear file").click()
    expect(page.get_by_text("4 requests, predicted cost $")).to_be_visible()  # back to the typed rows
    expect(page.get_by_text("Using rows.csv (uploaded earlier)")).to_have_count(0)


def _click_cell(page: Any, row: int) -> None:
    """Click the question cell of ``row`` (0-based; one past the last row is the grid's "add a row" line)."""
    grid = page.locator(".st-key-ts_editor")
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 60, box["y"] + ROW * (row + 1) + ROW / 2)  # below the header row


def _type_cell(page: Any, text: str) -> str:
    """Replace the selected cell's text and commit; the predicted line once it changed and the page settled."""
    shown = _predicted(page).inner_text()
    editor = page.locator("textarea.gdg-input")
    if not editor.is_visible():  # a new row opens its editor at once
        page.keyboard.press("Enter")  # open the cell editor first: keys typed while it opens are lost
    expect(editor).to_be_visible()
    editor.fill(text)
    expect(editor).to_have_value(text)
    editor.press("Enter")
    expect(_predicted(page)).not_to_have_text(shown)
    return _settle(page)


def test_typed_edits_survive_switching_views_and_apply_once(streamlit_app: Server, page: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 1600})  # the whole test set view, the grid never scrolls
    _open(page, streamlit_app)
    before = _settle(page)
    _click_cell(page, 0)
    _type_cell(page, "Tell me everything " * 30)
    _click_cell(page, 2)  # the "add a row" line: a new row
    expect(page.get_by_text("6 requests, predicted cost $")).to_be_visible()
    _settle(page)
    edited = _type_cell(page, "What is hail?")
    assert edited.startswith("6 requests, ") and edited != before
    _view(page, "Side by side")
    _view(page, "Test set")
    assert _settle(page) == edited  # the long question and the added row, once
    page.get_by_label("Cost cap (USD, empty for none)").fill("0.000001")
    page.keyboard.press("Enter")  # a later rerun applies nothing again
    expect(page.get_by_text("over the cap of $0.000001.")).to_be_visible()
    assert _settle(page) == edited
