"""Shared fixtures: a clean environment (no real keys, no provider settings) for every test."""

from __future__ import annotations

import os
import subprocess
import sys
import weakref
from pathlib import Path

import pytest
from sqlalchemy import Engine, event

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

SETTINGS = (
    "MODELSLAB_API_KEY",
    "XAI_API_KEY",
    "OPENROUTER_API_KEY",
    "PLAYGROUND_PROVIDER",
    "PLAYGROUND_BASE_URL",
    "PLAYGROUND_API_KEY",
    "PLAYGROUND_MODEL",
    "PLAYGROUND_ALLOWED_PROVIDERS",
    "PLAYGROUND_ALLOWED_BASE_URLS",
    "PLAYGROUND_HIDE_CUSTOM_URL",
    "PLAYGROUND_OFFLINE_PACE",
    "PLAYGROUND_PUBLIC",
    "PLAYGROUND_MAX_ERROR_BYTES",
    "PLAYGROUND_MAX_EVENT_BYTES",
    "PLAYGROUND_MAX_BODY_BYTES",
    "PLAYGROUND_MAX_REPLY_CHARS",
    "PLAYGROUND_REPLY_DEADLINE",
    "PLAYGROUND_POOL_WAIT",
    "PLAYGROUND_MAX_CONNECTIONS",
    "PLAYGROUND_MAX_CONNECTIONS_PER_HOST",
    "PLAYGROUND_DATABASE_URL",
    "PLAYGROUND_DAILY_BUDGET_USD",
    "PLAYGROUND_USER_DAILY_BUDGET_USD",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees a real key or provider setting from the machine it runs on."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("PLAYGROUND_OFFLINE_PACE", "0")
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", "none")  # a test that stores sets its own temporary database


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL cluster for the whole run (tests/pg.py); skips loudly without the binaries."""
    import pg

    try:
        cluster = pg.start_cluster()
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        if os.environ.get(pg.REQUIRE) == "1":
            pytest.fail(f"PostgreSQL is required ({pg.REQUIRE}=1) but could not start: {detail}")
        print(f"\n!!!!!!!! PostgreSQL tests SKIPPED: {detail} !!!!!!!!", file=sys.stderr)
        pytest.skip(f"PostgreSQL could not start: {detail}")
    yield cluster
    cluster.stop()


_pg_engines: weakref.WeakSet = weakref.WeakSet()


@event.listens_for(Engine, "engine_connect")
def _seen(conn) -> None:  # noqa: ANN001
    if conn.engine.dialect.name == "postgresql":
        _pg_engines.add(conn.engine)


@pytest.fixture(autouse=True)
def close_postgres_pools():
    """Close every PostgreSQL pool a test opened once it ends (engines, procrastinate's deferring apps).

    Each test works on a fresh database, so the pages' and jobs' engines are new each time; left open, their idle
    connections add up across the session until the shared cluster refuses clients (CI saw "too many clients").
    """
    yield
    from playground.jobs.queue import close_apps

    close_apps()
    for engine in list(_pg_engines):
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: an SQLite file, or a fresh database on the test cluster."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'playground.db'}"
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture(autouse=True)
def routed_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run AppTests as a live server runs after its first request: pages go through app.py's st.navigation.

    AppTest resets Streamlit's legacy ``pages/`` flag before every run, so each run would start in legacy mode,
    where components.routing.require_router reruns through app.py and a clicked button's trigger is lost. A real
    server clears the flag once (tests/browser/test_smoke.py covers a fresh server's first request).
    """
    from streamlit.runtime.pages_manager import PagesManager

    real_init = PagesManager.__init__

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
