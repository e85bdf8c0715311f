"""Jobs on PostgreSQL through procrastinate: the task a worker runs, deferring it, and its schema.

A job is deferred as ``copies`` procrastinate tasks ``run_job(job_id)``; each worker that picks one up rebuilds the
suite from the job's document with its own settings (as ``python -m playground.eval run`` does) and runs
``execute.Driver`` on it, so several workers share one job (each claims units with ``SKIP LOCKED``). A copy that
finds its job already running in this process comes back later (one spare per job waits, under a queueing lock),
which lets a worker that starts later join. A worker that shuts down gives its units back and leaves a spare, so a
job outlives every worker; procrastinate tasks left "doing" by a killed worker are retried (``retry_stalled``).

procrastinate's tables live beside Alembic's in the same database, created on open (``ensure_schema``) under an
advisory lock, so replicas and workers starting together take turns.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import procrastinate
from procrastinate import exceptions as pexc
from procrastinate.jobs import Status
from procrastinate.schema import SchemaManager
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from playground.eval.experiment import Environment, ExperimentError
from playground.money.budget import Ledger, limits

from . import execute, reading, spec, store, tuning

log = logging.getLogger("playground.worker")

QUEUE = "playground-jobs"
TASK = "playground.run_job"
LATER = 5.0  # seconds before a copy that found its job already running here is tried again
_SCHEMA_LOCK = 7_311_016  # PostgreSQL advisory lock id held while creating procrastinate's tables

NO_KEY_HERE = (
    "Not run: the worker that took this job has no key for {provider}. Set the key where the worker runs (the "
    "same variables as the app) and start the job again."
)


def conninfo(url: str) -> str:
    """The libpq connection string of a SQLAlchemy URL (``postgresql+psycopg://`` → ``postgresql://``)."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def ensure_schema(engine: Engine) -> bool:
    """Create procrastinate's tables if they are missing (PostgreSQL only); True when this call created them.

    Idempotent: processes starting together take turns under an advisory lock (as Alembic's migrations do in
    ``playground.store.engine``), and the later ones find the tables there."""
    if engine.dialect.name != "postgresql":
        return False
    exists = text("SELECT count(*) FROM pg_catalog.pg_class WHERE relname = 'procrastinate_jobs'")
    with engine.connect() as conn:
        if conn.scalar(exists):
            return False
        conn.rollback()
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _SCHEMA_LOCK})
        conn.commit()
        try:
            if conn.scalar(exists):  # a new transaction: sees what the process before us created
                return False
            driver = conn.connection.driver_connection  # the schema has % signs: run it without parameters
            driver.execute(SchemaManager.get_schema())
            conn.commit()
            return True
        finally:
            conn.rollback()
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _SCHEMA_LOCK})
            conn.commit()


def make_app(url: str, *, pool: Mapping[str, Any] | None = None) -> procrastinate.App:
    """A procrastinate app on the database behind the SQLAlchemy ``url`` (opened by its user)."""
    options = {"min_size": 1, "max_size": 4, **(pool or {})}
    connector = procrastinate.PsycopgConnector(conninfo=conninfo(url), **options)
    return procrastinate.App(connector=connector)


_apps: dict[str, procrastinate.App] = {}
_apps_lock = threading.Lock()


def _sync_app(url: str) -> procrastinate.App:
    """One opened app per database for deferring from ordinary (synchronous) code, such as the page."""
    with _apps_lock:
        app = _apps.get(url)
        if app is None:
            app = make_app(url).open()
            _apps[url] = app
        return app


def close_apps() -> None:
    """Close the deferring apps' connection pools (a process that launched jobs and goes on without them)."""
    with _apps_lock:
        apps = list(_apps.values())
        _apps.clear()
    for app in apps:
        app.close()


def _defer(app: procrastinate.App, job_id: str, *, lock: str | None = None, later: float | None = None) -> bool:
    """One ``run_job`` task for ``job_id``; False when a task with the same queueing lock already waits."""
    options: dict[str, Any] = {"queue": QUEUE}
    if lock is not None:
        options["queueing_lock"] = lock
    if later:
        options["schedule_in"] = {"seconds": later}
    try:
        app.configure_task(TASK, **options).defer(job_id=job_id)
    except pexc.AlreadyEnqueued:
        return False
    return True


def defer(url: str, job_id: str, *, copies: int = 2) -> None:
    """Hand the job to the workers: ``copies`` tasks, one per worker slot that should share it."""
    app = _sync_app(url)
    for _ in range(max(1, copies)):
        _defer(app, job_id)


def spares(url: str, job_ids: list[str]) -> None:
    """A spare copy of each job (a starting worker joins the jobs already running, or left by one that stopped)."""
    if job_ids:
        app = _sync_app(url)
        for job_id in job_ids:
            spare(app, job_id)


def spare(app: procrastinate.App, job_id: str, *, later: float | None = None) -> bool:
    """A spare copy of the job for a worker with room (at most one waits per job)."""
    return _defer(app, job_id, lock=f"{job_id}:spare", later=later)


@dataclass
class WorkerState:
    """What every ``run_job`` of one worker process shares: the store, settings, lanes and the shutdown flag."""

    engine: Engine
    url: str
    env: Environment
    lanes: int
    app: procrastinate.App | None = None
    worker: str = field(default_factory=execute.worker_id)
    shutdown: threading.Event = field(default_factory=threading.Event)
    running: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run_job(self, job_id: str) -> str | None:
        """Work on the job until it ends or this worker shuts down; returns the job's state then."""
        with self.lock:
            if job_id in self.running:
                if self.app is not None and store.state_of(self.engine, job_id) in store.LIVE_STATES:
                    spare(self.app, job_id, later=LATER)
                return "elsewhere"
            self.running.add(job_id)
        try:
            return self._drive(job_id)
        finally:
            with self.lock:
                self.running.discard(job_id)

    def _drive(self, job_id: str) -> str | None:
        job = reading.status(self.engine, job_id)
        found = reading.document(self.engine, job_id)
        if job is None or found is None or not job.live:  # a batch-mode job too: Driver.run advances it
            return None if job is None else job.state
        try:
            experiment = spec.read(found[0], env=self.env)
            ledger = self._ledger(job.owner)
        except (ExperimentError, ValueError) as exc:
            store.fail(self.engine, job_id, note=str(exc))
            return "failed"
        if experiment.notices:  # no key here: it would quietly run on the offline engine
            provider = experiment.notices[0].split(":")[0].removeprefix("No key for ")
            store.fail(self.engine, job_id, note=NO_KEY_HERE.format(provider=provider))
            return "failed"
        log.info("Job %s: working on it (%s units).", job_id, job.total)
        if job.kind == "tune":  # one worker leads the search; the others help with each round's units
            kwargs = dict(allow=self.env.allow, ledger=ledger, shutdown=self.shutdown, lanes=self.lanes)
            return tuning.work_on_tuning(
                self.engine,
                job_id,
                experiment.suite,
                worker=self.worker,
                concurrency=experiment.concurrency,
                quiet=execute.QUIET,
                **kwargs,
            )
        driver = execute.Driver(
            self.engine,
            job_id,
            experiment.suite,
            self.worker,
            experiment.concurrency,
            allow=self.env.allow,
            ledger=ledger,
            secrets=self.env.secrets,
            shutdown=self.shutdown,
            lanes=self.lanes,
        )
        state = driver.run()
        if state in store.LIVE_STATES and self.shutdown.is_set() and self.app is not None:
            spare(self.app, job_id)  # this worker is leaving: the job waits for another
        log.info("Job %s: %s here.", job_id, "left" if state in store.LIVE_STATES else state)
        return state

    def _ledger(self, owner: str) -> Ledger | None:
        """The owner's daily budgets, as the page holds them (raises ``ValueError`` for a bad budget setting)."""
        caps = limits(secrets=self.env.secrets, signed_in=owner.startswith("user:"))
        if not caps.active:
            return None
        from playground.store.config import server_keys
        from playground.store.store import Store

        keys = server_keys(secrets=self.env.secrets)
        return Ledger(store=Store(engine=self.engine, url=self.url, keys=keys), owner=owner, limits=caps)


def register(app: procrastinate.App, state: WorkerState) -> None:
    """Give ``app`` the ``run_job`` task bound to this process's ``state``."""

    @app.task(name=TASK, queue=QUEUE)
    def run_job(job_id: str) -> str | None:
        return state.run_job(job_id)

    state.app = app


async def retry_stalled(app: procrastinate.App, *, quiet: float) -> int:
    """Put back to "todo" the tasks left "doing" by workers not heard from for ``quiet`` seconds (killed);
    returns how many. One whose spare already waits is ended instead (the spare carries the job on)."""
    manager = app.job_manager
    count = 0
    for job in await manager.get_stalled_jobs(queue=QUEUE, seconds_since_heartbeat=quiet):
        try:
            await manager.retry_job(job)
            count += 1
        except pexc.UniqueViolation:
            await manager.finish_job(job, status=Status.FAILED, delete_job=True)
    return count


def live_jobs(engine: Engine) -> list[str]:
    """Queue jobs still to run (a starting worker leaves a spare for each, so it joins them)."""
    return store.unfinished(engine, backend="queue")


def environment() -> Environment:
    """This process's settings: the environment, then ``.streamlit/secrets.toml`` (as the CLI)."""
    from playground.eval.experiment import load_secrets

    return Environment(dict(os.environ), load_secrets())
