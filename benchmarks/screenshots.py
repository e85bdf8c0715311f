"""The README's screenshots, taken from the running app so they stay true: the playground mid-stream, compare with
its deltas, and a test set's results. The app starts as a new user meets it (no key: the offline engine, paced so
that a reply can be caught while it streams), Chromium at 1440x900.

    python -m benchmarks.screenshots [--out assets/screenshots]

Each PNG is checked to stay under ``MAX_BYTES``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser_servers import start_streamlit  # noqa: E402
from tests.browser_util import launch_chromium, rerun_and_wait, track_frames, track_runs, wait_for_app  # noqa: E402

VIEWPORT = {"width": 1440, "height": 900}
MAX_BYTES = 300_000
STARTER = "Explain quantum computing in simple terms"
TEST_SET = "question,expected\nWhat is rain?,offline\nWhat is snow?,offline\nWhat is hail?,nope\n"


def _page(browser: Any, url: str) -> Any:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(60_000)
    track_runs(context)
    page = context.new_page()
    track_frames(page)
    page.goto(url)
    wait_for_app(page)
    return page


def playground_mid_stream(browser: Any, url: str, out: Path) -> None:
    """A starter sent, caught while its answer streams (the thinking block folded, the answer growing)."""
    page = _page(browser, url)
    page.get_by_role("button", name=STARTER).click()
    reply = page.get_by_test_id("stChatMessage").nth(1)
    reply.get_by_role("heading", name="The request").wait_for()
    page.screenshot(path=str(out))
    wait_for_app(page)
    page.context.close()


def compare_with_deltas(browser: Any, url: str, out: Path) -> None:
    """Two variants answered side by side (the second capped at 200 tokens), the results table with each one's
    difference from the first."""
    page = _page(browser, f"{url}/compare")
    capped = page.locator(".st-key-cmp_1_max_tokens input")
    capped.fill("200")
    rerun_and_wait(page, lambda: capped.press("Enter"))
    page.get_by_label("Prompt", exact=True).fill("Why is the sky blue?")
    page.get_by_label("Prompt", exact=True).press("Control+Enter")
    wait_for_app(page)
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Send to all").click())
    done = page.locator(".st-key-cmp_continue_1")  # drawn under the last column once every lane has ended
    done.wait_for(timeout=180_000)
    wait_for_app(page, timeout=60_000)
    done.evaluate("e => e.scrollIntoView({block: 'start'})")  # the strips and the difference, the table below
    page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollBy(0, -160)")
    page.screenshot(path=str(out))
    page.context.close()


def test_set_results(browser: Any, url: str, out: Path) -> None:
    """A three-row CSV test set run against both variants: progress, cost, the graded grid and its totals."""
    page = _page(browser, f"{url}/compare")
    rerun_and_wait(page, lambda: page.get_by_text("Test set", exact=True).click())
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "set.csv"
        csv.write_text(TEST_SET)
        rerun_and_wait(page, lambda: page.locator("input[type='file']").set_input_files(str(csv)))
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Run the test set").click())
    page.get_by_text("6 of 6 requests ran and cost $").wait_for(timeout=180_000)
    page.get_by_test_id("stDataFrame").last.scroll_into_view_if_needed()
    page.screenshot(path=str(out))
    page.context.close()


SHOTS = {
    "playground-streaming.png": playground_mid_stream,
    "compare-deltas.png": compare_with_deltas,
    "test-set-results.png": test_set_results,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="assets/screenshots", help="directory for the PNGs")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    # no provider configured: the offline engine, at a pace that leaves a few seconds of streaming to catch
    app = start_streamlit(env={"PLAYGROUND_OFFLINE_PACE": "0.01"})  # the environment's PLAYGROUND_* are scrubbed
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            try:
                for name, shoot in SHOTS.items():
                    shoot(browser, app.url, out / name)
                    size = (out / name).stat().st_size
                    print(f"{out / name}: {size:,} bytes")
                    if size > MAX_BYTES:
                        raise SystemExit(f"{name} is {size:,} bytes, over {MAX_BYTES:,}")
            finally:
                browser.close()
    finally:
        app.stop()


if __name__ == "__main__":
    main()
