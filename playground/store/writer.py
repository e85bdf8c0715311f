"""Saving off the script thread: a bounded queue and one writer thread, with a health status the UI can show.

A job that fails (the database is down) is kept and retried before the next one, up to ``keep`` jobs, so a short
outage loses nothing; the error never reaches the chat, only ``health``.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from playground.store.config import safe_url
from playground.store.store import Store

Job = Callable[[Store], object]


@dataclass(frozen=True, slots=True)
class Health:
    """``ok``, or ``down`` with a plain message (never a key or password)."""

    state: Literal["ok", "down"]
    message: str = ""
    pending: int = 0


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
        while self.failed:
            if not self._attempt(self.failed[0], requeue=False):
                return
            self.failed.popleft()

    def _attempt(self, job: Job, *, requeue: bool = True) -> bool:
        if requeue and self.failed:  # keep order: an older failed job must go first
            self.failed.append(job)
            self.health = Health("down", self.health.message, len(self.failed))
            return False
        try:
            job(self.store)
        except Exception as exc:  # noqa: BLE001 - a database failure must never reach the chat
            if requeue:
                self.failed.append(job)
            message = plain_error(exc, url=self.store.url)
            self.health = Health("down", f"Saving failed, the chat goes on ({message}).", len(self.failed))
            return False
        self.health = Health("ok", pending=len(self.failed))
        return True
