"""Do the tools controls make the playground heavier to open? First load and a temperature move in Chromium,
three pages side by side: the bare replay, the playground before the tools work, and the playground now.

    rm -rf /tmp/before && mkdir /tmp/before && git archive <commit before the tools work> | tar -x -C /tmp/before
    python -m benchmarks.bench_tools_load --before /tmp/before [--rounds 5] [--moves 2] [--messages 10]

The same measurement as ``bench_tuning`` (its settle rule and helpers), one row per page, ratios to the bare
replay and to the page before. The "before" tree runs its own code (``seeded_app.py`` puts its root first).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_tuning import measure_size  # noqa: E402
from tests.browser_servers import start_streamlit  # noqa: E402
from tests.browser_util import launch_chromium  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="an extracted tree of the commit before the tools work")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--moves", type=int, default=2)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--quiet", type=int, default=300)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    pages = {
        "bare replay": "benchmarks/baseline_replay_app.py",
        "playground before tools": str(Path(args.before).resolve() / "benchmarks" / "seeded_app.py"),
        "playground with tools": "benchmarks/seeded_app.py",
    }
    load = [os.getloadavg()[0]]
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        env = {"BENCH_SEED_MESSAGES": str(args.messages)}
        servers = {name: start_streamlit(env=env, script=script) for name, script in pages.items()}
        try:
            result = measure_size(browser, servers, args)
        finally:
            for server in servers.values():
                server.stop()
        browser.close()
    load.append(os.getloadavg()[0])
    med = statistics.median
    bare, before = med(result["bare replay"]["load"]), med(result["playground before tools"]["load"])
    print(
        f"# first load and move with {args.messages} messages, median of {args.rounds} sessions x {args.moves} "
        f"moves ({time.strftime('%Y-%m-%d')}, `python -m benchmarks.bench_tools_load`, 1-min load avg "
        f"{min(load):.1f}–{max(load):.1f} on {os.cpu_count()} cores)"
    )
    print("| page | first load s | ratio to bare | ratio to before | move s |\n|---|---|---|---|---|")
    for name, r in result.items():
        first = med(r["load"])
        print(f"| {name} | {first:.2f} | {first / bare:.2f}x | {first / before:.2f}x | {med(r['move']):.3f} |")


if __name__ == "__main__":
    main()
