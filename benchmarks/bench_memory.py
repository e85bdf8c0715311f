"""Memory: the Streamlit server's resident memory with 1, 10 and 20 idle browser sessions of a 20-message chat.

Ours: ``benchmarks/seeded_app.py`` (the real app) seeded with 18 messages, then one prompt sent through the chat
input to the offline engine's loopback server (so the streaming path has run): 20 messages per session. Baseline:
``benchmarks/baseline_replay_app.py`` (a bare chat replaying 20 seeded messages). Each server is warmed up by one
session that is closed again; then sessions are opened and left idle, and the server process's VmRSS is read
from /proc after each level has settled. Per-session cost = the RSS growth divided by the sessions added.

    python -m benchmarks.bench_memory [--levels 1,10,20] [--rounds 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser_servers import Server, start_offline_server, start_streamlit  # noqa: E402
from tests.browser_util import launch_chromium, track_runs, wait_for_app  # noqa: E402

MESSAGES = 20
SETTLE_S = 3.0


def rss_mb(pid: int) -> float:
    """Resident set size of ``pid`` in MB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def open_session(browser: Any, server: Server, ours: bool) -> Any:
    """A new browser session holding a ``MESSAGES``-message conversation, left idle."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)
    track_runs(context)
    page = context.new_page()
    page.goto(server.url)
    wait_for_app(page)
    if ours:
        box = page.get_by_test_id("stChatInputTextArea")
        runs = page.evaluate("() => window.__pgTracker.runs")
        box.fill("What is a qubit?")
        box.press("Enter")
        wait_for_app(page, min_runs=runs + 1)
    count = page.get_by_test_id("stChatMessage").count()
    if count != MESSAGES:
        raise RuntimeError(f"{server.name}: {count} messages on the page, expected {MESSAGES}")
    return context


def measure(browser: Any, server: Server, ours: bool, levels: list[int]) -> dict[int, float]:
    """RSS in MB at 0 sessions (after a warm-up) and at each level of idle sessions."""
    open_session(browser, server, ours).close()
    time.sleep(SETTLE_S)
    out = {0: rss_mb(server.proc.pid)}
    contexts: list[Any] = []
    try:
        for level in levels:
            while len(contexts) < level:
                contexts.append(open_session(browser, server, ours))
            time.sleep(SETTLE_S)
            out[level] = rss_mb(server.proc.pid)
    finally:
        for context in contexts:
            context.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,10,20")
    parser.add_argument("--rounds", type=int, default=2, help="fresh servers per contender")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    from playwright.sync_api import sync_playwright

    offline = start_offline_server(pace=0.0)
    contenders = {
        "bare chat app": ("benchmarks/baseline_replay_app.py", {"BENCH_SEED_MESSAGES": str(MESSAGES)}, False),
        "playground page": (
            "benchmarks/seeded_app.py",
            {
                "BENCH_SEED_MESSAGES": str(MESSAGES - 2),
                "PLAYGROUND_PROVIDER": "custom",
                "PLAYGROUND_BASE_URL": offline.url,
            },
            True,
        ),
    }
    results: dict[str, list[dict[int, float]]] = {name: [] for name in contenders}
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            for _ in range(args.rounds):
                for name, (script, env, ours) in contenders.items():
                    server = start_streamlit(env=env, script=script)
                    try:
                        results[name].append(measure(browser, server, ours, levels))
                    finally:
                        server.stop()
            browser.close()
    finally:
        offline.stop()
    top = levels[-1]
    print(
        f"# server memory with idle sessions of a {MESSAGES}-message chat: VmRSS in MB, median of {args.rounds} "
        f"fresh servers ({time.strftime('%Y-%m-%d')}, `python -m benchmarks.bench_memory`)"
    )
    print(
        "| app | "
        + " | ".join(f"{n} sessions MB" for n in [0, *levels])
        + f" | per session MB (0→{top}) | per session MB ({levels[0]}→{top}) |"
    )
    print("|---|" + "---|" * (len(levels) + 3))
    for name, runs in results.items():
        med = {n: statistics.median(r[n] for r in runs) for n in [0, *levels]}
        per_all = statistics.median((r[top] - r[0]) / top for r in runs)
        per_tail = statistics.median((r[top] - r[levels[0]]) / (top - levels[0]) for r in runs)
        print(
            f"| {name} | "
            + " | ".join(f"{med[n]:.1f}" for n in [0, *levels])
            + f" | {per_all:.2f} | {per_tail:.2f} |"
        )


if __name__ == "__main__":
    main()
