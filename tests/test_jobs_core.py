"""Jobs in the database on the app server's threads (SQLite and PostgreSQL): every unit once, spend equal to the
sum of unit costs, a stop from anywhere, the cap, a resume after the process ends, and a 429 storm."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from browser_servers import start_offline_server
from eval_loopback import CapitalsServer, Storm
from jobs_util import engine_for, enqueue, env_for, example, keys_sent, units

from playground.jobs import reading, store
from playground.jobs.limits import limit_of, scope_of
from playground.jobs.local import NO_KEY_AFTER_RESTART, LocalJobs
from playground.jobs.units import unit_key


@pytest.fixture(scope="module")
def offline():
    server = start_offline_server(pace=0.0)
    yield server
    server.stop()


def test_a_job_runs_every_unit_once_and_spends_the_sum_of_its_units(db_url: str) -> None:
    engine = engine_for(db_url)
    with CapitalsServer() as server:
        env = env_for(server.url)
        job_id, experiment = enqueue(engine, example(), env, repeats=2)
        jobs = LocalJobs(engine, env=env)
        jobs.start(job_id, experiment.suite, concurrency=4, owner="tester")
        assert jobs.wait(job_id, 60)
        sent = keys_sent(r.headers for r in server.requests)
    status = reading.status(engine, job_id)
    assert status is not None and status.state == "finished"
    assert status.total == status.done == 20 * 2 * 2 and status.failed == 0
    done = units(engine, job_id)
    assert {u.state for u in done} == {"done"}
    assert sorted(sent) == sorted(unit_key(job_id, u.idx) for u in done)
    assert set(sent.values()) == {1}  # every unit sent exactly once
    assert status.spent == sum((u.cost for u in done), Decimal(0)) and status.spent > 0
    assert len(reading.results(engine, job_id)) == 80
    assert reading.status(engine, job_id, owner="someone else") is None


def test_a_stop_from_another_session_ends_the_job_and_keeps_what_finished(offline, db_url: str) -> None:
    engine = engine_for(db_url)
    slow = start_offline_server(pace=0.02)
    try:
        env = env_for(slow.url)
        job_id, experiment = enqueue(engine, example(), env, repeats=3)
        jobs = LocalJobs(engine, env=env)
        jobs.start(job_id, experiment.suite, concurrency=2, owner="tester")
        _until(lambda: reading.status(engine, job_id).done >= 2)
        assert not store.request_stop(engine, job_id, owner="someone else")
        assert store.request_stop(engine, job_id, owner="tester")
        assert jobs.wait(job_id, 30)
    finally:
        slow.stop()
    status = reading.status(engine, job_id)
    assert status.state == "stopped" and 2 <= status.done < status.total and status.running == 0
    states = [u.state for u in units(engine, job_id)]
    assert states.count("done") == status.done and "running" not in states
    assert len(reading.results(engine, job_id)) == status.done


def test_the_cap_holds_and_says_so(db_url: str) -> None:
    engine = engine_for(db_url)
    with CapitalsServer() as server:
        env = env_for(server.url)
        cap = Decimal("0.004")
        job_id, experiment = enqueue(engine, example(), env, repeats=3, cap=cap)
        jobs = LocalJobs(engine, env=env)
        jobs.start(job_id, experiment.suite, concurrency=4, owner="tester")
        assert jobs.wait(job_id, 60)
    status = reading.status(engine, job_id)
    assert status.state == "capped" and 0 < status.done < status.total
    assert status.spent <= cap
    assert "cap" in status.note


def test_a_restarted_server_resumes_from_what_was_committed(db_url: str) -> None:
    engine = engine_for(db_url)
    slow = start_offline_server(pace=0.002)
    try:
        env = env_for(slow.url)
        job_id, _experiment = enqueue(engine, example(concurrency=8), env, repeats=2)
        first = LocalJobs(engine, env=env)
        assert first.resume() == [job_id]
        _until(lambda: reading.status(engine, job_id).done >= 5)
        first.close()  # the server goes away mid-run
        before = reading.status(engine, job_id)
        assert before.state == "running" and before.done < before.total
        second = LocalJobs(engine, env=env)
        assert second.resume() == [job_id]
        assert second.wait(job_id, 90)
    finally:
        slow.stop()
    status = reading.status(engine, job_id)
    assert status.state == "finished" and status.done == status.total == 80
    assert len(reading.results(engine, job_id)) == 80


def test_a_job_whose_key_was_typed_in_the_browser_is_not_resumed_on_the_offline_engine(db_url: str) -> None:
    engine = engine_for(db_url)
    with CapitalsServer() as server:
        job_id, _ = enqueue(engine, example(), env_for(server.url))
    xai = env_for("unused")
    xai.env.clear()
    xai.env.update({"PLAYGROUND_PROVIDER": "xai"})  # no XAI_API_KEY here
    assert LocalJobs(engine, env=xai).resume() == []
    status = reading.status(engine, job_id)
    assert status.state == "failed" and status.note == NO_KEY_AFTER_RESTART


def test_a_429_storm_slows_the_job_and_it_finishes_without_a_failed_unit(db_url: str) -> None:
    engine = engine_for(db_url)
    with Storm(refusals=30) as server:
        env = env_for(server.url)
        job_id, experiment = enqueue(engine, example(), env)
        jobs = LocalJobs(engine, env=env)
        started = time.monotonic()
        jobs.start(job_id, experiment.suite, concurrency=8, owner="tester")
        scope = scope_of(experiment.suite.variants[0].config)
        lowest = [8]

        def watch() -> None:
            while jobs.running_here(job_id):
                lowest[0] = min(lowest[0], limit_of(engine, scope) or 8)
                time.sleep(0.05)

        watcher = threading.Thread(target=watch)
        watcher.start()
        assert jobs.wait(job_id, 120)
        watcher.join()
    status = reading.status(engine, job_id)
    assert server.refused == 30
    assert status.state == "finished" and status.failed == 0 and status.done == 40
    assert lowest[0] < 8  # the shared limit came down
    assert time.monotonic() - started >= 1.0  # Retry-After was honoured


def _until(check, timeout: float = 30.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
