"""Saving off the script thread: a bounded queue and one writer thread, with a health status the UI can show.

A job that fails because the database is unreachable (an outage) is kept and retried before the next one, up to
``keep`` jobs, so a short outage loses nothing. A job that fails because of what it writes (a permanent error:
bad data, a value out of range) would fail every time: it is quarantined at once (kept aside, counted in
``health``, logged) and never holds up the jobs behind it. The error never reaches the chat, only ``health``.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import exc as sa_exc

from playground.store.config import safe_url
from playground.store.store import Store

Job = Callable[[Store], object]
LOG = logging.getLogger(__name__)
OUTAGES = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError, sa_exc.TimeoutError)
OUTAGES_BUILTIN = (ConnectionError, TimeoutError)


def is_outage(exc: BaseException) -> bool:
    """Whether ``exc`` says the database is unreachable or busy (worth a retry), not that the job's data is bad.

    ``OperationalError`` covers a refused connection, a dropped one and SQLite's "database is locked"; the
    DBAPI's ``DataError``/``IntegrityError``/``ProgrammingError`` and Python's encoding or value errors are the
    job's own and fail the same way every time.
    """
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OUTAGES) or isinstance(getattr(exc, "orig", None) or exc, OUTAGES_BUILTIN)


@dataclass(frozen=True, slots=True)
class Health:
    """``ok``, or ``down`` with a plain message (never a key or password)."""

    state: Literal["ok", "down"]
    message: str = ""
    pending: int = 0
    quarantined: int = 0  # jobs set aside for good (their data could not be written)
    quarantine_message: str = ""  # why the last one was set aside


def plain_error(exc: BaseException, *, url: str) -> str:
    """A short message naming what failed, with the database password masked and no SQL or parameters."""
    inner = getattr(exc, "orig", None) or exc
    first = (str(inner).strip().splitlines() or [""])[0][:200]
    text = f"{type(inner).__name__}: {first}" if first else type(inner).__name__
    return safe_url(text).replace(url, safe_url(url))


class BackgroundWriter:
    """Runs store jobs in order on a daemon thread.

    Args:
        store: where jobs write.
        capacity: jobs that may wait; beyond it a job is dropped and health says so.
        keep: failed jobs kept for a retry.
    """

    def __init__(self, *, store: Store, capacity: int = 256, keep: int = 100) -> None:
        self.store = store
        self.jobs: queue.Queue[Job | None] = queue.Queue(maxsize=capacity)
        self.failed: deque[Job] = deque(maxlen=keep)
        self.quarantine: deque[tuple[Job, str]] = deque(maxlen=keep)  # (job, why), newest last
        self.quarantined = 0
        self.health = Health("ok")
        self.dropped = 0
        self.thread = threading.Thread(target=self._run, name="playground-store-writer", daemon=True)
        self.thread.start()

    def submit(self, job: Job) -> bool:
        """Queue ``job`` without waiting; False (and health says so) when the queue is full."""
        try:
            self.jobs.put_nowait(job)
            return True
        except queue.Full:
            self.dropped += 1
            self.health = Health("down", f"The database is too slow: {self.dropped} save(s) were dropped.")
            return False

    def flush(self, *, timeout: float = 30.0) -> bool:
        """Wait until every queued job has run (for tests and shutdown); False on timeout."""
        deadline = time.monotonic() + timeout
        while self.jobs.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.005)
        return not self.jobs.unfinished_tasks

    def stop(self) -> None:
        self.jobs.put(None)
        self.thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            job = self.jobs.get()
            try:
                if job is None:
                    return
                self._retry_failed()
                self._attempt(job)
            finally:
                self.jobs.task_done()

    def _retry_failed(self) -> None:
        """Run the jobs kept from an outage, oldest first; stop at the first that still meets the outage."""
        while self.failed:
            if self._try(self.failed[0]) == "outage":
                return
            self.failed.popleft()  # written, or set aside for good

    def _attempt(self, job: Job) -> None:
        if self.failed:  # still down: keep order, an older kept job must go first
            self.failed.append(job)
            self.health = self._health("down", self.health.message)
        elif self._try(job) == "outage":
            self.failed.append(job)
            self.health = self._health("down", self.health.message)

    def _try(self, job: Job) -> Literal["written", "outage", "set aside"]:
        """Run ``job`` once: written; an outage (health says so); or a permanent error (the job is set aside)."""
        try:
            job(self.store)
        except Exception as exc:  # noqa: BLE001 - a database failure must never reach the chat
            message = plain_error(exc, url=self.store.url)
            if is_outage(exc):
                self.health = self._health("down", f"Saving failed, the chat goes on ({message}).")
                return "outage"
            self.quarantine.append((job, message))
            self.quarantined += 1
            LOG.warning("A save could not be written and was set aside: %s", message)
            self.health = self._health("ok")
            return "set aside"
        self.health = self._health("ok")
        return "written"

    def _health(self, state: Literal["ok", "down"], message: str = "") -> Health:
        why = self.quarantine[-1][1] if self.quarantine else ""
        note = (
            f"{self.quarantined} save(s) could not be written and were set aside ({why}); the others go on."
            if self.quarantined
            else ""
        )
        return Health(state, message if state == "down" else "", len(self.failed), self.quarantined, note)
