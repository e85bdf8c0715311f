"""Render lag in Chromium: from the server's last byte to the whole answer on screen, coalesced vs every chunk.

One pace server (``benchmarks/pace_server.py``) streams N words at a rate and records the wall-clock time of its
last byte; the answer's last word is a unique marker. In the page a MutationObserver notes when the marker is in
the DOM and the next animation frame after it (``performance.timeOrigin + performance.now()``, calibrated against
this process's ``time.time()``: same machine). Lag = that frame - the server's last byte. Contenders, interleaved,
each run in a fresh browser session: the playground page as is (``app.py``), and
``benchmarks/baseline_stream_app.py`` writing every chunk with ``st.write_stream`` or redrawing on a fixed 50 ms
window. A run still not showing the marker ``--cap`` seconds after the last byte counts as "did not finish" (that
contender is not run again at that size).

    python -m benchmarks.bench_render_lag [--runs 5] [--cases 2000@500,2000@0,20000@0,20000@0/flat] [--cap 60]
        [--before DIR]

``--before DIR`` adds the playground of an extracted older tree (its ``app.py``) as a contender.

The streams are answer-like Markdown (paragraphs, lists, headings, code blocks; ~6 characters per token) unless
the case ends in ``/flat`` (one paragraph of filler words, the worst case for redrawing).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser_servers import Server, free_port, server_env, spawn, start_streamlit, wait_http  # noqa: E402
from tests.browser_util import launch_chromium, track_runs, wait_for_app  # noqa: E402

OBSERVER_JS = """(marker) => {
  const lag = window.__pgLag = {dom: null, paint: null};
  const now = () => performance.timeOrigin + performance.now();
  const seen = () => {
    for (const m of document.querySelectorAll("[data-testid='stChatMessage']")) {
      if (m.textContent.includes(marker)) return true;
    }
    return false;
  };
  const obs = new MutationObserver(() => {
    if (lag.dom !== null || !seen()) return;
    lag.dom = now();
    obs.disconnect();
    requestAnimationFrame(() => { lag.paint = now(); });
  });
  obs.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


class Case(NamedTuple):
    """One stream: how many tokens (word-sized pieces), how fast (0 = as fast as possible), which text."""

    words: int
    rate: float
    text: str = "md"

    @classmethod
    def parse(cls, spec: str) -> Case:
        """``2000@500`` or ``20000@0/flat``."""
        size, _, rest = spec.partition("@")
        rate, _, text = rest.partition("/")
        return cls(int(size), float(rate or 0), text or "md")

    def label(self) -> str:
        speed = f"at {self.rate:g} tok/s" if self.rate else "as fast as possible"
        kind = {"flat": ", one flat paragraph", "tool": ", a tool call's argument pieces"}.get(self.text, "")
        return f"{self.words:,} tokens {speed}{kind}"


def start_pace_server(log_dir: Path | None = None) -> Server:
    """``python -m benchmarks.pace_server`` on a free port; ``url`` ends in ``/v1``."""
    port = free_port()
    server = spawn(
        f"pace-server-{port}",
        [sys.executable, "-m", "benchmarks.pace_server", "--port", str(port)],
        url=f"http://127.0.0.1:{port}/v1",
        env=server_env(),
        log_dir=log_dir,
    )
    wait_http(server, f"http://127.0.0.1:{port}/health", expect=lambda s, _b: s == 200, timeout=30)
    return server


def get_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.loads(resp.read())


def clock_offset(page: Any, samples: int = 7) -> float:
    """Browser wall clock minus ``time.time()`` in ms, from the sample with the shortest round trip."""
    best = None
    for _ in range(samples):
        before = time.time()
        browser = page.evaluate("() => performance.timeOrigin + performance.now()")
        after = time.time()
        rtt = after - before
        if best is None or rtt < best[0]:
            best = (rtt, browser - (before + after) / 2 * 1000)
    return best[1]


def submit(page: Any, text: str) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    box.press("Enter")


def measure(browser: Any, url: str, pace: Server, case: Case, cap: float) -> float | None:
    """One run: lag in ms from the last byte to the marker on screen, or None if it did not finish in ``cap``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    track_runs(context)
    try:
        page = context.new_page()
        page.goto(url)
        wait_for_app(page)
        marker = "zq" + uuid.uuid4().hex[:12]
        root = pace.url.removesuffix("/v1")
        get_json(f"{root}/config?words={case.words}&rate={case.rate}&marker={marker}&text={case.text}")
        offset = clock_offset(page)
        page.evaluate(OBSERVER_JS, marker)
        submit(page, "go")
        while True:
            page.wait_for_timeout(100)
            paint = page.evaluate("() => window.__pgLag.paint")
            if paint is not None:
                last = get_json(f"{root}/last").get("last_byte")
                return (paint - offset) - last * 1000
            last = get_json(f"{root}/last").get("last_byte")
            if last is not None and time.time() - last > cap:
                return None
    finally:
        context.close()


def fmt(values: list[float | None], runs: int) -> str:
    if not values:
        return "-"
    done = [v for v in values if v is not None]
    if not done:
        return f"did not finish in the cap ({len(values)}/{len(values)} runs)"
    text = f"{statistics.median(done):.0f} ms"
    if len(done) > 1:
        text += f" ({min(done):.0f}–{max(done):.0f})"
    missed = len(values) - len(done)
    return text + (f", {missed} of {len(values)} did not finish" if missed else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--cases",
        default="2000@500,2000@0,20000@0,20000@0/flat",
        help="tokens@rate[/flat|/tool], rate 0 = as fast as possible; flat = one paragraph of filler words; "
        "tool = a tool call whose arguments arrive in that many pieces (the playground page only)",
    )
    parser.add_argument("--cap", type=float, default=60.0, help="seconds after the last byte before giving up")
    parser.add_argument("--before", default=None, help="an extracted older tree: its app.py joins the contenders")
    args = parser.parse_args()
    cases = [Case.parse(c) for c in args.cases.split(",")]
    from playwright.sync_api import sync_playwright

    pace = start_pace_server()
    env = {"PLAYGROUND_PROVIDER": "custom", "PLAYGROUND_BASE_URL": pace.url}
    ours = start_streamlit(env=env)
    base = start_streamlit(env=env, script="benchmarks/baseline_stream_app.py")
    contenders = {
        "playground page (coalesced)": ours.url,
        "every chunk (st.write_stream)": f"{base.url}/?mode=every",
        "fixed 50 ms window": f"{base.url}/?mode=fixed50",
    }
    older = start_streamlit(env=env, script=str(Path(args.before).resolve() / "app.py")) if args.before else None
    if older is not None:
        contenders["playground before"] = older.url
    results: dict[tuple[str, Case], list[float | None]] = {}
    load = [os.getloadavg()[0]]
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            for _ in range(args.runs):
                for case in cases:
                    for name, url in contenders.items():
                        cell = results.setdefault((name, case), [])
                        if case.text == "tool" and url != ours.url:
                            continue  # the baseline app draws no tool calls
                        if None in cell:
                            continue  # did not finish once: not again
                        cell.append(measure(browser, url, pace, case, args.cap))
                        print(f"  {name} {case.label()}: {cell[-1]}", file=sys.stderr, flush=True)
                load.append(os.getloadavg()[0])
            browser.close()
    finally:
        for server in (ours, base, pace, *([older] if older else [])):
            server.stop()
    print(
        f"# render lag in Chromium: last byte from the server -> whole answer painted; median (min–max) of "
        f"{args.runs} runs ({time.strftime('%Y-%m-%d')}, `python -m benchmarks.bench_render_lag`, "
        f"1-min load avg {min(load):.1f}–{max(load):.1f} on {os.cpu_count()} cores)"
    )
    names = list(contenders)
    print("| stream | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for case in cases:
        print(f"| {case.label()} | " + " | ".join(fmt(results[(n, case)], args.runs) for n in names) + " |")


if __name__ == "__main__":
    main()
