"""Shared by the browser tests and benchmarks: start the offline server and `streamlit run` as servers.

Tests import it as ``browser_servers`` (tests/conftest.py puts ``tests/`` on ``sys.path``); benchmarks as
``tests.browser_servers``, run as ``python -m benchmarks.<name>`` from the root. Servers run in their own process
group, log to a file, and are stopped as a group (``stop()``, or at interpreter exit as a last resort).
"""

from __future__ import annotations

import atexit
import os
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

ROOT = Path(__file__).resolve().parent.parent


# Settings stripped from the environment handed to servers, so a developer's real key never reaches a test app.
SCRUBBED_PREFIXES = ("PLAYGROUND_",)


SCRUBBED_SUFFIXES = ("_API_KEY",)


START_TIMEOUT = 60.0


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
