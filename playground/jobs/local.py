"""Jobs on the app server's own threads (the SQLite default, or a key typed in the browser): they outlive the tab,
and a restarted server resumes the unfinished ones from what was committed.

One ``LocalJobs`` per server process (the page keeps it as a cached resource). A job started with a key typed in
the browser runs with that key in memory only; the key is never stored, so after a restart such a job cannot go on
and is ended with a note saying so, rather than quietly running on the offline engine.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Engine

from playground.eval import runner as r
from playground.eval.experiment import Environment, ExperimentError
from playground.eval.tuner import TuneResult
from playground.money.budget import Ledger

from . import reading, spec, store
from .execute import Driver, worker_id
from .tuning import run_tune

NO_KEY_AFTER_RESTART = (
    "The server restarted, and this job's provider key was typed in the browser (never stored): start it again."
)


class LocalJobs:
    """This process's job threads: start one, resume the unfinished ones, say which are running here."""

    def __init__(
        self,
        engine: Engine,
        *,
        env: Environment,
        ledger_for: Callable[[str], Ledger | None] | None = None,
        summarize: Callable[[TuneResult], Mapping[str, Any]] | None = None,
    ) -> None:
        self.engine, self.env, self.ledger_for, self.summarize = engine, env, ledger_for, summarize
        self.worker = worker_id()
        self.shutdown = threading.Event()
        self._threads: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()

    def start(self, job_id: str, suite: r.Suite, *, concurrency: int, owner: str) -> None:
        """Run the job on ``concurrency`` threads of this process (no-op when it already runs here)."""
        with self._lock:
            thread = self._threads.get(job_id)
            if thread is not None and thread.is_alive():
                return
            job = reading.status(self.engine, job_id)
            ledger = self.ledger_for(owner) if self.ledger_for else None
            if job is not None and job.kind == "tune":
                target = functools.partial(
                    run_tune,
                    self.engine,
                    job_id,
                    suite,
                    worker=self.worker,
                    concurrency=concurrency,
                    allow=self.env.allow,
                    ledger=ledger,
                    shutdown=self.shutdown,
                    summarize=self.summarize,
                )
            else:
                target = Driver(
                    self.engine,
                    job_id,
                    suite,
                    self.worker,
                    concurrency,
                    allow=self.env.allow,
                    ledger=ledger,
                    secrets=self.env.secrets,
                    shutdown=self.shutdown,
                ).run
            thread = threading.Thread(target=target, daemon=True, name=f"job-{job_id[:8]}")
            self._threads[job_id] = thread
            thread.start()

    def running_here(self, job_id: str) -> bool:
        thread = self._threads.get(job_id)
        return thread is not None and thread.is_alive()

    def resume(self) -> list[str]:
        """Start every unfinished in-process job from its stored document; returns the ids started."""
        started = []
        for job_id in store.unfinished(self.engine, backend="thread"):
            found = reading.document(self.engine, job_id)
            job = reading.status(self.engine, job_id)
            if found is None or job is None or self.running_here(job_id):
                continue
            doc, _repeats = found
            try:
                experiment = spec.read(doc, env=self.env)
            except ExperimentError as exc:
                store.fail(self.engine, job_id, note=str(exc))
                continue
            if experiment.notices:  # its provider has no key here: it would quietly run on the offline engine
                store.fail(self.engine, job_id, note=NO_KEY_AFTER_RESTART)
                continue
            self.start(job_id, experiment.suite, concurrency=experiment.concurrency, owner=job.owner)
            started.append(job_id)
        return started

    def wait(self, job_id: str, timeout: float | None = None) -> bool:
        """Wait for the job's thread here to end (True when it has)."""
        thread = self._threads.get(job_id)
        if thread is not None:
            thread.join(timeout)
        return not self.running_here(job_id)

    def close(self) -> None:
        """Stop this process's lanes (their units go back to pending; the jobs stay unfinished for a resume)."""
        self.shutdown.set()
        for thread in list(self._threads.values()):
            thread.join(5)
