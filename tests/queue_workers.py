"""Helpers for the job-queue tests: ``python -m playground.worker`` subprocesses on a test database, experiments
of any size, and waiting for a job with the workers' logs on failure."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from browser_servers import Server, server_env, spawn
from eval_loopback import CapitalsServer
from jobs_util import example
from sqlalchemy import Engine

from playground.jobs import reading, store
from playground.jobs.queue import ensure_schema

QUIET = 6.0  # seconds: a killed worker's units come back this soon (PLAYGROUND_WORKER_QUIET)


def prepare(engine: Engine) -> Engine:
    """The job queue's tables beside the store's (what ``Store.open`` and the worker do)."""
    ensure_schema(engine)
    return engine


def experiment(
    *, rows: int | None = None, variants: int = 2, max_tokens: int = 32, **changes: Any
) -> dict[str, Any]:
    """The example experiment, graded by ``contains`` only (no judge), short answers, no cap, no simulation;
    ``rows`` repeats its countries to that many rows."""
    doc = example(simulate=None, cap=None, **changes)
    doc["graders"] = [g for g in doc["graders"] if g["kind"] != "rubric"]
    doc["variants"] = [
        {**v, "params": {**v["params"], "max_tokens": max_tokens}} for v in doc["variants"][:variants]
    ]
    if rows is not None:
        base = doc["rows"]
        doc["rows"] = [base[i % len(base)] for i in range(rows)]
    return doc


def start_worker(
    db_url: str,
    provider_url: str,
    *,
    log_dir: Path,
    name: str,
    concurrency: int = 8,
    jobs: int = 2,
    extra: dict[str, str | None] | None = None,
) -> Server:
    """``python -m playground.worker`` on ``db_url``, sending to the custom provider at ``provider_url``."""
    env = server_env(
        {
            "PLAYGROUND_DATABASE_URL": db_url,
            "PLAYGROUND_PROVIDER": "custom",
            "PLAYGROUND_BASE_URL": provider_url,
            "PLAYGROUND_WORKER_QUIET": str(QUIET),
            **(extra or {}),
        }
    )
    cmd = [sys.executable, "-m", "playground.worker", "--concurrency", str(concurrency), "--jobs", str(jobs)]
    return spawn(name, cmd, url="", env=env, log_dir=log_dir)


def logs(workers: list[Server]) -> str:
    return "\n".join(f"--- {w.name} (exit {w.proc.poll()}):\n{w.log_tail(40)}" for w in workers)


def until(check: Callable[[], bool], *, workers: list[Server], timeout: float, what: str) -> None:
    """Wait for ``check``; fail with the workers' logs on timeout."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n{logs(workers)}")
        time.sleep(0.1)


def ended(engine: Engine, job_id: str, *, workers: list[Server], timeout: float) -> reading.JobStatus:
    """Wait until the job is over; returns its status."""

    def over() -> bool:
        status = reading.status(engine, job_id)
        return status is not None and status.state in store.ENDED_STATES

    until(over, workers=workers, timeout=timeout, what=f"job {job_id} to end")
    status = reading.status(engine, job_id)
    assert status is not None
    return status


class Paced(CapitalsServer):
    """``CapitalsServer`` whose stream takes ``delay`` seconds per event, so a job is still running when we act."""

    def __init__(self, delay: float) -> None:
        super().__init__(delay=delay)
