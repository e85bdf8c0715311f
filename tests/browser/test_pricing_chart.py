"""The pricing page in real Chromium: the cost chart draws bars, redraws when the counts change, and the
measured-usage button works after a real reply on the playground page.
"""

from __future__ import annotations

import io
import re
from typing import Any

from browser_servers import Server
from browser_util import navigate_and_wait, rerun_and_wait, wait_for_app
from PIL import Image
from playwright.sync_api import expect

STARTER = "Explain quantum computing in simple terms"


def _estimate_chart(page: Any) -> Any:
    """The per-month bar chart of the estimator (the first chart on the page)."""
    chart = page.get_by_test_id("stVegaLiteChart").first
    expect(chart).to_be_visible()
    chart.scroll_into_view_if_needed()
    drawing = chart.locator("canvas, svg").first
    expect(drawing).to_be_visible()
    return chart


def _colours(png: bytes) -> int:
    """Distinct colours in a screenshot: a blank or failed chart has almost none."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return len(image.getcolors(maxcolors=1 << 24))


def _set_number(page: Any, label: str, value: int) -> None:
    field = page.get_by_role("spinbutton", name=label, exact=True)
    field.fill(str(value))
    rerun_and_wait(page, lambda: field.press("Enter"))


def test_cost_chart_renders_and_follows_the_counts(
    streamlit_app: Server, page: Any, page_errors: list[str]
) -> None:
    page.goto(f"{streamlit_app.url}/pricing")
    wait_for_app(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    chart = _estimate_chart(page)
    box = chart.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 100, box
    before = chart.screenshot()
    assert _colours(before) > 20, "the chart area is blank"
    expect(page.get_by_test_id("stMetric").filter(has_text="Per month")).to_contain_text("$3.15")
    _set_number(page, "Reasoning tokens", 20_000)
    expect(page.get_by_test_id("stMetric").filter(has_text="Per month")).to_contain_text("$31.65")
    after = _estimate_chart(page).screenshot()
    assert after != before, "the chart did not redraw for the new counts"
    assert page_errors == [], f"uncaught JavaScript errors: {page_errors}"


def test_measured_usage_after_a_playground_reply(streamlit_app: Server, page: Any, page_errors: list[str]) -> None:
    page.goto(streamlit_app.url)
    wait_for_app(page)
    rerun_and_wait(page, lambda: page.get_by_role("button", name=STARTER).click())
    expect(page.get_by_test_id("stChatMessage")).to_have_count(2)
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile("Pricing", re.I))
    navigate_and_wait(page, link, "pricing")
    expect(page.get_by_text("1 reply with usage in this session.")).to_be_visible()
    button = page.get_by_role("button", name="Use this session's average reply")
    rerun_and_wait(page, button.click)
    expect(page.get_by_text("Filled with the average of 1 reply from this session.")).to_be_visible()
    measured = int(page.get_by_role("spinbutton", name="Input tokens", exact=True).input_value())
    assert measured > 0 and measured != 1000, measured  # the offline reply's prompt, not the default
    _estimate_chart(page)
    assert page_errors == [], f"uncaught JavaScript errors: {page_errors}"
