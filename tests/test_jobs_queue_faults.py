"""Jobs on PostgreSQL with real worker processes when things go wrong: a worker killed mid-run, two workers
racing for the cap, a 429 storm, a graceful stop, and a worker without the provider's key."""

from __future__ import annotations

import os
import signal
import time
from decimal import Decimal
from pathlib import Path

import pytest
from eval_loopback import CapitalsServer, Storm
from jobs_util import engine_for, enqueue, env_for, keys_sent, units
from queue_workers import Paced, ended, experiment, prepare, start_worker, until
from sqlalchemy import select, text

from playground.jobs import launch, reading
from playground.jobs.queue import NO_KEY_HERE, close_apps
from playground.jobs.units import unit_key
from playground.store.engine import read_session
from playground.store.job_tables import RateLimitRow


@pytest.fixture(autouse=True, scope="module")
def _close_deferring_pools():
    """The pools ``launch`` opened in this process to defer tasks: closed after the module's tests."""
    yield
    close_apps()


# max_tokens above what CapitalsServer answers (60 tokens + 1,340 reasoning): a unit's hold covers its cost
LONG = 2000


def _both_working(engine, workers) -> None:  # noqa: ANN001
    until(lambda: launch.workers_alive(engine) == len(workers), workers=workers, timeout=60, what="the workers")


def _tasks_left(engine) -> int:  # noqa: ANN001 - procrastinate tasks waiting or running
    with engine.connect() as conn:
        return conn.scalar(text("SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"))


def _held_by(engine, job_id: str, pid: int) -> set[str]:  # noqa: ANN001
    return {
        unit_key(job_id, u.idx)
        for u in units(engine, job_id)
        if u.state == "running" and u.worker and f":{pid}:" in u.worker
    }


def test_a_killed_worker_only_costs_the_requests_it_had_in_flight(postgres, tmp_path: Path) -> None:
    url = postgres.new_database()
    engine = prepare(engine_for(url))
    with Paced(delay=0.03) as server:
        job_id, _ = enqueue(
            engine, experiment(max_tokens=LONG, concurrency=16), env_for(server.url), backend="queue", repeats=10
        )
        workers = [start_worker(url, server.url, log_dir=tmp_path, name=f"worker-{n}", jobs=1) for n in range(2)]
        try:
            _both_working(engine, workers)
            launch.launch(engine, job_id, copies=2)
            doomed = workers[0]
            until(
                lambda: reading.status(engine, job_id).done >= 60 and _held_by(engine, job_id, doomed.proc.pid),
                workers=workers,
                timeout=60,
                what="the first worker to hold units",
            )
            os.killpg(doomed.proc.pid, signal.SIGKILL)
            doomed.proc.wait(10)
            held = _held_by(engine, job_id, doomed.proc.pid)  # it cannot change now: its owner is dead
            status = ended(engine, job_id, workers=workers, timeout=180)
            # the task the killed worker left "doing" is retried by the live one, and ends: nothing is left waiting
            until(lambda: _tasks_left(engine) == 0, workers=workers, timeout=60, what="the stalled task")
        finally:
            for w in workers:
                w.stop()
        sent = keys_sent(r.headers for r in server.requests)
    done = units(engine, job_id)
    assert status.state == "finished" and status.done == status.total == 400 and status.failed == 0
    assert set(sent) == {unit_key(job_id, u.idx) for u in done}
    twice = {key for key, count in sent.items() if count > 1}
    assert held and twice <= held  # only what the killed worker had in flight went out again
    assert max(sent.values()) <= 2
    assert status.spent == sum((u.cost for u in done), Decimal(0)) and status.spent > 0


def test_the_cap_holds_with_two_workers_racing(postgres, tmp_path: Path) -> None:
    url = postgres.new_database()
    engine = prepare(engine_for(url))
    cap = Decimal("0.02")
    with Paced(delay=0.1) as server:  # a unit takes ~0.3 s: the job outlasts the second worker's start
        job_id, _ = enqueue(
            engine,
            experiment(max_tokens=LONG, concurrency=16),
            env_for(server.url),
            backend="queue",
            cap=cap,
            repeats=10,
        )
        # one job at a time each, so the second copy goes to the other worker (not back to the first); 4 lanes
        # each hold about $0.004, so neither worker alone can take the whole cap before the other has started
        workers = [
            start_worker(url, server.url, log_dir=tmp_path, name=f"worker-{n}", jobs=1, concurrency=4)
            for n in range(2)
        ]
        try:
            _both_working(engine, workers)
            launch.launch(engine, job_id, copies=2)
            status = ended(engine, job_id, workers=workers, timeout=120)
        finally:
            for w in workers:
                w.stop()
    done = [u for u in units(engine, job_id) if u.state == "done"]
    assert status.state == "capped" and 0 < status.done < status.total and "cap" in status.note
    assert status.spent <= cap
    assert status.spent == sum((u.cost for u in done), Decimal(0))
    assert len({u.worker for u in done}) == 2  # both raced for the same cap


def test_a_429_storm_slows_every_worker_and_the_job_finishes_without_a_failed_unit(
    postgres, tmp_path: Path
) -> None:
    url = postgres.new_database()
    engine = prepare(engine_for(url))
    with Storm(refusals=30) as server:
        job_id, _ = enqueue(
            engine, experiment(max_tokens=LONG, concurrency=8), env_for(server.url), backend="queue"
        )
        workers = [start_worker(url, server.url, log_dir=tmp_path, name=f"worker-{n}", jobs=1) for n in range(2)]
        lowest = 8
        try:
            _both_working(engine, workers)
            started = time.monotonic()
            launch.launch(engine, job_id, copies=2)
            while reading.status(engine, job_id).live:
                with read_session(engine) as s:
                    lowest = min([lowest, *s.scalars(select(RateLimitRow.limit))])
                assert time.monotonic() - started < 120, "the job did not end"
                time.sleep(0.05)
            took = time.monotonic() - started
        finally:
            for w in workers:
                w.stop()
    status = reading.status(engine, job_id)
    assert server.refused == 30
    assert status.state == "finished" and status.failed == 0 and status.done == 40
    assert lowest < 8  # the shared limit came down
    assert took >= 1.0  # Retry-After was honoured


def test_a_stopped_worker_gives_its_units_back_and_the_next_one_finishes_the_job(postgres, tmp_path: Path) -> None:
    url = postgres.new_database()
    engine = prepare(engine_for(url))
    with Paced(delay=0.05) as server:
        job_id, _ = enqueue(
            engine, experiment(max_tokens=LONG, concurrency=8), env_for(server.url), backend="queue", repeats=2
        )
        first = start_worker(url, server.url, log_dir=tmp_path, name="first")
        second = None
        try:
            launch.launch(engine, job_id, copies=1)
            until(lambda: reading.status(engine, job_id).done >= 10, workers=[first], timeout=60, what="progress")
            first.proc.send_signal(signal.SIGTERM)
            assert first.proc.wait(60) == 0
            between = reading.status(engine, job_id)
            assert between.state == "running" and between.running == 0 and between.done < between.total
            assert {u.state for u in units(engine, job_id)} == {"done", "pending"}
            second = start_worker(url, server.url, log_dir=tmp_path, name="second")
            status = ended(engine, job_id, workers=[first, second], timeout=120)
        finally:
            first.stop()
            if second is not None:
                second.stop()
    assert status.state == "finished" and status.done == status.total == 80 and status.failed == 0


def test_a_worker_without_the_providers_key_fails_the_job_with_a_note(postgres, tmp_path: Path) -> None:
    url = postgres.new_database()
    engine = prepare(engine_for(url))
    with CapitalsServer() as server:
        job_id, _ = enqueue(engine, experiment(max_tokens=LONG), env_for(server.url), backend="queue")
        extra = {"PLAYGROUND_PROVIDER": "xai", "PLAYGROUND_BASE_URL": None}
        worker = start_worker(url, server.url, log_dir=tmp_path, name="keyless", extra=extra)
        try:
            launch.launch(engine, job_id, copies=1)
            status = ended(engine, job_id, workers=[worker], timeout=60)
        finally:
            worker.stop()
        assert not server.requests  # nothing answered on the offline engine or sent anywhere
    assert status.state == "failed" and status.done == 0
    assert status.note == NO_KEY_HERE.format(provider="xai (XAI_API_KEY)")


def test_a_worker_holds_every_unit_against_the_daily_budget(postgres, tmp_path: Path) -> None:
    url = postgres.new_database()
    engine = prepare(engine_for(url))
    budget = Decimal("0.005")
    with CapitalsServer() as server:
        job_id, _ = enqueue(
            engine, experiment(max_tokens=LONG, concurrency=4), env_for(server.url), backend="queue"
        )
        extra = {"PLAYGROUND_DAILY_BUDGET_USD": str(budget)}  # set where the worker runs, as for the app
        worker = start_worker(url, server.url, log_dir=tmp_path, name="budget", extra=extra)
        try:
            launch.launch(engine, job_id, copies=1)
            status = ended(engine, job_id, workers=[worker], timeout=60)
        finally:
            worker.stop()
        answered = len(server.requests)
    done = [u for u in units(engine, job_id) if u.state == "done"]
    refused = [u for u in units(engine, job_id) if u.state == "failed"]
    assert status.state == "finished" and done and refused and len(done) + len(refused) == 40
    assert answered == len(done)  # a refused unit was never sent
    assert sum((u.cost for u in done), Decimal(0)) <= budget
    assert status.failed == len(refused) and status.note == ""  # refusals are the units' results, the job goes on
    assert all(u.result["error"].startswith("Not sent:") and "budget" in u.result["error"] for u in refused)
