"""The Tune view in real Chromium, as a new user walks it: no key (the offline engine, a labelled simulation),
the example test set, Tune, the frontier, and one click that applies the recommendation to the playground."""

from __future__ import annotations

import re
from typing import Any

from browser_servers import Server
from browser_util import rerun_and_wait, wait_for_app
from playwright.sync_api import expect

TUNING = 180_000  # ms: the tuning runs every setting on the example's rows, with a judge, on 2 shared cores


def test_tune_from_start_to_the_applied_setting(streamlit_app: Server, page: Any) -> None:
    page.goto(f"{streamlit_app.url}/compare")
    wait_for_app(page)
    rerun_and_wait(page, lambda: page.get_by_text("Tune", exact=True).click())
    expect(page.get_by_text("The example: 20 capitals")).to_be_visible()
    page.get_by_role("button", name="Tune", exact=True).click()
    recommended = page.get_by_text(re.compile(r"^Recommended: effort (low|high), temperature"))
    expect(recommended).to_be_visible(timeout=TUNING)
    wait_for_app(page, timeout=TUNING)
    expect(page.get_by_text("Simulated, not a model:")).to_be_visible()  # never mistaken for Grok
    expect(page.get_by_test_id("stVegaLiteChart")).to_be_visible()  # the frontier
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    text = recommended.inner_text()
    temperature = re.search(r"temperature ([0-9.]+)", text).group(1)
    assert "None" not in text and "+00:00" not in text
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Apply to the playground").click())
    page.wait_for_url(re.compile(r"/$|/chat$"), timeout=30_000)
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    slider = sidebar.get_by_role("slider", name="Temperature")  # one slider per parameter
    expect(slider).to_have_attribute("aria-valuetext", f"{float(temperature):.2f}")


def test_a_run_against_the_baseline_shows_the_changed_rows_highlighted(streamlit_app: Server, page: Any) -> None:
    page.goto(f"{streamlit_app.url}/compare")
    wait_for_app(page)
    rerun_and_wait(page, lambda: page.get_by_text("Evaluate", exact=True).click())
    page.get_by_role("button", name="Evaluate", exact=True).click()
    expect(page.get_by_text(re.compile(r"^The judge cost \$"))).to_be_visible(timeout=TUNING)
    wait_for_app(page, timeout=TUNING)
    expect(page.get_by_text("Simulated, not a model:")).to_be_visible()
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Keep as the baseline").click())
    repeats = page.get_by_label("Repeats")
    repeats.fill("1")
    rerun_and_wait(page, lambda: repeats.press("Enter"))
    page.get_by_role("button", name="Evaluate", exact=True).click()
    expect(page.get_by_text("Against the baseline", exact=True)).to_be_visible(timeout=TUNING)
    wait_for_app(page, timeout=TUNING)
    expect(page.get_by_text(re.compile(r"^Baseline: ")).first).to_be_visible()
    expect(page.get_by_text(re.compile(r"^This run: ")).first).to_be_visible()
    sides = {}
    for side in ("Baseline: ", "This run: "):
        shown = page.get_by_text(re.compile("^" + side))
        texts = shown.all_inner_texts()
        assert texts and not any("\\" in t or "-background" in t for t in texts)  # nothing raw reaches the screen
        sides[side] = shown.locator("span").evaluate_all(
            "spans => spans.filter(s => s.innerText.trim()).map(s => getComputedStyle(s).backgroundColor)"
        )
    plain = ("rgba(0, 0, 0, 0)", "transparent")
    assert any(c not in plain for c in sides["Baseline: "]), sides  # removed words highlighted
    assert any(c not in plain for c in sides["This run: "]), sides  # added words highlighted
    assert set(sides["Baseline: "]) - set(plain) != set(sides["This run: "]) - set(plain)  # in two colours
