"""App-added latency: from Enter in the chat input (Chromium) to the request arriving at the loopback server.

The pace server (``benchmarks/pace_server.py``) notes the wall-clock time its request line and headers arrived; the
page notes the time of the Enter key press (``performance.timeOrigin + performance.now()``, calibrated against this
process's clock: same machine). Contenders: the playground page (``app.py``) and a bare chat script that sends the
same request with the same client as soon as ``st.chat_input`` returns (``benchmarks/baseline_stream_app.py``).
Each round opens a fresh session and sends several short prompts, one after the other.

    python -m benchmarks.bench_latency [--rounds 5] [--prompts 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_render_lag import clock_offset, get_json, start_pace_server  # noqa: E402
from tests.browser_servers import start_streamlit  # noqa: E402
from tests.browser_util import launch_chromium, track_runs, wait_for_app  # noqa: E402

ENTER_JS = """() => {
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') window.__pgEnter = performance.timeOrigin + performance.now();
  }, true);
}"""


def send_one(page: Any, root: str, text: str) -> float:
    """Submit ``text``; ms from the Enter key to the request at the server (then wait for the reply and idle)."""
    marker = "zq" + uuid.uuid4().hex[:10]
    get_json(f"{root}/config?words=5&rate=0&marker={marker}")
    offset = clock_offset(page, samples=5)
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    box.press("Enter")
    page.get_by_test_id("stChatMessage").last.filter(has_text=marker).wait_for()
    wait_for_app(page, quiet_ms=300)
    arrived = get_json(f"{root}/last")["arrived"] * 1000
    return arrived - (page.evaluate("() => window.__pgEnter") - offset)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--prompts", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    pace = start_pace_server()
    root = pace.url.removesuffix("/v1")
    env = {"PLAYGROUND_PROVIDER": "custom", "PLAYGROUND_BASE_URL": pace.url}
    servers = {
        "bare chat script": start_streamlit(env=env, script="benchmarks/baseline_stream_app.py"),
        "playground page": start_streamlit(env=env),
    }
    times: dict[str, list[float]] = {name: [] for name in servers}
    load = [os.getloadavg()[0]]
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            for _ in range(args.rounds):
                for name, server in servers.items():
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    track_runs(context)
                    context.add_init_script(f"({ENTER_JS})()")
                    page = context.new_page()
                    page.goto(server.url)
                    wait_for_app(page)
                    for i in range(args.prompts):
                        times[name].append(send_one(page, root, f"Question number {i}: what is a qubit?"))
                    context.close()
                load.append(os.getloadavg()[0])
            browser.close()
    finally:
        for server in (*servers.values(), pace):
            server.stop()
    base = statistics.median(times["bare chat script"])
    print(
        f"# submit latency: Enter in Chromium -> request at the loopback server; median (min–max) of "
        f"{args.rounds} sessions x {args.prompts} prompts ({time.strftime('%Y-%m-%d')}, "
        f"`python -m benchmarks.bench_latency`, 1-min load avg {min(load):.1f}–{max(load):.1f} on "
        f"{os.cpu_count()} cores)"
    )
    print("| page | median ms | min–max ms | ratio to bare |")
    print("|---|---|---|---|")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"| {name} | {med:.1f} | {min(values):.1f}–{max(values):.1f} | {med / base:.2f}x |")


if __name__ == "__main__":
    main()
