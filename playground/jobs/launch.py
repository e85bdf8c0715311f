"""Where a job runs, and starting it there: the page and the command line call these two.

``backend_for`` decides before the job is enqueued (``spec.enqueue(backend=...)`` records it): ``queue`` on
PostgreSQL, where procrastinate hands it to ``python -m playground.worker`` processes on any machine; ``thread``
on SQLite, when ``PLAYGROUND_JOBS=threads`` is set (PostgreSQL for the store, jobs on the app server's threads),
or when the run uses a key typed in the browser (kept in this process's memory only, so no worker could use it).
``launch`` then starts the enqueued job where it was recorded to run.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from sqlalchemy import Engine, select, text

from playground.eval import runner as r
from playground.store.engine import read_session
from playground.store.job_tables import JobRow

from . import queue, spec
from .local import LocalJobs

SETTING = "PLAYGROUND_JOBS"  # "threads": jobs on the app server's threads even on PostgreSQL
MAX_COPIES = 16


def backend_for(engine: Engine, *, browser_key: bool = False, env: Mapping[str, str] | None = None) -> str:
    """``queue`` (procrastinate workers) on PostgreSQL, else ``thread`` (the app server's own threads)."""
    setting = str((os.environ if env is None else env).get(SETTING) or "").strip().lower()
    if browser_key or engine.dialect.name != "postgresql" or setting == "threads":
        return "thread"
    return "queue"


def workers_alive(engine: Engine, *, within: float = 60.0) -> int:
    """procrastinate workers that sent a heartbeat in the last ``within`` seconds."""
    query = text(
        "SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat > now() - make_interval(secs => :s)"
    )
    with engine.connect() as conn:
        return int(conn.scalar(query, {"s": within}) or 0)


def launch(
    engine: Engine,
    job_id: str,
    *,
    suite: r.Suite | None = None,
    local: LocalJobs | None = None,
    copies: int | None = None,
) -> str:
    """Start an enqueued job on its backend; returns the backend.

    ``queue``: ``copies`` tasks (default: one per live worker, at least 2) so several workers share it; a worker
    started later joins through the spare copy. ``thread``: on ``local``'s threads with ``suite`` (rebuilt from the
    job's document with the server's settings when not given; a key typed in the browser needs ``suite``).
    """
    with read_session(engine) as s:
        row = s.execute(
            select(JobRow.backend, JobRow.owner, JobRow.concurrency, JobRow.doc).where(JobRow.id == job_id)
        ).first()
    if row is None:
        raise LookupError(f"No job {job_id!r}.")
    backend, owner, concurrency, doc = row
    if backend == "queue":
        queue.ensure_schema(engine)
        wanted = copies if copies is not None else max(2, workers_alive(engine))
        queue.defer(engine.url.render_as_string(hide_password=False), job_id, copies=min(wanted, MAX_COPIES))
        return "queue"
    if local is None:
        raise ValueError("A job on the app server's threads needs its LocalJobs.")
    if suite is None:
        suite = spec.read(doc, env=local.env).suite
    local.start(job_id, suite, concurrency=concurrency, owner=owner)
    return "thread"
