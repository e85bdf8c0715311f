"""Concurrency per provider and key, shared by every worker through the database, that adapts to rate limits.

One row per scope (the provider, its base URL and a digest of the key; never the key) holds the total number of
requests every worker together may have in flight. A 429 or 503 halves it (at most once a second, so a burst of
refusals counts once) and pauses every worker until the ``Retry-After`` the server gave; each run of successes as
long as the limit raises it by one, back up to the configured maximum. Each process allows its share of the limit:
the limit divided by the workers alive, rounded up.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from datetime import timedelta

from sqlalchemy import Engine, update

from playground.facts.providers import ProviderConfig
from playground.store.engine import read_session, write_session
from playground.store.job_tables import RateLimitRow

from .store import aware, live_workers, now

REFRESH = 0.5  # seconds between reads of the shared limit
QUIET = 10.0  # a worker not seen for this long no longer takes a share
HALVE_EVERY = 1.0  # seconds: refusals closer together than this halve the limit once


def scope_of(config: ProviderConfig) -> str:
    """The limit's scope: provider, base URL and key digest (the key never leaves this process)."""
    digest = hashlib.sha256(f"{config.base_url}\n{config.api_key or ''}".encode()).hexdigest()[:24]
    return f"{config.provider.id}:{digest}"


def _ensure(engine: Engine, scope: str, ceiling: int) -> None:
    with write_session(engine) as s:
        row = s.get(RateLimitRow, scope)
        if row is None:
            s.add(RateLimitRow(scope=scope, limit=ceiling, ceiling=ceiling, streak=0, updated_at=now()))
        elif row.ceiling != ceiling:
            row.ceiling, row.limit = ceiling, min(row.limit, ceiling) if row.limit else ceiling


class SharedLimit:
    """This process's gate onto a scope's shared limit: ``acquire`` before a request, ``release`` after it."""

    def __init__(self, engine: Engine, scope: str, *, ceiling: int) -> None:
        self.engine, self.scope, self.ceiling = engine, scope, max(1, ceiling)
        _ensure(engine, scope, self.ceiling)
        self._cond = threading.Condition()
        self._in_flight = 0
        self._share = self.ceiling
        self._limit = self.ceiling  # the shared limit as last read
        self._pause_until = 0.0  # time.time() seconds
        self._read_at = 0.0
        self._ok = 0

    def _refresh(self) -> None:
        if time.monotonic() - self._read_at < REFRESH:
            return
        self._read_at = time.monotonic()
        with read_session(self.engine) as s:  # one connection for both reads
            row = s.get(RateLimitRow, self.scope)
            workers = max(1, live_workers(s, within=QUIET))
        if row is not None:
            self._limit = row.limit
            self._share = max(1, math.ceil(row.limit / workers))
            pause = row.pause_until.timestamp() if row.pause_until is not None else 0.0
            self._pause_until = max(self._pause_until, pause)

    @property
    def share(self) -> int:
        return self._share

    def acquire(self, stop: threading.Event) -> bool:
        """Wait for a free place and for any pause to end; False when ``stop`` was set first."""
        with self._cond:
            while not stop.is_set():
                self._refresh()
                wait = self._pause_until - time.time()
                if wait <= 0 and self._in_flight < self._share:
                    self._in_flight += 1
                    return True
                self._cond.wait(min(REFRESH, wait) if wait > 0 else REFRESH)
            return False

    def release(self, *, ok: bool) -> None:
        with self._cond:
            self._in_flight -= 1
            self._cond.notify()
        if ok:
            self._ok += 1
            if self._ok >= max(4, self._share):
                self._ok = 0
                if self._limit < self.ceiling:  # at the ceiling already (as last read): nothing to raise
                    self._raise()

    def slowed(self, retry_after: float | None) -> None:
        """A 429 or 503: halve the shared limit and pause every worker for ``retry_after`` seconds (or 1)."""
        wait = retry_after if retry_after and retry_after > 0 else 1.0
        until = now() + timedelta(seconds=min(wait, 600.0))
        with write_session(self.engine) as s:
            row = s.get(RateLimitRow, self.scope)
            if row is None:
                return
            if (now() - aware(row.updated_at)).total_seconds() >= HALVE_EVERY or row.streak > 0:
                row.limit, row.updated_at = max(1, row.limit // 2), now()
            row.streak = 0
            if row.pause_until is None or aware(row.pause_until) < until:
                row.pause_until = until
        with self._cond:
            self._pause_until = max(self._pause_until, until.timestamp())
            self._read_at = 0.0
            self._ok = 0

    def _raise(self) -> None:
        with write_session(self.engine) as s:
            s.execute(
                update(RateLimitRow)
                .where(RateLimitRow.scope == self.scope, RateLimitRow.limit < RateLimitRow.ceiling)
                .values(limit=RateLimitRow.limit + 1, streak=RateLimitRow.streak + 1, updated_at=now())
            )
        self._read_at = 0.0


def limit_of(engine: Engine, scope: str) -> int | None:
    """The scope's shared limit now (for tests and the status line)."""
    with read_session(engine) as s:
        row = s.get(RateLimitRow, scope)
        return None if row is None else row.limit
