"""The Evaluate view's stored runs in real Chromium: a baseline run and a changed run kept in the database, then a
new browser session reads them back: the runs table, the chart over the runs, and the changed rows side by side
with their differences highlighted in two colours."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from browser_servers import Server
from browser_util import rerun_and_wait, wait_for_app
from playwright.sync_api import expect

TUNING = 180_000  # ms: every row of the example through both columns, judged, on 2 shared cores
PLAIN = ("rgba(0, 0, 0, 0)", "transparent")


def open_evaluate(page: Any, app: Server) -> None:
    page.goto(f"{app.url}/compare")
    wait_for_app(page)
    rerun_and_wait(page, lambda: page.get_by_text("Evaluate", exact=True).click())


def run_once(page: Any) -> None:
    page.get_by_role("button", name="Evaluate", exact=True).click()
    expect(page.get_by_text(re.compile(r"^The judge cost \$"))).to_be_visible(timeout=TUNING)
    wait_for_app(page, timeout=TUNING)


def backgrounds(page: Any, side: str) -> list[str]:
    shown = page.get_by_text(re.compile("^" + side))
    texts = shown.all_inner_texts()
    assert texts and not any("\\" in t or "-background" in t for t in texts)  # nothing raw reaches the screen
    return shown.locator("span").evaluate_all(
        "spans => spans.filter(s => s.innerText.trim()).map(s => getComputedStyle(s).backgroundColor)"
    )


def test_the_baseline_comparison_is_read_back_from_the_stored_runs(
    streamlit_factory: Any, page: Any, browser: Any, tmp_path: Path
) -> None:
    app: Server = streamlit_factory({"PLAYGROUND_DATABASE_URL": f"sqlite:///{tmp_path / 'runs.db'}"})
    open_evaluate(page, app)
    run_once(page)
    expect(page.get_by_text("No baseline yet", exact=False)).to_be_visible()
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Keep as the baseline").click())
    repeats = page.get_by_label("Repeats")
    repeats.fill("1")
    rerun_and_wait(page, lambda: repeats.press("Enter"))
    run_once(page)
    expect(page.get_by_text("Run 2 against the baseline (run 1)", exact=True)).to_be_visible()

    later = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()  # a new session
    try:
        open_evaluate(later, app)
        expect(later.get_by_text("Runs of the example (2)", exact=True)).to_be_visible()
        expect(later.get_by_text("Run 2 against the baseline (run 1)", exact=True)).to_be_visible()
        expect(later.get_by_test_id("stVegaLiteChart").first).to_be_visible()  # the runs over time
        expect(later.get_by_text(re.compile(r"^Baseline: ")).first).to_be_visible()
        before, after = backgrounds(later, "Baseline: "), backgrounds(later, "This run: ")
        assert any(c not in PLAIN for c in before), before  # removed words highlighted
        assert any(c not in PLAIN for c in after), after  # added words highlighted
        assert set(before) - set(PLAIN) != set(after) - set(PLAIN)  # in two colours
        body = later.get_by_test_id("stMain").inner_text()
        assert "None" not in body and "+00:00" not in body and "Traceback" not in body
        picked = later.get_by_role("combobox", name="Run", exact=True)
        expect(picked).to_have_value(re.compile(r"^Run 2 · \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC$"))  # dated in words
    finally:
        later.context.close()
