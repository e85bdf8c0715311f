"""Run one job's units on this process's threads, side by side with any other worker on the same job.

Each lane takes the next pending unit with its hold on the cap (one transaction), sends it with the unit's
idempotency key, and commits its result and cost (another). A transient failure (429, 5xx, a dropped connection)
goes back to pending with backoff, at most ``MAX_TRIES`` sends; a permanent one is recorded as a failed unit and
the job goes on. A stop (from any session, replica or the command line) is seen within half a second and ends the
running requests at their next event; a process shutting down gives its units back for the other workers.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import httpx
from sqlalchemy import Engine

from playground.eval import runner as r
from playground.eval.report import attempt_json
from playground.money.budget import Ledger
from playground.money.pricing import ZERO
from playground.wire.retry import RetryNotice, backoff

from . import reading, store, units
from .limits import SharedLimit, scope_of
from .spec import holds

MAX_TRIES = 5  # sends of one unit before a transient failure is recorded as its result
QUIET = float(os.environ.get("PLAYGROUND_WORKER_QUIET") or 15.0)  # a worker not heard from for this long has
# its units given back (tests lower it through the environment to see a killed worker's units come back sooner)
BEAT = min(2.0, QUIET / 4)  # seconds between heartbeats
POLL = 0.5  # seconds between looks at the job's state


def worker_id() -> str:
    """This process's worker name: host, pid and a random tail (unique even when a pid is reused)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class Driver:
    """One job on ``concurrency`` threads of this process, until the job ends or ``shutdown`` is set."""

    engine: Engine
    job_id: str
    suite: r.Suite
    worker: str
    concurrency: int
    client: httpx.Client | None = None
    allow: Callable[[str], bool] | None = None
    ledger: Ledger | None = None
    secrets: Mapping[str, object] | None = None  # the operator's secrets (a batch job reads its discount there)
    round_only: bool = False  # a tuning round: end when the job has nothing pending or running
    shared_limits: bool = True  # concurrency per provider and key shared through the database, adapting to 429s
    shutdown: threading.Event = field(default_factory=threading.Event)
    halt: threading.Event = field(default_factory=threading.Event)  # the job stopped, or this process is ending
    lanes: int | None = None  # threads of this process on the job (default ``concurrency``, the shared ceiling)
    leave_when: Callable[[], bool] | None = None  # checked when there is nothing to take: True ends this driver

    def __post_init__(self) -> None:
        self._hold_of = holds(self.suite)
        self._labels = [v.label for v in self.suite.variants]
        self._limiters: dict[str, SharedLimit] = {}
        self._lock = threading.Lock()

    def run(self) -> str | None:
        """Work until the job is over for this process; returns the job's state then."""
        job = reading.status(self.engine, self.job_id)
        if job is not None and job.mode == "batch":  # sent as Batch API batches, polled (playground/jobs/batch.py)
            from .batch import run as run_batch  # imported late: it uses this module

            sending = {**self._sending(), "secrets": self.secrets}
            run_batch(self.engine, self.job_id, suite=self.suite, stop=self.shutdown.is_set, **sending)
            return store.state_of(self.engine, self.job_id)
        self._beat()
        store.start(self.engine, self.job_id)
        lanes = [
            threading.Thread(target=self._lane, daemon=True, name=f"job-{self.job_id[:8]}")
            for _ in range(max(1, min(self.lanes or self.concurrency, r.MAX_CONCURRENCY)))
        ]
        for lane in lanes:
            lane.start()
        beaten = time.monotonic()
        while any(lane.is_alive() for lane in lanes):
            for lane in lanes:
                lane.join(POLL / len(lanes))
            if time.monotonic() - beaten >= BEAT:
                self._beat()
                beaten = time.monotonic()
            if self.shutdown.is_set() or store.state_of(self.engine, self.job_id) not in ("running",):
                self.halt.set()
        return store.settle(self.engine, self.job_id)

    def _sending(self) -> dict[str, object]:
        return {"client": self.client, "allow": self.allow, "ledger": self.ledger}

    def _beat(self) -> None:
        store.heartbeat(self.engine, worker=self.worker, host=socket.gethostname(), pid=os.getpid())

    def _lane(self) -> None:
        got: units.Unit | str | None = None  # a unit taken with the last commit, or what the last take said
        while not self.halt.is_set():
            if got is None:
                got = units.take(self.engine, self.job_id, worker=self.worker, hold_of=self._hold_of)
            if isinstance(got, units.Unit):
                got = self._limited(got)
            elif got == units.WAIT or not self._over():
                time.sleep(0.2 if got == units.WAIT else POLL)
                got = None
            else:
                return
        if isinstance(got, units.Unit):  # taken with the last commit as the job stopped: not sent
            units.give_back(self.engine, got, worker=self.worker)

    def _limited(self, unit: units.Unit) -> units.Unit | str | None:
        """Send ``unit`` once its provider's shared limit has room (given back if the job stops first); returns
        the next unit taken with its commit (None: take afresh)."""
        limiter = self._limiter(unit.variant)
        if limiter is not None and not limiter.acquire(self.halt):
            units.give_back(self.engine, unit, worker=self.worker)
            return None
        ok, after = False, None
        try:
            ok, after = self._send(unit, limiter)
        finally:
            if limiter is not None:
                limiter.release(ok=ok)
        return after

    def _limiter(self, variant: int) -> SharedLimit | None:
        if not self.shared_limits:
            return None
        config = self.suite.variants[variant].config
        scope = scope_of(config)
        with self._lock:
            if scope not in self._limiters:
                self._limiters[scope] = SharedLimit(self.engine, scope, ceiling=self.concurrency)
            return self._limiters[scope]

    def _over(self) -> bool:
        """Nothing to take: over when nothing is left; else give back the units of workers gone quiet."""
        if store.settle(self.engine, self.job_id) in store.ENDED_STATES:
            return True
        if self.leave_when is not None and self.leave_when():
            return True
        if self.round_only and store.idle(self.engine, self.job_id):
            return True
        store.reclaim(self.engine, self.job_id, quiet=QUIET)
        return False

    def _send(self, unit: units.Unit, limiter: SharedLimit | None) -> tuple[bool, units.Unit | str | None]:
        """Send one unit and commit what came back: whether it succeeded, and the next unit taken with the commit
        (None when it went back to pending instead)."""
        job = r.Job(unit.row, unit.variant, unit.repeat, None)
        try:
            attempt = r.attempt_job(
                self.suite,
                job,
                stop=self.halt,
                client=self.client,
                allow=self.allow,
                ledger=self.ledger,
                key=unit.key,
                on_retry=_slowing(limiter),
            )
        except Exception as exc:  # noqa: BLE001 - one broken unit must not end the job or leak its hold
            problem = f"Internal error ({exc.__class__.__name__}); nothing was graded."
            attempt = r.Attempt(unit.row, unit.variant, unit.repeat, "", "error", problem, None, None, None)
            return self._commit(unit, attempt, None)  # what it cost is unknown: its whole hold counts
        spent = (attempt.cost or ZERO) + attempt.judge_cost
        if attempt.status == "stopped" and self.halt.is_set():
            units.give_back(self.engine, unit, worker=self.worker, spent=spent)
            return False, None
        if attempt.transient and unit.tries < MAX_TRIES:
            if attempt.slow_down and limiter is not None:
                limiter.slowed(attempt.retry_after)
            wait = attempt.retry_after or backoff(unit.tries - 1)
            units.give_back(self.engine, unit, worker=self.worker, spent=spent, retry_in=wait)
            return False, None
        return self._commit(unit, attempt, spent)

    def _commit(
        self, unit: units.Unit, attempt: r.Attempt, cost: Decimal | None
    ) -> tuple[bool, units.Unit | str | None]:
        failed = attempt.status == "error"
        result = attempt_json(attempt, self._labels)
        after = units.commit_and_take(
            self.engine,
            unit,
            worker=self.worker,
            result=result,
            cost=cost,
            seconds=attempt.seconds,
            failed=failed,
            hold_of=self._hold_of,
        )
        return not failed, after


def _slowing(limiter: SharedLimit | None) -> Callable[[RetryNotice], None] | None:
    """What the wire's own retries tell the shared limit: a 429 or 503 slows every worker."""
    if limiter is None:
        return None

    def heard(notice: RetryNotice) -> None:
        if r.slows_down(notice.error):
            limiter.slowed(notice.error.retry_after)

    return heard
