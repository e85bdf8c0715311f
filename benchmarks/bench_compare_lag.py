"""Render lag of the compare page in Chromium: four columns streaming at once, each one's last word on screen.

The pace server (``benchmarks/pace_server.py``, ``unique=1``) streams every request ``--words`` words at
``--rate`` tokens per second with its own end marker (``M0``..``M3``) and records each one's last byte. In the page
a MutationObserver notes when each marker first appears in a column (streaming, or the finished one drawn after
it) and the next animation frame after it
(calibrated against this process's clock, as in ``bench_render_lag.py``). Lag per column = that frame - its
stream's last byte; a run's figure is the worst of its four columns. Side by side in the same command, interleaved:
the same four columns alone on an empty page (``benchmarks/baseline_compare_app.py``: the page around them), the
playground page streaming one answer at the same rate (its own lag, the single-column baseline), and the same
four streams through ``CompareRun`` with no Streamlit (when each marker comes out of the client), which tells the
client's share of the lag from Streamlit's and the browser's. Each column's last word is also noted when its
websocket message reaches the page's main thread (and, with ``--frames``, when its frame reaches Chromium's network
stack, through the DevTools protocol), which splits the rest into the Streamlit process (script loop, send) and
the browser's render of it.

    python -m benchmarks.bench_compare_lag [--runs 5] [--words 2000] [--rate 500] [--cap 30] [--frames]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_render_lag import (  # noqa: E402
    OBSERVER_JS,
    clock_offset,
    get_json,
    start_pace_server,
    submit,
)
from tests.browser_servers import Server, start_streamlit  # noqa: E402
from tests.browser_util import launch_chromium, rerun_and_wait, track_runs, wait_for_app  # noqa: E402

COLUMNS = 4


class _MarkerSink:
    """Notes when a stream's marker comes out of the client (``time.time()``)."""

    def __init__(self, prefix: str, seen: dict[str, float]) -> None:
        self.prefix, self.seen = prefix, seen

    def feed(self, event: Any) -> None:
        text = getattr(event, "text", "")
        if self.prefix in text:
            self.seen[text.strip()] = time.time()


def measure_parse(pace: Server, args: argparse.Namespace) -> list[float]:
    """Without Streamlit: four streams through ``CompareRun``; each marker parsed minus its last byte (ms)."""
    from playground.experiments.run import CompareRun
    from playground.experiments.variant import Variant
    from playground.facts.catalog import GROK_3_MINI
    from playground.facts.providers import CUSTOM, ProviderConfig

    prefix = "zq" + uuid.uuid4().hex[:10]
    root = pace.url.removesuffix("/v1")
    get_json(f"{root}/config?words={args.words}&rate={args.rate}&marker={prefix}&unique=1")
    config = ProviderConfig(CUSTOM, pace.url, auth="none")
    seen: dict[str, float] = {}
    variants = [Variant(f"v{i}", config, GROK_3_MINI) for i in range(COLUMNS)]
    sinks = [_MarkerSink(prefix, seen) for _ in variants]
    CompareRun(variants, [{"role": "user", "content": "go"}], sinks=sinks).start().wait()
    time.sleep(0.3)  # the server notes its last byte after the client has what it needs
    ends = {r["marker"]: r["last_byte"] for r in get_json(f"{root}/log")}
    return [(seen[m] - ends[m]) * 1000 for m in ends if m in seen and ends[m]]


MANY_JS = """(prefix) => {
  const lag = window.__pgMany = {};
  const now = () => performance.timeOrigin + performance.now();
  const pattern = new RegExp(prefix + "\\\\d+", "g");
  const obs = new MutationObserver(() => {
    for (const box of document.querySelectorAll("[class*='st-key-cmp_live_'], [class*='st-key-cmp_result_']")) {
      for (const m of box.textContent.match(pattern) || []) {
        if (lag[m]) continue;
        const seen = lag[m] = {dom: now(), paint: null};
        requestAnimationFrame(() => { seen.paint = now(); });
      }
    }
  });
  obs.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


WS_JS = """() => {
  const Base = window.WebSocket;
  window.__pgWs = {first: {}, count: 0, bytes: 0, prefix: null};
  const dec = new TextDecoder("latin1");
  window.WebSocket = class extends Base {
    constructor(...a) {
      super(...a);
      this.addEventListener("message", (e) => {
        const ws = window.__pgWs;
        if (!ws.prefix || typeof e.data === "string") return;
        ws.count += 1; ws.bytes += e.data.byteLength;
        for (const m of dec.decode(e.data).match(new RegExp(ws.prefix + "\\\\d+", "g")) || []) {
          if (!ws.first[m]) ws.first[m] = performance.timeOrigin + performance.now();
        }
      });
    }
  };
}"""


def _setup_columns(page: Any) -> None:
    for _ in range(COLUMNS - 2):
        rerun_and_wait(page, lambda: page.get_by_role("button", name="Add variant").click(), timeout=90_000)
    box = page.get_by_label("Prompt", exact=True)
    box.fill("go")
    rerun_and_wait(page, lambda: box.press("Control+Enter"), timeout=90_000)


def measure_compare(
    browser: Any, url: str, pace: Server, args: argparse.Namespace, *, setup: bool = True
) -> list[tuple[float, float]] | None:
    """One run of four columns: per column (lag, its marker's message at the page) in ms after its last byte.

    None when a column did not finish within the cap.
    """
    context = browser.new_context(viewport={"width": 1600, "height": 900})
    track_runs(context)
    context.add_init_script(f"({WS_JS})()")
    try:
        page = context.new_page()
        frames = _watch_frames(page) if args.frames else None
        page.goto(url)
        wait_for_app(page, timeout=90_000)
        if setup:
            _setup_columns(page)
        prefix = "zq" + uuid.uuid4().hex[:10]
        root = pace.url.removesuffix("/v1")
        get_json(f"{root}/config?words={args.words}&rate={args.rate}&marker={prefix}&unique=1")
        offset = clock_offset(page)
        page.evaluate(MANY_JS, prefix)
        page.evaluate("(p) => { window.__pgWs.prefix = p; }", prefix)
        if frames is not None:
            frames["prefix"] = prefix
        page.get_by_role("button", name="Send to all").click()
        while True:
            page.wait_for_timeout(100)
            log = get_json(f"{root}/log")
            seen = page.evaluate("() => window.__pgMany")
            ends = {r["marker"]: r["last_byte"] * 1000 for r in log if r["last_byte"] is not None}
            if len(ends) == COLUMNS and all((seen.get(m) or {}).get("paint") for m in ends):
                ws = page.evaluate("() => window.__pgWs")
                print(f"  messages {ws['count']}, {ws['bytes'] / 1e6:.1f} MB", file=sys.stderr)
                first = ws["first"]
                if frames is not None:
                    net = {m: (t - ends[m]) for m, t in frames["first"].items() if m in ends}
                    print(f"  frames in Chromium after the last byte (ms): {net}", file=sys.stderr)
                return [
                    (seen[m]["paint"] - offset - ends[m], first.get(m, math.nan) - offset - ends[m]) for m in ends
                ]
            if len(ends) == COLUMNS and time.time() - max(ends.values()) / 1000 > args.cap:
                print(f"  not painted: log {log}, seen {seen}", file=sys.stderr)
                return None
    finally:
        context.close()


def _watch_frames(page: Any) -> dict[str, Any]:
    """Note when each marker's websocket frame reaches Chromium's network stack (DevTools protocol), wall ms."""
    import base64
    import re

    cdp = page.context.new_cdp_session(page)
    got: dict[str, Any] = {"first": {}, "prefix": None, "shift": None}

    def handshake(p: dict[str, Any]) -> None:
        got["shift"] = p["wallTime"] - p["timestamp"]

    def frame(p: dict[str, Any]) -> None:
        prefix, data = got["prefix"], p["response"]["payloadData"]
        if prefix is None or got["shift"] is None:
            return
        text = base64.b64decode(data).decode("latin1") if p["response"]["opcode"] == 2 else data
        for m in re.findall(prefix + r"\d+", text):
            got["first"].setdefault(m, (p["timestamp"] + got["shift"]) * 1000)

    cdp.on("Network.webSocketWillSendHandshakeRequest", handshake)
    cdp.on("Network.webSocketFrameReceived", frame)
    cdp.send("Network.enable")
    return got


def measure_single(browser: Any, app: Server, pace: Server, args: argparse.Namespace) -> float | None:
    """One run of the playground page streaming one answer at the same rate: its lag in ms."""
    context = browser.new_context(viewport={"width": 1600, "height": 900})
    track_runs(context)
    try:
        page = context.new_page()
        page.goto(app.url)
        wait_for_app(page, timeout=90_000)
        marker = "zq" + uuid.uuid4().hex[:12]
        root = pace.url.removesuffix("/v1")
        get_json(f"{root}/config?words={args.words}&rate={args.rate}&marker={marker}")
        offset = clock_offset(page)
        page.evaluate(OBSERVER_JS, marker)
        submit(page, "go")
        while True:
            page.wait_for_timeout(100)
            paint = page.evaluate("() => window.__pgLag.paint")
            last = get_json(f"{root}/last").get("last_byte")
            if paint is not None and last is not None:
                return (paint - offset) - last * 1000
            if last is not None and time.time() - last > args.cap:
                return None
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--words", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--cap", type=float, default=30.0)
    parser.add_argument("--frames", action="store_true", help="also note each marker's frame (DevTools protocol)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    pace = start_pace_server()
    env = {"PLAYGROUND_PROVIDER": "custom", "PLAYGROUND_BASE_URL": pace.url}
    app = start_streamlit(env=env)
    bare = start_streamlit(env=env, script="benchmarks/baseline_compare_app.py")
    page_runs: list[list[tuple[float, float]] | None] = []
    bare_runs: list[list[tuple[float, float]] | None] = []
    single: list[float | None] = []
    parsed: list[float] = []
    timeouts = 0
    load = [os.getloadavg()[0]]
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            from playwright.sync_api import TimeoutError as PageTimeout

            for _ in range(args.runs):
                try:
                    lags = measure_compare(browser, f"{app.url}/compare", pace, args)
                    alone = measure_compare(browser, bare.url, pace, args, setup=False)
                    one = measure_single(browser, app, pace, args)
                except PageTimeout:  # the page did not settle before the run (a loaded machine): skip the run
                    timeouts += 1
                    continue
                page_runs.append(lags)
                bare_runs.append(alone)
                single.append(one)
                parsed += measure_parse(pace, args)
                print(f"  four columns {lags}, alone {alone}, one column {one}", file=sys.stderr, flush=True)
                load.append(os.getloadavg()[0])
            browser.close()
    finally:
        app.stop()
        bare.stop()
        pace.stop()
    print(
        f"# compare page render lag: each stream's last byte -> its last word painted; {args.runs} runs, "
        f"{args.words:,} tokens at {args.rate:g} tok/s per stream ({time.strftime('%Y-%m-%d')}, "
        f"`python -m benchmarks.bench_compare_lag`, 1-min load avg {min(load):.1f}–{max(load):.1f} on "
        f"{os.cpu_count()} cores)"
    )
    print("| measure | median | min–max |\n|---|---:|---:|")
    for name, runs in (("four columns", page_runs), ("four columns alone on an empty page", bare_runs)):
        done = [r for r in runs if r is not None]
        _row(f"{name}: worst column of each run (ms)", [max(lag for lag, _ in r) for r in done])
        _row(f"{name}: every column (ms)", [lag for r in done for lag, _ in r])
        _row(f"{name}: every column, its last word's message at the page (ms)", [ws for r in done for _, ws in r])
        print(f"| {name}: runs where a column did not finish within {args.cap:g} s | {runs.count(None)} | |")
    print(f"| runs skipped: the page did not settle before the stream | {timeouts} of {args.runs} | |")
    _row("no browser: each marker out of the client minus its last byte (ms)", parsed, digits=1)
    _row("baseline: playground page, one stream (ms)", [s for s in single if s is not None])


def _row(label: str, values: list[float], *, digits: int = 0) -> None:
    values = [v for v in values if not math.isnan(v)]
    if values:
        f = f".{digits}f"
        print(f"| {label} | {statistics.median(values):{f}} | {min(values):{f}}–{max(values):{f}} |")


if __name__ == "__main__":
    main()
