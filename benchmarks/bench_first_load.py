"""Where the playground's first load goes, and its floor: pages side by side in Chromium, interleaved rounds.

The bare replay (``baseline_replay_app.py``), the playground (``floor_app.py`` with ``BENCH_FLOOR=full``), a
sketch (``collapsed``: the sidebar's "Advanced" part built only when opened), the
page without the settings sidebar (``nosidebar``) and only header, history and input (``minimal``), all with
``--messages`` seeded. Per page: first load (navigation start to the settled page, ``bench_tuning``'s rule),
first contentful paint, websocket open, first and last message from the server (ms after navigation start),
main-thread long tasks (sum of tasks over 50 ms) and the last run's script time on the server.

    python -m benchmarks.bench_first_load [--rounds 7] [--messages 10] [--before DIR] [--warm]

``--before DIR`` adds a row for an extracted older tree (its ``benchmarks/seeded_app.py``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_tuning import SETTLE_JS, first_load  # noqa: E402
from tests.browser_servers import start_streamlit  # noqa: E402
from tests.browser_util import launch_chromium, track_runs  # noqa: E402

TIMELINE_JS = """() => {
  const t = window.__pgTimeline = {open: null, first: null, last: null, longtasks: 0};
  new PerformanceObserver((list) => { for (const e of list.getEntries()) t.longtasks += e.duration; })
    .observe({type: 'longtask', buffered: true});
  const Socket = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Socket(...args);
    ws.addEventListener('open', () => { t.open = t.open ?? performance.now(); });
    ws.addEventListener('message', () => { t.first = t.first ?? performance.now(); t.last = performance.now(); });
    return ws;
  };
  window.WebSocket.prototype = Socket.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
}"""
READ_JS = """() => ({...window.__pgTimeline,
  fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null})"""
FIELDS = ("load", "fcp", "open", "first", "last", "longtasks", "script")


def pages(before: str | None) -> dict[str, tuple[str, dict[str, str]]]:
    """Page name -> (script, extra environment)."""
    out = {"bare replay": ("benchmarks/baseline_replay_app.py", {})}
    if before:
        out["playground before"] = (str(Path(before).resolve() / "benchmarks" / "seeded_app.py"), {})
    names = {
        "full": "playground",
        "collapsed": "sketch: Advanced built only when opened",
        "nosidebar": "no settings sidebar",
        "minimal": "header + history + input",
    }
    for floor, name in names.items():
        out[name] = ("benchmarks/floor_app.py", {"BENCH_FLOOR": floor})
    return out


def last_script_time(log: Path) -> float | None:
    lines = log.read_text().split() if log.exists() else []
    return float(lines[-1]) if lines else None


def new_context(browser: Any) -> Any:
    """A browser context with the run tracker, the settle rule and the timeline installed in every page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(120_000)
    track_runs(context)
    context.add_init_script(f"({SETTLE_JS})()")
    context.add_init_script(f"({TIMELINE_JS})()")
    return context


def record(row: dict[str, list[float]], seconds: float, timeline: dict, script: float | None) -> None:
    """Append one load's numbers (ms) to its page's row."""
    row["load"].append(seconds * 1000)
    for field in ("fcp", "open", "first", "last", "longtasks"):
        if timeline[field] is not None:
            row[field].append(timeline[field])
    if script is not None:
        row["script"].append(script * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--quiet", type=int, default=300)
    parser.add_argument("--before", default=None)
    parser.add_argument("--warm", action="store_true", help="one context per page, warmed by an uncounted load")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="first-load-"))
    specs = pages(args.before)
    result = {name: {f: [] for f in FIELDS} for name in specs}
    load = [os.getloadavg()[0]]
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        servers = {}
        for i, (name, (script, extra)) in enumerate(specs.items()):
            env = {"BENCH_SEED_MESSAGES": str(args.messages), "BENCH_SCRIPT_LOG": str(tmp / f"{i}.log"), **extra}
            servers[name] = (start_streamlit(env=env, script=script), tmp / f"{i}.log")
        contexts = {name: new_context(browser) for name in servers} if args.warm else {}
        try:
            for name, context in contexts.items():
                first_load(context, servers[name][0].url, args.quiet)[0].close()
            for _ in range(args.rounds):
                for name, (server, log) in servers.items():
                    context = contexts.get(name) or new_context(browser)
                    try:
                        page, seconds = first_load(context, server.url, args.quiet)
                        timeline = page.evaluate(READ_JS)
                        page.close()
                    finally:
                        if name not in contexts:
                            context.close()
                    record(result[name], seconds, timeline, last_script_time(log))
        finally:
            for context in contexts.values():
                context.close()
            for server, _ in servers.values():
                server.stop()
        browser.close()
    load.append(os.getloadavg()[0])
    report(result, args, load)


def report(result: dict[str, dict[str, list[float]]], args: argparse.Namespace, load: list[float]) -> None:
    med = statistics.median
    bare = med(result["bare replay"]["load"])
    print(
        f"# first load with {args.messages} messages, median of {args.rounds} interleaved rounds "
        f"({time.strftime('%Y-%m-%d %H:%M')} UTC, `python -m benchmarks.bench_first_load`"
        f"{' --warm' if args.warm else ''}, HTTP cache {'warm' if args.warm else 'cold'}, 1-min load avg "
        f"{min(load):.1f}–{max(load):.1f} on {os.cpu_count()} cores); times in ms after navigation start"
    )
    print(
        "| page | first load | ratio to bare | range | FCP | ws open | first msg | last msg | long tasks | "
        "last run script |\n|---|---|---|---|---|---|---|---|---|---|"
    )
    for name, r in result.items():
        first = med(r["load"])
        cells = [f"{med(r[f]):.0f}" if r[f] else "-" for f in FIELDS[1:]]
        print(
            f"| {name} | {first:.0f} | {first / bare:.2f}x | {min(r['load']):.0f}–{max(r['load']):.0f} | "
            + " | ".join(cells)
            + " |"
        )


if __name__ == "__main__":
    main()
