"""Shared by the browser tests and benchmarks: launch Chromium and drive the app's page (wait, rerun, navigate).

Tests import it as ``browser_util`` (tests/conftest.py puts ``tests/`` on ``sys.path``); benchmarks as
``tests.browser_util``, run as ``python -m benchmarks.<name>`` from the root. Starting servers lives in
``browser_servers``.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable
from typing import Any

CHROMIUM_ENV = "PLAYGROUND_CHROMIUM"  # optional override of the Chromium executable


CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")


CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # No host name resolves except loopback, so nothing the page asks for leaves the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
)


APP_READY = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"


def find_chromium() -> str | None:
    """The Chromium executable: ``$PLAYGROUND_CHROMIUM`` if set (and only it), else Debian's or one on PATH."""
    override = os.environ.get(CHROMIUM_ENV)
    for candidate in (override,) if override else CHROMIUM_CANDIDATES:
        found = candidate and (shutil.which(candidate) or None)
        if found and os.access(found, os.X_OK):
            return found
    return None


def launch_chromium(playwright: Any, *, headless: bool = True, executable: str | None = None) -> Any:
    """Launch Debian's Chromium through Playwright with flags that keep it quiet and offline."""
    path = executable or find_chromium()
    if not path:
        raise RuntimeError("Chromium not found: install Debian's `chromium` package or set PLAYGROUND_CHROMIUM.")
    return playwright.chromium.launch(executable_path=path, headless=headless, args=list(CHROMIUM_ARGS))


# Counts finished script runs and notes when the run state last changed, for every stApp in the document.
TRACKER_JS = """(fromStart) => {
  if (window.__pgTracker) return;
  const t = window.__pgTracker = {runs: 0, last: performance.now(), fromStart: !!fromStart};
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.target.getAttribute('data-testid') !== 'stApp') continue;
      t.last = performance.now();
      if (r.oldValue === 'running') t.runs += 1;
    }
  }).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                        attributeFilter: ['data-test-script-state']});
}"""


IDLE_JS = """([quiet, minRuns]) => {
  const app = document.querySelector("[data-testid='stApp']");
  const t = window.__pgTracker;
  if (!app || !t || app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (t.runs < minRuns || (t.fromStart && t.runs < 1)) return false;
  if (document.querySelector("[data-testid='stSkeleton']")) return false;
  return performance.now() - t.last >= quiet;
}"""


QUIET_MS = 250


def track_runs(context: Any) -> None:
    """Install the run tracker in every page of ``context`` from the start (so the first run is awaited too)."""
    context.add_init_script(f"({TRACKER_JS})(true)")


def _ensure_tracker(page: Any) -> None:
    page.evaluate(f"({TRACKER_JS})(false)")


def script_runs(page: Any) -> int:
    """Script runs the page has seen finish since its tracker was installed."""
    _ensure_tracker(page)
    return int(page.evaluate("() => window.__pgTracker.runs"))


def wait_for_app(page: Any, *, timeout: float = 30_000, quiet_ms: int = QUIET_MS, min_runs: int = 0) -> None:
    """Wait until the app is connected and idle: script not running, no skeleton, no state change for ``quiet_ms``.

    With the tracker installed from the start (``track_runs``) at least one run must also have finished, so a
    page caught before its first run does not count as loaded; ``min_runs`` can ask for more.
    """
    page.wait_for_selector(APP_READY, timeout=timeout)
    _ensure_tracker(page)
    page.wait_for_function(IDLE_JS, arg=[quiet_ms, min_runs], timeout=timeout, polling=50)


def navigate_and_wait(page: Any, link: Any, path: str, *, timeout: float = 30_000) -> None:
    """Click a navigation ``link``, wait until the URL ends with ``/path`` and the new page has settled.

    Not ``rerun_and_wait``: a page switch whose run is quick may never show the app as running (React batches the
    two state changes), so counting runs can wait forever; the URL is the navigation's own signal.
    """
    link.click()
    page.wait_for_url(re.compile(rf"/{re.escape(path)}$"), timeout=timeout)
    wait_for_app(page, timeout=timeout)


def track_frames(page: Any) -> None:
    """Count the websocket frames ``page`` receives (install before it opens the app): every script run sends
    some, so ``rerun_and_wait`` can tell a run happened even when it was too quick to show the app as running."""
    page._pg_frames = [0, time.monotonic()]

    def bump(_frame: Any) -> None:
        page._pg_frames[0] += 1
        page._pg_frames[1] = time.monotonic()

    page.on("websocket", lambda ws: ws.on("framereceived", bump))


def rerun_and_wait(page: Any, action: Callable[[], Any], *, timeout: float = 30_000) -> None:
    """Do ``action`` (a click, a key press) and wait until the script run it starts has finished and settled.

    Avoids the race of a plain ``wait_for_app`` right after an action, when the state may still read
    ``notRunning`` from before the rerun began. Only for actions that do trigger a rerun. With ``track_frames``
    installed, the run is seen by the frames it sends, then the page must be idle with no frame for ``QUIET_MS``;
    without it, by counting runs (which can miss a run too quick to ever show as running).
    """
    frames = getattr(page, "_pg_frames", None)
    if frames is None:
        before = script_runs(page)
        action()
        wait_for_app(page, timeout=timeout, min_runs=before + 1)
        return
    before, deadline = frames[0], time.monotonic() + timeout / 1000
    action()
    while frames[0] == before or time.monotonic() - frames[1] < QUIET_MS / 1000:
        if time.monotonic() > deadline:
            raise TimeoutError(f"No script run settled within {timeout / 1000:.0f} s of the action.")
        page.wait_for_timeout(50)  # lets Playwright deliver the frame events
    wait_for_app(page, timeout=max(1.0, (deadline - time.monotonic()) * 1000))


def switch_on(page: Any, switch: Any, label: Any, *, tries: int = 3) -> None:
    """Click ``label`` until ``switch`` is on, then wait for the run it started to settle. A click that landed
    while the sidebar or the view was being redrawn toggles nothing and starts no run (CI saw it once): it is made
    again."""
    for _ in range(tries):
        try:
            rerun_and_wait(page, label.click, timeout=10_000)
        except TimeoutError:
            pass
        if switch.is_checked():
            wait_for_app(page)
            return
    raise AssertionError(f"the switch stayed off after {tries} clicks")


JOB_RAW = ("None", "+00:00", "Traceback", "_usd", "seconds_left")  # what must never reach a job's page


def new_page(browser: Any) -> Any:
    """A fresh browser context (a new visitor's session) and its page, with runs and frames tracked."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    track_runs(context)
    page = context.new_page()
    track_frames(page)
    return page


def no_raw(page: Any) -> None:
    """Nothing raw on the page's main part: no None, ISO offsets, tracebacks or field names."""
    body = page.get_by_test_id("stMain").inner_text()
    assert not [r for r in JOB_RAW if r in body], body
