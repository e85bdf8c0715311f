"""Tuning must not wait on the history: a temperature change to a settled page in Chromium, ours vs a bare replay.

For 10, 200 and 1,000 messages: ``benchmarks/seeded_app.py`` (the real app with its conversation seeded) and
``benchmarks/baseline_replay_app.py`` (a bare chat replaying every message on each rerun), side by side. Each round
opens a fresh session (first load: navigation start to the settled page) and then moves the temperature slider one
step with the keyboard several times (key press to settled page). "Settled": the script is not running, the URL
holds the new temperature, and neither the DOM nor the websocket from the server has changed for ``--quiet`` ms;
the time is that of the last DOM change or server message (a fast rerun may change no DOM and may not even flip the
run state). Medians over every move of every round.

    python -m benchmarks.bench_tuning [--rounds 3] [--moves 5] [--sizes 10,200,1000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser_servers import Server, start_streamlit  # noqa: E402
from tests.browser_util import launch_chromium, track_runs  # noqa: E402

SETTLE_JS = """() => {
  if (window.__pgSettle) return;
  const s = window.__pgSettle = {last: performance.now(), key: null};
  const touch = () => { s.last = performance.now(); };
  new MutationObserver(touch).observe(document, {subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ['data-test-script-state']});
  window.addEventListener('keydown', () => { s.key = performance.now(); s.last = s.key; }, true);
  const Socket = window.WebSocket;  // every message from the server counts too (a rerun may change no DOM)
  window.WebSocket = function (...args) {
    const ws = new Socket(...args);
    ws.addEventListener('message', touch);
    return ws;
  };
  window.WebSocket.prototype = Socket.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
}"""
QUIET_JS = """([quiet, minRuns, temperature]) => {
  const app = document.querySelector("[data-testid='stApp']");
  const s = window.__pgSettle, t = window.__pgTracker;
  if (!app || !s || !t || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (t.runs < minRuns || document.querySelector("[data-testid='stSkeleton']")) return false;
  if (temperature !== null && parseFloat(new URLSearchParams(location.search).get('temperature')) !== temperature)
    return false;
  return performance.now() - s.last >= quiet;
}"""
CONTENDERS = {"bare replay": "benchmarks/baseline_replay_app.py", "playground page": "benchmarks/seeded_app.py"}


def settle(page: Any, *, quiet: int, min_runs: int, temperature: float | None, timeout: float = 120_000) -> None:
    """Wait for the settled page (see the module docstring); on a timeout say which condition was not met."""
    try:
        page.wait_for_function(QUIET_JS, arg=[quiet, min_runs, temperature], timeout=timeout, polling=50)
    except Exception as exc:
        state = page.evaluate(
            """() => ({settle: window.__pgSettle, runs: window.__pgTracker && window.__pgTracker.runs,
            script: document.querySelector("[data-testid='stApp']")?.getAttribute('data-test-script-state'),
            now: performance.now(), url: location.href})"""
        )
        raise RuntimeError(
            f"page not settled (want runs >= {min_runs}, temperature {temperature}): {state}"
        ) from exc


def first_load(context: Any, url: str, quiet: int) -> tuple[Any, float]:
    """Open ``url`` in a new page; seconds from navigation start to the settled page."""
    page = context.new_page()
    page.goto(url)
    settle(page, quiet=quiet, min_runs=1, temperature=None)
    return page, page.evaluate("() => window.__pgSettle.last") / 1000


def move(page: Any, quiet: int, timeout: float = 120_000) -> float:
    """One step right on the temperature slider; seconds from the key press to the settled page."""
    slider = page.get_by_test_id("stSidebar").get_by_role("slider", name="Temperature")
    value = round(float(slider.get_attribute("aria-valuetext")) + 0.05, 2)
    slider.focus()
    slider.press("ArrowRight")
    settle(page, quiet=quiet, min_runs=0, temperature=value, timeout=timeout)
    return page.evaluate("() => window.__pgSettle.last - window.__pgSettle.key") / 1000


def measure_size(browser: Any, servers: dict[str, Server], args: argparse.Namespace) -> dict[str, dict[str, list]]:
    out: dict[str, dict[str, list]] = {name: {"load": [], "move": []} for name in servers}
    for _ in range(args.rounds):
        for name, server in servers.items():
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.set_default_timeout(120_000)
            track_runs(context)
            context.add_init_script(f"({SETTLE_JS})()")
            try:
                page, load = first_load(context, server.url, args.quiet)
                out[name]["load"].append(load)
                for _ in range(args.moves):
                    out[name]["move"].append(move(page, args.quiet))
            finally:
                context.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--moves", type=int, default=5)
    parser.add_argument("--sizes", default="10,200,1000")
    parser.add_argument("--quiet", type=int, default=300, help="ms without DOM changes that count as settled")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows, load = [], [os.getloadavg()[0]]
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        for size in (int(s) for s in args.sizes.split(",")):
            env = {"BENCH_SEED_MESSAGES": str(size)}
            servers = {name: start_streamlit(env=env, script=script) for name, script in CONTENDERS.items()}
            try:
                result = measure_size(browser, servers, args)
            finally:
                for server in servers.values():
                    server.stop()
            rows.append((size, result))
            load.append(os.getloadavg()[0])
        browser.close()
    med = statistics.median
    print(
        f"# tuning in Chromium: temperature key press -> settled page, and first load; median of {args.rounds} "
        f"sessions x {args.moves} moves ({time.strftime('%Y-%m-%d')}, `python -m benchmarks.bench_tuning`, "
        f"1-min load avg {min(load):.1f}–{max(load):.1f} on {os.cpu_count()} cores)"
    )
    print(
        "| messages | bare replay: move s | playground: move s | ratio (ours / bare) "
        "| bare replay: first load s | playground: first load s | ratio (ours / bare) |"
    )
    print("|---|---|---|---|---|---|---|")
    for size, r in rows:
        bm, om = med(r["bare replay"]["move"]), med(r["playground page"]["move"])
        bl, ol = med(r["bare replay"]["load"]), med(r["playground page"]["load"])
        print(f"| {size:,} | {bm:.3f} | {om:.3f} | {om / bm:.2f}x | {bl:.2f} | {ol:.2f} | {ol / bl:.2f}x |")


if __name__ == "__main__":
    main()
