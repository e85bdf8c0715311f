"""The Tune view as a job in real Chromium (issue 23): a tuning started on the SQLite default outlives its tab; a
new browser context finds it in History's Jobs, opens it in the Tune view, sees the recommendation read back from
the job, and applies it to the playground."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_servers import Server, start_offline_server
from browser_util import new_page, no_raw, rerun_and_wait, wait_for_app
from playwright.sync_api import expect

TUNING = 240_000  # ms: the example's rounds on the paced offline engine, judged, on 2 shared cores
RUNNING = re.compile(r"^Tuning… (Waiting to start|Running) · \d+ requests · \$[\d.]+ spent of the \$0\.30 cap$")


def choose(page: Any, label: str, option: str) -> None:
    """Pick ``option`` in a select box: its list opens on a click (again if a rerun closed it first)."""
    wanted = page.get_by_role("option", name=option)
    for _ in range(5):
        page.get_by_label(label).click()
        try:
            wanted.wait_for(timeout=3_000)
        except Exception:  # noqa: BLE001 - the list closed under a rerun: open it again
            continue
        rerun_and_wait(page, wanted.click)
        return
    raise AssertionError(f"the {label!r} list never showed {option!r}")


@pytest.fixture
def paced(browser_logs: Path) -> Iterator[Server]:
    server = start_offline_server(pace=0.005, log_dir=browser_logs)
    yield server
    server.stop()


def test_a_tuning_outlives_its_tab_and_is_applied_from_another_context(
    streamlit_factory: Any, browser: Any, paced: Server, tmp_path: Path
) -> None:
    app = streamlit_factory(
        {"PLAYGROUND_DATABASE_URL": f"sqlite:///{tmp_path / 'jobs.db'}", "PLAYGROUND_BASE_URL": paced.url}
    )
    first = new_page(browser)
    first.goto(f"{app.url}/compare")
    wait_for_app(first)
    rerun_and_wait(first, lambda: first.get_by_text("Tune", exact=True).click())
    first.get_by_role("button", name="Tune", exact=True).click()
    expect(first.get_by_text(RUNNING)).to_be_visible()
    first.wait_for_url(re.compile(r"\?job=[0-9a-f]{32}$"))
    expect(first.get_by_role("button", name="Tune", exact=True)).to_be_disabled()
    first.context.close()  # the tab is gone; the tuning is not

    later = new_page(browser)
    try:
        later.goto(f"{app.url}/history")
        wait_for_app(later)
        later.get_by_role("tab", name="Jobs").click()
        expect(later.get_by_text("Tuning: the example", exact=True)).to_be_visible()
        no_raw(later)
        later.get_by_role("button", name="Open").click()
        later.wait_for_url(re.compile(r"/compare\?job=[0-9a-f]{32}$"))
        recommended = later.get_by_text(re.compile(r"^Recommended: effort (low|high), temperature"))
        expect(recommended).to_be_visible(timeout=TUNING)  # the page settles by itself when the job ends
        expect(later.get_by_text("Simulated, not a model:")).to_be_visible()
        expect(later.get_by_test_id("stVegaLiteChart")).to_be_visible()  # the frontier
        no_raw(later)
        temperature = re.search(r"temperature ([0-9.]+)", recommended.inner_text()).group(1)
        rerun_and_wait(later, lambda: later.get_by_role("button", name="Apply to the playground").click())
        later.wait_for_url(re.compile(r"/$|/chat$"), timeout=30_000)
        wait_for_app(later)
        slider = later.get_by_test_id("stSidebar").get_by_role("slider", name="Temperature")
        expect(slider).to_have_attribute("aria-valuetext", f"{float(temperature):.2f}")
    finally:
        later.context.close()


def test_a_plain_test_set_runs_as_a_job_and_the_evaluate_view_follows_it(
    streamlit_factory: Any, browser: Any, paced: Server, tmp_path: Path
) -> None:
    app = streamlit_factory(
        {"PLAYGROUND_DATABASE_URL": f"sqlite:///{tmp_path / 'jobs.db'}", "PLAYGROUND_BASE_URL": paced.url}
    )
    page = new_page(browser)
    try:
        page.goto(f"{app.url}/compare")
        wait_for_app(page)
        rerun_and_wait(page, lambda: page.get_by_text("Test set", exact=True).click())
        expect(page.get_by_role("button", name="Run the test set")).to_be_visible()
        wait_for_app(page)
        choose(page, "Check each output", "Contains the expected column")
        rerun_and_wait(page, lambda: page.get_by_role("button", name="Run as a job").click())
        page.wait_for_url(re.compile(r"\?job=[0-9a-f]{32}$"))
        expect(page.get_by_role("radio", name="Evaluate")).to_be_checked()
        finished = page.get_by_text(re.compile(r"^Finished · 4 of 4 requests · \$[\d.]+ spent$"))
        expect(finished).to_be_visible(timeout=TUNING)  # settles by itself
        expect(page.get_by_test_id("stDataFrame").first).to_be_visible()  # per variant: pass rate, cost, latency
        no_raw(page)
    finally:
        page.context.close()
