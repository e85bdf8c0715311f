"""What bounds the render lag of a 20,000-token burst: the HTTP read and the browser's Markdown rendering, apart.

Three measurements, each a median over ``--runs`` interleaved rounds:

1. The pace server streams the burst (one HTTP chunk per event, as providers do); the time from its last byte to
   the end of reading, for raw ``httpx`` (``iter_raw``, no parsing at all) and for the playground's client
   (``stream_chat``: SSE, JSON, typed events). No reader can show the last word before it has read it.
2. ``benchmarks/render_once_app.py`` draws the same answer, already in memory, at once (one Markdown element, or
   the playground's settled pieces); the time from drawing to the last word painted in Chromium. No streaming
   strategy can paint the whole answer faster than the browser renders it once.
3. For reference, the playground page itself as ``bench_render_lag.py`` measures it (same burst).

    python -m benchmarks.bench_render_floor [--runs 5] [--words 20000] [--text md|flat]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_render_lag import (  # noqa: E402
    OBSERVER_JS,
    Case,
    clock_offset,
    get_json,
    measure,
    start_pace_server,
)
from playground.chat.state import ChatState
from playground.facts import catalog, providers  # noqa: E402
from playground.facts.params import DEFAULTS  # noqa: E402
from playground.wire.openai_chat import stream_chat  # noqa: E402
from playground.wire.request import build_chat_request  # noqa: E402
from tests.browser_servers import start_streamlit  # noqa: E402
from tests.browser_util import launch_chromium, wait_for_app  # noqa: E402

READERS = {"raw": "raw httpx iter_raw (no parsing)", "client": "playground client (stream_chat)"}
DRAWINGS = {"one": "one Markdown element", "segments": "settled pieces, as the page draws them"}


def read_after_last_byte(pace_url: str, kind: str, client: httpx.Client) -> tuple[float, float]:
    """(server's first to last byte, last byte to read done) in ms, reading with ``kind``: "raw" or "client"."""
    config = providers.resolve("custom", env={"PLAYGROUND_BASE_URL": pace_url})
    plan = build_chat_request(
        ChatState(config, catalog.GROK_3_MINI, DEFAULTS, [{"role": "user", "content": "go"}])
    )
    if kind == "raw":
        with client.stream("POST", f"{pace_url}/chat/completions", json=plan.body) as response:
            for _ in response.iter_raw():
                pass
    else:
        for _ in stream_chat(plan, config=config, client=client):
            pass
    done = time.time()
    last = get_json(f"{pace_url.removesuffix('/v1')}/last")
    return (last["last_byte"] - last["first_byte"]) * 1000, (done - last["last_byte"]) * 1000


def render_once(browser: Any, url: str, mode: str, case: Case, time_file: Path) -> float:
    """Ms from drawing the whole answer at once to its last word painted."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        marker = "zq" + uuid.uuid4().hex[:12]
        page.goto(f"{url}/?mode={mode}&marker={marker}&words={case.words}&text={case.text}")
        wait_for_app(page)
        offset = clock_offset(page)
        page.evaluate(OBSERVER_JS, marker)
        page.get_by_role("button", name="go").click()
        page.wait_for_function("() => window.__pgLag.paint !== null", timeout=60_000)
        return page.evaluate("() => window.__pgLag.paint") - offset - float(time_file.read_text()) * 1000
    finally:
        page.close()


def cell(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} ms ({min(values):.0f}–{max(values):.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--words", type=int, default=20_000)
    parser.add_argument("--text", default="md", choices=("md", "flat"))
    args = parser.parse_args()
    case = Case(args.words, 0.0, args.text)
    from playwright.sync_api import sync_playwright

    time_file = Path(tempfile.mkdtemp()) / "sent"
    pace = start_pace_server()
    root = pace.url.removesuffix("/v1")
    once = start_streamlit(env={"BENCH_TIME_FILE": str(time_file)}, script="benchmarks/render_once_app.py")
    page_app = start_streamlit(env={"PLAYGROUND_PROVIDER": "custom", "PLAYGROUND_BASE_URL": pace.url})
    rows: dict[str, list[float]] = {}
    load = [os.getloadavg()[0]]
    try:
        with sync_playwright() as pw, httpx.Client(timeout=60) as client:
            browser = launch_chromium(pw)
            for _ in range(args.runs):
                get_json(f"{root}/config?words={case.words}&rate=0&marker=END&text={case.text}")
                for kind in ("raw", "client"):
                    sending, after = read_after_last_byte(pace.url, kind, client)
                    rows.setdefault("server: first byte → last byte", []).append(sending)
                    rows.setdefault(f"read, {READERS[kind]}: last byte → read done", []).append(after)
                for mode in ("one", "segments"):
                    rows.setdefault(f"render once, {DRAWINGS[mode]}: drawn → painted", []).append(
                        render_once(browser, once.url, mode, case, time_file)
                    )
                lag = measure(browser, page_app.url, pace, case, cap=60)
                rows.setdefault("playground page: last byte → painted", []).append(lag)
                load.append(os.getloadavg()[0])
            browser.close()
    finally:
        for server in (once, page_app, pace):
            server.stop()
    print(
        f"# render-lag floor, {case.label()}: median (min–max) of {args.runs} runs "
        f"({time.strftime('%Y-%m-%d')}, "
        f"`python -m benchmarks.bench_render_floor`, 1-min load avg {min(load):.1f}–{max(load):.1f} on "
        f"{os.cpu_count()} cores)"
    )
    print("| step | time |")
    print("|---|---|")
    for name, values in rows.items():
        print(f"| {name} | {cell(values)} |")


if __name__ == "__main__":
    main()
