"""Batch pricing in real Chromium (issue 23 point 7): the Evaluate view predicts the run at the live price and as
one batch (the offline engine's simulated half-price batch, labelled so); choosing "Send as one batch" and
Evaluate starts a batch job whose progress says it is a batch, and the page settles by itself on the final summary
with the answers' batch cost."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from browser_servers import Server
from browser_util import rerun_and_wait, switch_on, wait_for_app
from playwright.sync_api import expect

RUN = 180_000  # ms: 40 answers in one batch (ready after 2 s, looked at every 10 s) and their judge calls
PREDICTED = re.compile(
    r"As one batch: \$[\d.]+ to \$[\d.]+ \(50 % off; results within 24 h; judge requests stay at the live "
    r"price\)\. Source: simulated by the offline engine, nothing is billed\."
)
BATCH_PHASE = re.compile(r"^Sent as one batch: (waiting to be submitted|submitting it|submitted, in progress)")
DONE = re.compile(r"^Finished · 40 of 40 requests · offline, nothing spent: would cost \$[\d.]+")
PRICED = re.compile(
    r"^Sent as one batch \(simulated by the offline engine\): the answers would cost \$[\d.]+ at the batch price; "
    r"judge requests at the live price\.$"
)
RAW = ("None", "+00:00", "Traceback", "_usd", "seconds_left")


def test_a_run_sent_as_one_batch_shows_both_prices_its_progress_and_its_batch_cost(
    streamlit_factory: Any, page: Any, tmp_path: Path
) -> None:
    app: Server = streamlit_factory(
        {
            "PLAYGROUND_DATABASE_URL": f"sqlite:///{tmp_path / 'jobs.db'}",
            "PLAYGROUND_PROVIDER": None,  # no provider and no key: the columns answer on the offline engine
            "PLAYGROUND_BASE_URL": None,
        }
    )
    page.goto(f"{app.url}/compare")
    wait_for_app(page)
    rerun_and_wait(page, lambda: page.get_by_text("Evaluate", exact=True).click())
    repeats = page.get_by_label("Repeats")
    repeats.fill("1")
    rerun_and_wait(page, lambda: repeats.press("Enter"))
    expect(page.get_by_text(re.compile(r"predicted cost \$[\d.]+ to \$[\d.]+ at the live price"))).to_be_visible()
    expect(page.get_by_text(PREDICTED)).to_be_visible()

    choice = page.get_by_text("Send as one batch (cheaper, slower)", exact=True)
    switch_on(page, page.get_by_role("switch", name="Send as one batch (cheaper, slower)"), choice)
    page.get_by_role("button", name="Evaluate", exact=True).click()
    expect(page.get_by_text(BATCH_PHASE)).to_be_visible()  # the job says it is a batch while it runs
    expect(page.get_by_text(re.compile(r"^(Waiting to start|Running) · \d+ of 40 requests"))).to_be_visible()
    expect(page.get_by_role("button", name="Evaluate", exact=True)).to_be_disabled()
    page.wait_for_url(re.compile(r"\?job=[0-9a-f]{32}$"))

    expect(page.get_by_text(DONE)).to_be_visible(timeout=RUN)  # settles by itself, no click
    expect(page.get_by_text(PRICED)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^The judge cost \$"))).to_be_visible()
    expect(page.get_by_role("button", name="Evaluate", exact=True)).to_be_enabled()
    body = page.get_by_test_id("stMain").inner_text()
    assert not [r for r in RAW if r in body], body
