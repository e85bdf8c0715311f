"""Load: N browser sessions (default 10) streaming at once from the loopback offline server, all to completion.

Starts ``python -m playground.offline.server`` and ``streamlit run app.py`` (custom provider pointed at it), opens
N Chromium contexts (each its own Streamlit session), sends one message from each as fast as Playwright can type,
and waits until every reply is complete (its strip says ``finish stop``) with no error or exception on any page.
Prints the wall time from the first send to the last completed reply, each session's time, and the Streamlit
server's resident memory (psutil when installed, else ``/proc/<pid>/status`` VmRSS) before, at peak, and after.

    /work/venv/bin/python -m benchmarks.bench_load [--sessions 10] [--pace 0.01] [--rounds 1]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from tests.browser_servers import start_offline_server, start_streamlit
from tests.browser_util import launch_chromium, track_runs, wait_for_app

DONE = "finish stop"  # the reply strip's words once a reply has completed normally
PROMPT = "Explain quantum computing in simple terms (session {i})"


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children in MiB."""
    try:
        import psutil
    except ImportError:
        return sum(_proc_rss_kb(p) for p in [pid, *_children(pid)]) / 1024
    proc = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 2**20


def _proc_rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False)
    return [int(p) for p in out.stdout.split()]


class PeakSampler(threading.Thread):
    """Samples the server's RSS every 50 ms while a round runs."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            self.stop.wait(0.05)


def open_sessions(browser: Any, url: str, n: int) -> list[Any]:
    pages = []
    for _ in range(n):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(120_000)
        track_runs(context)
        page = context.new_page()
        page.goto(url)
        pages.append(page)
    for page in pages:
        wait_for_app(page, timeout=120_000)
    return pages


def one_round(pages: list[Any], round_no: int) -> tuple[float, list[float], list[str]]:
    """Send from every page, wait for every reply; wall time, per-session times and any problems."""
    start = time.perf_counter()
    sent_at = []
    for i, page in enumerate(pages):
        box = page.get_by_test_id("stChatInputTextArea")
        box.fill(PROMPT.format(i=f"{round_no}.{i}"))
        box.press("Enter")
        sent_at.append(time.perf_counter())
    done_at = [0.0] * len(pages)
    pending = set(range(len(pages)))
    deadline = time.monotonic() + 300
    while pending and time.monotonic() < deadline:
        for i in sorted(pending):
            strip = pages[i].get_by_test_id("stCaptionContainer").filter(has_text=DONE)
            if strip.count() >= round_no:
                done_at[i] = time.perf_counter()
                pending.discard(i)
        time.sleep(0.05)
    issues = [f"session {i}: no complete reply within 300 s" for i in sorted(pending)]
    for i, page in enumerate(pages):
        wait_for_app(page, timeout=60_000)
        if page.get_by_test_id("stChatMessage").count() != 2 * round_no:
            issues.append(f"session {i}: {page.get_by_test_id('stChatMessage').count()} messages")
        issues += [f"session {i}: exception {t}" for t in page.get_by_test_id("stException").all_inner_texts()]
        issues += [f"session {i}: alert {t}" for t in page.get_by_test_id("stAlert").all_inner_texts()]
    wall = max(done_at) - start if not pending else float("nan")
    return wall, [d - s for d, s in zip(done_at, sent_at, strict=True)], issues


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--pace", type=float, default=0.01, help="offline engine seconds per word")
    parser.add_argument("--rounds", type=int, default=1, help="messages per session, sent all at once each round")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    logs = Path(tempfile.mkdtemp(prefix="bench-load-"))
    offline = start_offline_server(pace=args.pace, log_dir=logs)
    app = start_streamlit(env={"PLAYGROUND_PROVIDER": "custom", "PLAYGROUND_BASE_URL": offline.url}, log_dir=logs)
    rows, failures = [], []
    try:
        idle = rss_mb(app.proc.pid)
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            pages = open_sessions(browser, app.url, args.sessions)
            loaded = rss_mb(app.proc.pid)
            for round_no in range(1, args.rounds + 1):
                sampler = PeakSampler(app.proc.pid)
                sampler.start()
                wall, times, issues = one_round(pages, round_no)
                sampler.stop.set()
                sampler.join()
                rows.append((round_no, wall, times, sampler.peak, rss_mb(app.proc.pid)))
                failures += issues
            browser.close()
        after = rss_mb(app.proc.pid)
    finally:
        app.stop()
        offline.stop()

    print(
        f"{args.sessions} Chromium sessions, offline engine pace {args.pace} s/word, {args.rounds} round(s); "
        f"python {sys.version.split()[0]}"
    )
    print(
        f"Streamlit server RSS: idle {idle:.0f} MiB, with {args.sessions} sessions loaded {loaded:.0f} MiB, "
        f"after the browser closed {after:.0f} MiB"
    )
    print(
        "| round | wall time, first send to last reply | per-session reply time (median / max) "
        "| server RSS peak | server RSS after |"
    )
    print("|---|---|---|---|---|")
    for round_no, wall, times, peak, end in rows:
        print(
            f"| {round_no} | {wall:.2f} s | {statistics.median(times):.2f} s / {max(times):.2f} s "
            f"| {peak:.0f} MiB | {end:.0f} MiB |"
        )
    if failures:
        print("FAILED:", *failures, sep="\n  ")
        return 1
    print(f"all {args.sessions * args.rounds} replies complete, no error, no exception")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
