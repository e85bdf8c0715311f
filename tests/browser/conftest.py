"""Browser tier: real Chromium (Debian's package, driven by Playwright) against `streamlit run app.py`.

Fixtures: ``offline_server`` (the offline engine over HTTP), ``streamlit_app`` (the app pointed at it),
``shared_streamlit`` / ``streamlit_factory`` (apps with other settings), ``browser`` and ``page``.
Every test here is marked ``browser``. Without Chromium or Playwright the tests skip loudly, or fail when
``PLAYGROUND_REQUIRE_BROWSER=1`` (CI). On failure the servers' logs and the page's console are printed.
Helpers for tests (``wait_for_app``, ``rerun_and_wait``) live in ``tests/browser_util.py`` (starting servers in
``tests/browser_servers.py``), shared with benchmarks.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from browser_servers import Server, start_offline_server, start_streamlit
from browser_util import find_chromium, launch_chromium, track_frames, track_runs

HERE = Path(__file__).resolve().parent
REQUIRE_ENV = "PLAYGROUND_REQUIRE_BROWSER"
AppFactory = Callable[..., Server]
_SERVERS: list[Server] = []  # every server this session started, for failure reports


def _missing() -> str:
    """Why the browser tier cannot run here, or an empty string."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"the playwright package is not importable ({exc}); pip install playwright"
    if not find_chromium():
        return "Chromium is not installed (apt-get install chromium, or set PLAYGROUND_CHROMIUM)"
    return ""


MISSING = _missing()
REQUIRED = os.environ.get(REQUIRE_ENV) == "1"


def _in_tier(item: pytest.Item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser ``browser``; skip them loudly when the tier cannot run."""
    for item in items:
        if not _in_tier(item):
            continue
        item.add_marker(pytest.mark.browser)
        if MISSING and not REQUIRED:
            item.add_marker(pytest.mark.skip(reason=f"BROWSER TIER SKIPPED: {MISSING}"))


def pytest_runtest_setup(item: pytest.Item) -> None:
    """With ``PLAYGROUND_REQUIRE_BROWSER=1`` a missing browser is a failure, not a skip."""
    if MISSING and REQUIRED and _in_tier(item):
        pytest.fail(f"{REQUIRE_ENV}=1 but the browser tier cannot run: {MISSING}", pytrace=False)


def pytest_report_header(config: pytest.Config) -> str:
    """Say up front whether the browser tier will run."""
    if MISSING:
        mode = "FAIL" if REQUIRED else "SKIP"
        return f"browser tier: WILL {mode} -- {MISSING}"
    return f"browser tier: chromium at {find_chromium()}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Repeat the warning at the end, where nobody can miss it."""
    if MISSING and not REQUIRED:
        terminalreporter.write_sep("!", f"BROWSER TIER SKIPPED: {MISSING}", red=True, bold=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """On a failed browser test, attach the page's URL and console and the tail of every server log."""
    report = yield
    if report.failed and _in_tier(item):
        page = getattr(item, "funcargs", {}).get("page")
        if page is not None:
            console = "\n".join(getattr(page, "_pg_console", []))
            report.sections.append(("browser page", f"url: {_safe_url(page)}\nconsole:\n{console}"))
        for server in _SERVERS:
            report.sections.append((f"{server.name} log ({server.log_path})", server.log_tail(60)))
    return report


def _safe_url(page: Any) -> str:
    try:
        return str(page.url)
    except Exception as exc:  # the page may already be gone
        return f"(unavailable: {exc})"


@pytest.fixture(scope="session")
def browser_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory for server logs of this session."""
    return tmp_path_factory.mktemp("browser-logs")


@pytest.fixture(scope="session")
def offline_server(browser_logs: Path) -> Iterator[Server]:
    """``python -m playground.offline.server`` at pace 0; ``.url`` is its base URL ending in ``/v1``."""
    server = start_offline_server(pace=0.0, log_dir=browser_logs)
    _SERVERS.append(server)
    yield server
    server.stop()


def _default_env(request: pytest.FixtureRequest, env: Mapping[str, str | None]) -> dict[str, str | None]:
    """Custom provider at the offline server unless ``env`` says otherwise (the server starts only if used)."""
    base: dict[str, str | None] = {"PLAYGROUND_PROVIDER": "custom", "PLAYGROUND_OFFLINE_PACE": "0"}
    if "PLAYGROUND_BASE_URL" not in env:
        base["PLAYGROUND_BASE_URL"] = request.getfixturevalue("offline_server").url
    return {**base, **env}


def _start(env: dict[str, str | None], logs: Path) -> Server:
    server = start_streamlit(env=env, log_dir=logs)
    _SERVERS.append(server)
    return server


@pytest.fixture(scope="session")
def shared_streamlit(request: pytest.FixtureRequest, browser_logs: Path) -> Iterator[AppFactory]:
    """``shared_streamlit(env={...})``: an app with these settings, started once per session and reused.

    ``env`` goes over the defaults (custom provider at ``offline_server``, pace 0); a ``None`` value removes a
    default. Each browser context is its own Streamlit session, so tests may share a server.
    """
    cache: dict[tuple[tuple[str, str | None], ...], Server] = {}

    def get(env: Mapping[str, str | None] | None = None) -> Server:
        full = _default_env(request, env or {})
        key = tuple(sorted(full.items()))
        if key not in cache or not cache[key].alive():
            cache[key] = _start(full, browser_logs)
        return cache[key]

    yield get
    for server in cache.values():
        server.stop()


@pytest.fixture
def streamlit_factory(request: pytest.FixtureRequest, browser_logs: Path) -> Iterator[AppFactory]:
    """``streamlit_factory(env={...})``: a fresh app for this test only (stopped after it); env as above."""
    started: list[Server] = []

    def start(env: Mapping[str, str | None] | None = None) -> Server:
        started.append(_start(_default_env(request, env or {}), browser_logs))
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def streamlit_app(shared_streamlit: AppFactory) -> Server:
    """The app with the custom provider pointed at the offline server; ``.url`` is the app's address."""
    return shared_streamlit()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Any]:
    """One Playwright driver for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_instance: Any) -> Iterator[Any]:
    """Headless Debian Chromium, shared by the session."""
    instance = launch_chromium(playwright_instance)
    yield instance
    instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page in a new browser context (fresh cookies, so a fresh Streamlit session) for each test.

    ``page._pg_console`` collects console messages and uncaught page errors (printed if the test fails).
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    track_runs(context)
    pg = context.new_page()
    track_frames(pg)
    pg._pg_console = []
    pg._pg_errors = []
    pg.on("console", lambda msg: pg._pg_console.append(f"[{msg.type}] {msg.text}"))
    pg.on("requestfailed", lambda req: pg._pg_console.append(f"[requestfailed] {req.url} {req.failure}"))
    pg.on("pageerror", lambda err: (pg._pg_errors.append(str(err)), pg._pg_console.append(f"[pageerror] {err}")))
    yield pg
    context.close()


@pytest.fixture
def page_errors(page: Any) -> list[str]:
    """Uncaught JavaScript errors on ``page`` so far (the list keeps filling as the test goes on)."""
    return page._pg_errors
