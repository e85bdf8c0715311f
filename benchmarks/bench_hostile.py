"""Hostile servers against a running app: memory with a 64 MiB error body, and 9 sessions beside a dripping stream.

1. Memory: ``streamlit run app.py`` pointed at ``tests/hostile.py huge_error`` (then ``huge_line``), run in its own
   process; one Chromium session sends a message and waits for the error panel. The Streamlit server's resident
   memory is sampled every 50 ms: idle (the session loaded) and peak while the hostile reply is read.
2. Fairness: 10 Chromium sessions on the app, pointed at the offline server (``--pace`` s/word). Baseline rounds:
   9 sessions send at once and wait for their replies to complete (the 10th is open, idle). Then the 10th session
   types the dripping server's URL (``tests/hostile.py drip``: a chunk every 0.5 s, never ending) and sends; while
   it drips, the same 9 sessions run the same rounds. Each session's time from send to its completed reply (time to
   last token) is compared, hostile over baseline.

3. Core (``--core [--old DIR]``, no browser): issue 21's three hostile inputs handled in one process, each case in
   a fresh subprocess of this tree and of ``DIR`` (an older checkout: ``git worktree add /tmp/old main``), side
   by side: a catastrophic pattern (``^(a+)+$`` against 24 ``a``s and ``!``) checked as structured output; the
   schema bombs sent to the in-process offline engine; a tool-call flood (4 events of 5,000 calls) streamed into
   a reply builder. Each gets wall time, peak RSS, and the longest stall of a thread ticking every 5 ms; a case is
   stopped after ``--limit`` seconds or 2 GiB of address space (then that is what the old code "took").

    /work/venv/bin/python -m benchmarks.bench_hostile [--rounds 3] [--pace 0.01]
    /work/venv/bin/python -m benchmarks.bench_hostile --core --old /tmp/old
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_load import DONE, PeakSampler, open_sessions, rss_mb
from tests.browser_servers import ROOT, start_offline_server, start_streamlit
from tests.browser_util import launch_chromium, wait_for_app

PROMPT = "Explain quantum computing in simple terms (session {i}, round {r})"


def start_hostile(mode: str) -> tuple[subprocess.Popen[bytes], str]:
    """``tests/hostile.py MODE`` in its own process; the process and its base URL."""
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "hostile.py"), mode], stdout=subprocess.PIPE, start_new_session=True
    )
    url = proc.stdout.readline().decode().strip()  # type: ignore[union-attr]
    return proc, url + "/v1"


def send(page: Any, text: str) -> float:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    box.press("Enter")
    return time.perf_counter()


def memory(browser: Any, mode: str, logs: Path) -> tuple[float, float]:
    """Idle and peak RSS (MiB) of the app server while one session gets the hostile ``mode`` reply."""
    hostile, url = start_hostile(mode)
    app = start_streamlit(env={"PLAYGROUND_PROVIDER": "custom", "PLAYGROUND_BASE_URL": url}, log_dir=logs)
    try:
        (page,) = open_sessions(browser, app.url, 1)
        time.sleep(1.0)
        idle = rss_mb(app.proc.pid)
        sampler = PeakSampler(app.proc.pid)
        sampler.start()
        send(page, "Hello")
        page.get_by_test_id("stAlert").first.wait_for(timeout=120_000)
        wait_for_app(page, timeout=120_000)
        time.sleep(1.0)
        sampler.stop.set()
        sampler.join()
        page.context.close()
        return idle, sampler.peak
    finally:
        app.stop()
        hostile.kill()


def one_round(pages: list[Any], round_no: int, done_before: int) -> list[float]:
    """Send from every page at once; each one's time to its completed reply (its "finish stop" strip)."""
    sent = [send(page, PROMPT.format(i=i, r=round_no)) for i, page in enumerate(pages)]
    done = [0.0] * len(pages)
    pending = set(range(len(pages)))
    deadline = time.monotonic() + 300
    while pending and time.monotonic() < deadline:
        for i in sorted(pending):
            if pages[i].get_by_test_id("stCaptionContainer").filter(has_text=DONE).count() > done_before:
                done[i] = time.perf_counter()
                pending.discard(i)
        time.sleep(0.02)
    if pending:
        raise RuntimeError(f"sessions {sorted(pending)} did not complete within 300 s")
    for page in pages:
        wait_for_app(page, timeout=60_000)
    return [d - s for d, s in zip(done, sent, strict=True)]


def fairness(
    browser: Any, rounds: int, pace: float, logs: Path
) -> tuple[list[list[float]], list[list[float]], str]:
    offline = start_offline_server(pace=pace, log_dir=logs)
    drip, drip_url = start_hostile("drip")
    app = start_streamlit(env={"PLAYGROUND_PROVIDER": "custom", "PLAYGROUND_BASE_URL": offline.url}, log_dir=logs)
    try:
        pages = open_sessions(browser, app.url, 10)
        normal, hostile_page = pages[:9], pages[9]
        base = [one_round(normal, r, r) for r in range(rounds)]
        print("baseline rounds:", [f"{statistics.median(r):.2f}/{max(r):.2f}" for r in base], flush=True)
        field = hostile_page.get_by_test_id("stSidebar").get_by_role("textbox", name="Base URL")
        field.fill(drip_url)
        field.press("Enter")
        wait_for_app(hostile_page)
        send(hostile_page, "Drip for me")
        hostile_page.get_by_text("Drip").first.wait_for(timeout=60_000)
        with_drip = [one_round(normal, rounds + r, rounds + r) for r in range(rounds)]
        still = "still dripping" if not hostile_page.get_by_test_id("stAlert").count() else "ended"
        return base, with_drip, still
    finally:
        app.stop()
        offline.stop()
        drip.kill()


CORE_SETUP = """
import json, os, resource, sys, threading, time
sys.path[:0] = [os.getcwd(), os.environ["BENCH_TESTS"]]  # the code under test; this tree's hostile servers
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
os.environ["PLAYGROUND_OFFLINE_PACE"] = "0"
longest, stop = [0.0], threading.Event()
def tick():
    last = time.perf_counter()
    while not stop.wait(0.005):
        now = time.perf_counter(); longest[0] = max(longest[0], now - last - 0.005); last = now
from hostile import BOMBS, CATASTROPHIC, HostileServer, ask_offline, stream_flood
from playground.tools.response_format import ResponseFormat, check_reply
"""
CORE_CASES = {
    "pattern": """
pattern, value = CATASTROPHIC
schema = {"type": "object", "properties": {"code": {"type": "string", "pattern": pattern}}}
fmt = ResponseFormat("json_schema", "code", schema)
run = lambda: check_reply(json.dumps({"code": value}), fmt)
""",
    **{
        f"bomb: {name}": f"""
schema = {{"type": "object", "properties": {{"v": BOMBS[{name!r}]}}, "required": ["v"]}}
fmt = ResponseFormat("json_schema", "bomb", schema).openai()
run = lambda: ask_offline("Answer, please", response_format=fmt, max_tokens=600)
"""
        for name in ("long string", "many items", "self reference")
    },
    "tool flood (20,000 calls)": """
server = HostileServer("tool_flood", events=4, per_event=5000).__enter__()
run = lambda: stream_flood(server)
""",
}
CORE_RUN = """
warm = ResponseFormat("json_schema", "warm", {"type": "object", "properties": {"a": {"type": "string"}}})
check_reply('{"a": "b"}', warm)  # first imports are not what is measured
ask_offline("warm up", response_format=warm.openai(), max_tokens=50)
threading.Thread(target=tick, daemon=True).start(); time.sleep(0.05)
start = time.perf_counter()
try:
    run(); outcome = "handled"
except BaseException as exc:
    outcome = type(exc).__name__
stop.set()
seconds, rss = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "stall": longest[0], "outcome": outcome, "rss": rss}), flush=True)
os._exit(0)
"""


def core_case(root: Path, case: str, limit: float) -> dict[str, Any]:
    """One core case in a fresh process of the tree at ``root``: seconds, stall, outcome and peak RSS (MiB)."""
    import os

    code = CORE_SETUP + CORE_CASES[case] + CORE_RUN
    env = {**os.environ, "BENCH_TESTS": str(ROOT / "tests")}
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=root, env=env, stdout=subprocess.PIPE)
    started = time.perf_counter()
    try:
        out, _ = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "stall": None, "outcome": f"stopped at {limit:g} s", "rss": None}
    lines = out.decode().strip().splitlines()
    return json.loads(lines[-1]) if lines else {"seconds": None, "stall": None, "outcome": "crashed", "rss": None}


def core(roots: dict[str, Path], limit: float) -> None:
    rows = []
    for case in CORE_CASES:
        got = {name: core_case(root, case, limit) for name, root in roots.items()}
        rows.append((case, got))
        print(case, got, flush=True)
    names = list(roots)
    print(f"\npython {sys.version.split()[0]}; each case in a fresh process, stopped at {limit:g} s or 2 GiB")
    heads = " | ".join(f"{n}: time, peak RSS, longest stall of another thread, outcome" for n in names)
    print(f"| case | {heads} |")
    print("|---|" + "---|" * len(names))
    for case, got in rows:
        cells = []
        for n in names:
            g = got[n]
            stall = "-" if g["stall"] is None else f"{g['stall'] * 1000:.0f} ms"
            rss = "-" if g["rss"] is None else f"{g['rss']:.0f} MiB"
            took = "-" if g["seconds"] is None else f"{g['seconds']:.2f} s"
            cells.append(f"{took}, {rss}, {stall}, {g['outcome']}")
        print(f"| {case} | " + " | ".join(cells) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--core", action="store_true", help="part 3 only: the in-process hostile inputs")
    parser.add_argument("--old", type=Path, help="with --core: an older checkout to run side by side")
    parser.add_argument("--limit", type=float, default=120.0, help="with --core: seconds before a case is stopped")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pace", type=float, default=0.01, help="offline engine seconds per word")
    parser.add_argument("--memory-only", action="store_true", help="only part 1 (e.g. to measure older code)")
    args = parser.parse_args()
    if args.core:
        core({"this tree": ROOT, **({"old": args.old} if args.old else {})}, args.limit)
        return 0
    from playwright.sync_api import sync_playwright

    logs = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        mem = {}
        for mode in ("huge_error", "huge_line"):
            mem[mode] = memory(browser, mode, logs)
            print(f"{mode}: idle {mem[mode][0]:.0f} MiB, peak {mem[mode][1]:.0f} MiB", flush=True)
        if args.memory_only:
            return 0
        base, with_drip, still = fairness(browser, args.rounds, args.pace, logs)
        browser.close()
    print(f"python {sys.version.split()[0]}; logs in {logs}")
    print("| hostile reply (64 MiB) | server RSS idle | server RSS peak | peak - idle |")
    print("|---|---|---|---|")
    for mode, (idle, peak) in mem.items():
        print(f"| {mode} | {idle:.0f} MiB | {peak:.0f} MiB | {peak - idle:+.0f} MiB |")
    print(
        f"\n9 sessions, offline engine pace {args.pace} s/word, {args.rounds} rounds each; the 10th stream {still}"
    )
    print("| run | time to last token, median of 9 (per round) | slowest of 9 (per round) |")
    print("|---|---|---|")
    for name, runs in (("without the hostile stream", base), ("while one hostile stream drips", with_drip)):
        medians = " / ".join(f"{statistics.median(r):.2f}" for r in runs)
        print(f"| {name} | {medians} s | {' / '.join(f'{max(r):.2f}' for r in runs)} s |")
    ratio = statistics.median(sum(with_drip, [])) / statistics.median(sum(base, []))
    worst = max(max(r) for r in with_drip) / max(max(r) for r in base)
    print(f"\nratio hostile / baseline: median {ratio:.2f}x, slowest {worst:.2f}x")
    ok = all(p - i <= 50 for i, p in mem.values()) and ratio <= 1.2
    print("PASS" if ok else "FAIL", "(targets: peak within 50 MiB of idle; median ratio <= 1.2x)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
