"""Shared by the browser tests and benchmarks: start the offline server and `streamlit run`, drive Chromium.

Tests import it as ``browser_util`` (tests/conftest.py puts ``tests/`` on ``sys.path``); benchmarks as
``tests.browser_util``, run as ``python -m benchmarks.<name>`` from the root. Servers run in their own process
group, log to a file, and are stopped as a group (``stop()``, or at interpreter exit as a last resort).
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
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
# Settings stripped from the environment handed to servers, so a developer's real key never reaches a test app.
SCRUBBED_PREFIXES = ("PLAYGROUND_",)
SCRUBBED_SUFFIXES = ("_API_KEY",)
APP_READY = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"
START_TIMEOUT = 60.0


def find_chromium() -> str | None:
    """The Chromium executable: ``$PLAYGROUND_CHROMIUM`` if set (and only it), else Debian's or one on PATH."""
    override = os.environ.get(CHROMIUM_ENV)
    for candidate in (override,) if override else CHROMIUM_CANDIDATES:
        found = candidate and (shutil.which(candidate) or None)
        if found and os.access(found, os.X_OK):
            return found
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(extra: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """This process's environment minus keys and ``PLAYGROUND_*`` settings, plus ``extra`` (``None`` deletes)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(SCRUBBED_PREFIXES) and not k.endswith(SCRUBBED_SUFFIXES)
    }
    env["PYTHONUNBUFFERED"] = "1"
    for name, value in (extra or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


@dataclass(eq=False)
class Server:
    """A server subprocess in its own process group, its output going to ``log_path``."""

    name: str
    proc: subprocess.Popen[bytes]
    url: str
    log_path: Path
    env: dict[str, str] = field(repr=False, default_factory=dict)

    def alive(self) -> bool:
        """Whether the process is still running."""
        return self.proc.poll() is None

    def log_tail(self, lines: int = 80) -> str:
        """The last ``lines`` lines of the server's output."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError as exc:
            return f"(no log: {exc})"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, grace: float = 5.0) -> None:
        """Terminate the whole process group; kill it if it has not gone after ``grace`` seconds."""
        if self.proc.poll() is None:
            _signal_group(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        _signal_group(self.proc.pid, signal.SIGKILL)  # stragglers the leader left behind
        if self.proc.poll() is None:
            self.proc.wait(grace)
        _LIVE.discard(self)


_LIVE: set[Server] = set()


@atexit.register
def _stop_all() -> None:
    for server in list(_LIVE):
        server.stop(grace=2.0)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def spawn(name: str, cmd: list[str], *, url: str, env: dict[str, str], log_dir: Path | None = None) -> Server:
    """Start ``cmd`` from the repository root in a new process group, stdout and stderr to a log file."""
    log_dir = Path(log_dir or tempfile.mkdtemp(prefix="playground-logs-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    with open(log_path, "ab") as log:
        log.write(f"$ {' '.join(cmd)}\n".encode())
        log.flush()
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = Server(name, proc, url, log_path, env)
    _LIVE.add(server)
    return server


def wait_http(server: Server, url: str, *, expect: Callable[[int, bytes], bool], timeout: float) -> None:
    """Poll ``url`` until ``expect(status, body)``; raise with the log tail if the server dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(
                f"{server.name} exited with {server.proc.returncode} before it was ready "
                f"({url}). Log {server.log_path}:\n{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if expect(resp.status, resp.read()):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    server.stop()
    raise TimeoutError(
        f"{server.name} not ready after {timeout:.0f} s ({url}). Log {server.log_path}:\n{server.log_tail()}"
    )


def start_offline_server(
    *, pace: float = 0.0, log_dir: Path | None = None, timeout: float = START_TIMEOUT
) -> Server:
    """``python -m playground.offline.server`` on a free port; ``url`` is its OpenAI base URL (``…/v1``)."""
    port = free_port()
    cmd = [sys.executable, "-m", "playground.offline.server", "--port", str(port), "--pace", str(pace)]
    server = spawn(
        f"offline-server-{port}",
        cmd,
        url=f"http://127.0.0.1:{port}/v1",
        env=server_env({"PLAYGROUND_OFFLINE_PACE": str(pace)}),
        log_dir=log_dir,
    )
    wait_http(server, f"http://127.0.0.1:{port}/health", expect=lambda status, _b: status == 200, timeout=timeout)
    return server


def streamlit_cmd(port: int, script: str = "app.py") -> list[str]:
    """The ``streamlit run`` command line used everywhere (headless, no watcher, no telemetry)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--global.developmentMode",
        "false",
    ]


def start_streamlit(
    *,
    env: Mapping[str, str | None] | None = None,
    script: str = "app.py",
    log_dir: Path | None = None,
    timeout: float = START_TIMEOUT,
    attempts: int = 3,
) -> Server:
    """``streamlit run app.py`` on a free port with ``env`` over a scrubbed environment; waits for health "ok"."""
    # saving off unless a test gives a database: a browser test never writes to the user's home
    full_env = server_env({"PLAYGROUND_OFFLINE_PACE": "0", "PLAYGROUND_DATABASE_URL": "none", **(env or {})})
    for attempt in range(1, attempts + 1):
        port = free_port()
        server = spawn(
            f"streamlit-{port}",
            streamlit_cmd(port, script),
            url=f"http://127.0.0.1:{port}",
            env=full_env,
            log_dir=log_dir,
        )
        try:
            wait_http(
                server,
                f"{server.url}/_stcore/health",
                expect=lambda s, b: s == 200 and b.strip() == b"ok",
                timeout=timeout,
            )
            return server
        except RuntimeError:
            server.stop()
            if attempt == attempts or "already in use" not in server.log_tail():
                raise
    raise AssertionError("unreachable")


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
