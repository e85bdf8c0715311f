"""Jobs on PostgreSQL through procrastinate, run by real ``python -m playground.worker`` processes: where a job
runs, the queue's tables, and a 2,000-unit job shared by two workers with every unit sent once."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from browser_servers import ROOT, server_env, start_offline_server
from jobs_util import engine_for, enqueue, env_for, units
from queue_workers import ended, experiment, prepare, start_worker
from sqlalchemy import inspect

from playground.jobs import launch, reading
from playground.jobs.local import LocalJobs
from playground.jobs.queue import close_apps, conninfo, ensure_schema
from playground.store.store import Store


@pytest.fixture(autouse=True, scope="module")
def _close_deferring_pools():
    """The pools ``launch`` opened in this process to defer tasks: closed after the module's tests."""
    yield
    close_apps()


@pytest.fixture(scope="module")
def offline():
    server = start_offline_server(pace=0.0)
    yield server
    server.stop()


def test_a_job_goes_to_the_queue_on_postgresql_and_to_the_servers_threads_otherwise(postgres, tmp_path) -> None:
    pg = engine_for(postgres.new_database())
    sqlite = engine_for(f"sqlite:///{tmp_path / 'p.db'}")
    assert launch.backend_for(pg, env={}) == "queue"
    assert launch.backend_for(pg, env={"PLAYGROUND_JOBS": "threads"}) == "thread"
    assert launch.backend_for(pg, browser_key=True, env={}) == "thread"  # the key lives in this process only
    assert launch.backend_for(sqlite, env={}) == "thread"
    assert conninfo("postgresql+psycopg://u:p@h:5/db") == "postgresql://u:p@h:5/db"


def test_the_queue_tables_are_created_once_when_processes_open_the_store_together(postgres) -> None:
    url = postgres.new_database()
    engines = [engine_for(url) for _ in range(4)]
    created: list[bool] = []
    threads = [threading.Thread(target=lambda e=e: created.append(ensure_schema(e))) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(created) == [False, False, False, True]
    assert {"procrastinate_jobs", "procrastinate_workers", "jobs"} <= set(inspect(engines[0]).get_table_names())
    fresh = postgres.new_database()
    store = Store.open(url=fresh)
    assert store is not None and "procrastinate_jobs" in inspect(store.engine).get_table_names()


def test_a_job_on_sqlite_is_launched_on_the_servers_threads(offline, tmp_path: Path) -> None:
    engine = engine_for(f"sqlite:///{tmp_path / 'p.db'}")
    env = env_for(offline.url)
    job_id, _ = enqueue(engine, experiment(), env, backend=launch.backend_for(engine, env={}))
    local = LocalJobs(engine, env=env)
    assert launch.launch(engine, job_id, local=local) == "thread"  # the suite rebuilt from the stored document
    assert local.wait(job_id, 60)
    assert reading.status(engine, job_id).state == "finished"


def test_the_worker_needs_postgresql() -> None:
    env = server_env({"PLAYGROUND_DATABASE_URL": "sqlite:///unused.db"})
    done = subprocess.run(
        [sys.executable, "-m", "playground.worker"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "The worker needs PostgreSQL" in done.stderr and "Traceback" not in done.stderr


def test_two_workers_share_a_2000_unit_job_and_every_unit_is_sent_once(postgres, offline, tmp_path: Path) -> None:
    url = postgres.new_database()
    engine = prepare(engine_for(url))
    job_id, _ = enqueue(engine, experiment(rows=1000, concurrency=16), env_for(offline.url), backend="queue")
    # one job at a time each, so the second copy goes to the other worker (not back to the busy first)
    workers = [start_worker(url, offline.url, log_dir=tmp_path, name=f"worker-{n}", jobs=1) for n in range(2)]
    try:
        assert launch.launch(engine, job_id) == "queue"
        status = ended(engine, job_id, workers=workers, timeout=240)
    finally:
        for w in workers:
            w.stop()
    assert status.state == "finished" and status.done == status.total == 2000 and status.failed == 0
    done = units(engine, job_id)
    assert {u.state for u in done} == {"done"}
    assert {u.tries for u in done} == {1}  # each unit taken, so sent, once
    assert len({u.worker for u in done}) == 2  # both workers took a share
    assert len(reading.results(engine, job_id)) == 2000
    assert all(w.proc.returncode == 0 for w in workers)  # SIGTERM: a clean stop
