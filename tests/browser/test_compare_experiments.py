"""The compare page in real Chromium: a column's tools set in its popover reach the model (the offline engine
calls the tool), the run is saved as an experiment and runs again from the saved list."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from browser_servers import Server
from browser_util import rerun_and_wait, wait_for_app
from playwright.sync_api import expect

from playground.tools.examples import EXAMPLE_TOOLS
from playground.tools.functions import tools_json

TOOLS_LABEL = "Tools (JSON list, OpenAI style; empty for none)"


def test_tools_per_column_then_save_and_run_again(streamlit_factory: Any, page: Any, tmp_path: Path) -> None:
    app: Server = streamlit_factory({"PLAYGROUND_DATABASE_URL": f"sqlite:///{tmp_path / 'browser.db'}"})
    page.goto(f"{app.url}/compare")
    wait_for_app(page)
    page.get_by_role("button", name=re.compile("Tools and output format")).first.click()
    box = page.get_by_label(TOOLS_LABEL).first
    box.fill(tools_json(EXAMPLE_TOOLS[:1]))
    rerun_and_wait(page, lambda: box.press("Control+Enter"))
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name=re.compile("Tools and output format: Text · 1 tool"))).to_be_visible()
    page.get_by_label("Prompt", exact=True).fill("What is the weather in Paris?")
    rerun_and_wait(page, lambda: page.get_by_label("Prompt", exact=True).press("Control+Enter"))
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Send to all").click())
    first = page.locator(".st-key-cmp_live_0")
    expect(first).to_contain_text("Asked to call get_weather")
    expect(first.get_by_test_id("stCode")).to_contain_text('"name": "get_weather"')
    expect(page.locator(".st-key-cmp_live_1")).not_to_contain_text("Asked to call")
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Save as experiment").click())
    expect(page.get_by_text("Saved as “What is the weather in Paris?”")).to_be_visible()
    page.get_by_text("Saved experiments (1)").click()  # opening an expander runs nothing
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Run again").click())
    expect(page.get_by_text("Loaded “What is the weather in Paris?”: running it again.")).to_be_visible()
    expect(page.locator(".st-key-cmp_live_0")).to_contain_text("Asked to call get_weather", timeout=30_000)
    expect(page.get_by_test_id("stDataFrame").last).to_be_visible()
