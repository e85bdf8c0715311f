"""Jobs in batch mode (SQLite and PostgreSQL): submitted once from the exact plans, polled, read back into the same
units at the batch price, failed and expired lines as failed units, a 429 on create retried, a stop, the cap."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from decimal import Decimal

import pytest
from batch_loopback import BatchServer
from batch_util import DECLARED, ROWS, drive, enqueue, live_cost
from jobs_util import engine_for, env_for, units

from playground.eval.experiment import Environment
from playground.experiments import template
from playground.facts.catalog import GROK_3_MINI
from playground.jobs import batch, batch_record, reading, spec, store
from playground.jobs.local import LocalJobs
from playground.jobs.units import Unit, unit_key
from playground.jobs.units import take as take_unit
from playground.money.pricing import cost
from playground.store.engine import write_session
from playground.store.job_tables import JobRow
from playground.wire.batch_api import batch_body
from playground.wire.openai_chat import complete_chat
from playground.wire.protocols import build_plan


def test_a_batch_job_is_sent_once_and_read_back_at_the_batch_price(db_url: str) -> None:
    engine = engine_for(db_url)
    with BatchServer(polls=2) as server:
        job_id, suite = enqueue(engine, env_for(f"{server.url}/v1"), repeats=2)
        assert not batch.advance(engine, job_id, suite=suite, env=DECLARED)  # submitted
        record = batch_record.record_of(engine, job_id)
        assert record["phase"] == "running" and len(record["batches"]) == 1
        assert not batch.advance(engine, job_id, suite=suite, env=DECLARED)  # still running: nothing sent again
        assert len(server.batches) == 1 and len(server.files) == 1
        drive(engine, job_id, suite)
        uploaded = server.files["file-1"].decode().splitlines()
    done = units(engine, job_id)
    keys = sorted(unit_key(job_id, u.idx) for u in done)
    assert len(done) == ROWS * 2 * 2 and sorted(server.sent) == keys and set(server.sent.values()) == {1}
    assert sorted(json.loads(x)["custom_id"] for x in uploaded) == keys
    each = live_cost() / 2
    assert {u.state for u in done} == {"done"} and {u.cost for u in done} == {each}
    status = reading.status(engine, job_id)
    assert status.state == "finished" and status.spent == each * len(done) and status.failed == 0
    results = reading.results(engine, job_id)
    assert len(results) == len(done)
    first = results[0]
    assert Decimal(first["cost_usd"]) == each and first["status"] == "complete"
    assert first["output"].startswith("echo: What is the capital of")
    assert batch_record.record_of(engine, job_id)["history"][0]["status"] == "completed"


def test_failed_and_expired_lines_are_failed_units(db_url: str) -> None:
    engine = engine_for(db_url)
    with BatchServer(polls=0) as server:
        job_id, suite = enqueue(engine, env_for(f"{server.url}/v1"))
        server.fail_ids = frozenset({unit_key(job_id, 0)})
        drive(engine, job_id, suite)
    done = {u.idx: u for u in units(engine, job_id)}
    assert done[0].state == "failed" and done[0].cost == 0
    assert "server had an error" in done[0].result["error"]
    assert all(u.state == "done" for i, u in done.items() if i)
    with BatchServer(polls=0, expire_after=2) as server:
        job_id, suite = enqueue(engine, env_for(f"{server.url}/v1"))
        drive(engine, job_id, suite)
    states = [u.state for u in units(engine, job_id)]
    assert states == ["done", "done"] + ["failed"] * (ROWS * 2 - 2)
    expired = units(engine, job_id)[-1].result["error"]
    assert "completion window expired" in expired
    status = reading.status(engine, job_id)
    assert status.state == "finished" and status.failed == ROWS * 2 - 2


def test_a_429_on_create_gives_the_units_back_until_it_may_send(db_url: str) -> None:
    engine = engine_for(db_url)
    with BatchServer(polls=0, create_429=1, retry_after="1") as server:
        job_id, suite = enqueue(engine, env_for(f"{server.url}/v1"))
        assert not batch.advance(engine, job_id, suite=suite, env=DECLARED)
        assert {u.state for u in units(engine, job_id)} == {"pending"} and not server.batches
        assert reading.status(engine, job_id).spent == 0
        time.sleep(1.2)
        drive(engine, job_id, suite)
    assert len(server.batches) == 1 and set(server.sent.values()) == {1}
    assert {u.state for u in units(engine, job_id)} == {"done"}


def test_a_stop_cancels_the_batch_and_keeps_the_units_to_do(db_url: str) -> None:
    engine = engine_for(db_url)
    with BatchServer(polls=5) as server:
        job_id, suite = enqueue(engine, env_for(f"{server.url}/v1"))
        assert not batch.advance(engine, job_id, suite=suite, env=DECLARED)
        assert store.request_stop(engine, job_id, owner="tester")
        drive(engine, job_id, suite)
        cancels = [q for q in server.requests if q.path.endswith("/cancel")]
    assert len(cancels) == 1 and not server.sent
    assert reading.status(engine, job_id).state == "stopped"
    assert {u.state for u in units(engine, job_id)} == {"pending"}
    assert reading.status(engine, job_id).spent == 0


def test_a_stop_after_the_batch_ended_keeps_its_answers(db_url: str) -> None:
    engine = engine_for(db_url)
    with BatchServer(polls=0) as server:
        job_id, suite = enqueue(engine, env_for(f"{server.url}/v1"))
        assert not batch.advance(engine, job_id, suite=suite, env=DECLARED)
        assert store.request_stop(engine, job_id, owner="tester")
        drive(engine, job_id, suite)  # the first look finds it completed: nothing to cancel
        assert not [q for q in server.requests if q.path.endswith("/cancel")]
    status = reading.status(engine, job_id)
    assert status.state == "stopped" and status.done == ROWS * 2 and status.failed == 0
    assert status.spent == live_cost() / 2 * ROWS * 2


def test_the_cap_holds_across_batches(db_url: str) -> None:
    engine = engine_for(db_url)
    with BatchServer(polls=0) as server:
        env = env_for(f"{server.url}/v1")
        _, probe = enqueue(engine, env)
        hold = spec.holds(probe)(0, 0)
        cap = hold * 2 + hold / 2  # room for two units' holds at a time
        job_id, suite = enqueue(engine, env, cap=cap)
        drive(engine, job_id, suite, looks=40)
    status = reading.status(engine, job_id)
    assert status.spent <= cap and status.done >= 2 and len(server.batches) >= 2
    assert all(len(b["_lines"]) <= 2 for b in server.batches.values())


def test_a_provider_without_a_batch_api_fails_the_job_saying_why(db_url: str) -> None:
    engine = engine_for(db_url)
    with BatchServer() as server:
        job_id, suite = enqueue(engine, env_for(f"{server.url}/v1"))
        assert batch.advance(engine, job_id, suite=suite, env={})  # no declaration: the custom URL has none
    status = reading.status(engine, job_id)
    assert (
        status.state == "failed" and "needs a Batch API for every variant" in status.note and not server.requests
    )


def test_the_offline_engine_runs_a_batch_job_on_the_servers_thread_with_no_key(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAYGROUND_OFFLINE_BATCH_DELAY", "0")
    monkeypatch.setattr(batch, "POLL", 0.05)
    engine = engine_for(db_url)
    env = Environment({"PLAYGROUND_PROVIDER": "offline"}, {})
    job_id, suite = enqueue(engine, env, judged=True)  # the judge reads the answers: it asks live
    jobs = LocalJobs(engine, env=env)
    jobs.start(job_id, suite, concurrency=2, owner="tester")
    assert jobs.wait(job_id, 60)
    status = reading.status(engine, job_id)
    assert status.state == "finished" and status.mode == "batch" and status.failed == 0
    for unit in units(engine, job_id):
        variant = suite.variants[unit.variant]
        history = [{"role": "user", "content": template.render(suite.prompt, suite.rows[unit.row])}]
        plan = build_plan(variant.chat_state(history))
        # the engine's chat endpoint, asked the line's body live (no stand-in headers: a batch line has none)
        asked = complete_chat(replace(plan, headers={}, body=batch_body(plan)), config=variant.config)
        live = cost(asked.usage, GROK_3_MINI.price).total
        judged = sum(Decimal(v["cost_usd"]) for v in unit.result["judge"])
        assert unit.result["judge"] and judged > 0
        assert unit.state == "done" and unit.cost == live / 2 + judged and live > 0
        assert Decimal(unit.result["cost_usd"]) == live / 2
    assert batch_record.record_of(engine, job_id)["history"][0]["status"] == "completed"


def test_two_callers_at_once_submit_one_batch(db_url: str) -> None:
    engine = engine_for(db_url)
    with BatchServer(polls=0, upload_seconds=0.5) as server:
        job_id, suite = enqueue(engine, env_for(f"{server.url}/v1"))
        callers = [
            threading.Thread(target=batch.advance, args=(engine, job_id), kwargs={"suite": suite, "env": DECLARED})
            for _ in range(2)
        ]
        for caller in callers:
            caller.start()
        for caller in callers:
            caller.join(30)
        assert len(server.batches) == 1 and len(server.files) == 1
        drive(engine, job_id, suite)
    assert len(server.batches) == 1 and set(server.sent.values()) == {1}
    assert {u.state for u in units(engine, job_id)} == {"done"}


def test_a_held_lease_waits_and_a_cut_off_submission_gives_its_units_back(db_url: str) -> None:
    engine = engine_for(db_url)
    with BatchServer(polls=0) as server:
        job_id, suite = enqueue(engine, env_for(f"{server.url}/v1"))
        store.start(engine, job_id)
        assert batch_record.lease(engine, job_id, "a caller that dies") is not None
        batch_record.write(engine, job_id, {"phase": "submitting", "batches": []})
        hold_of = spec.holds(suite)
        taken = [take_unit(engine, job_id, worker=batch_record.holder(job_id), hold_of=hold_of) for _ in range(2)]
        assert all(isinstance(t, Unit) for t in taken)
        assert not batch.advance(engine, job_id, suite=suite, env=DECLARED)  # the lease is held: nothing happens
        assert not server.requests
        with write_session(engine) as s:  # the caller died: its lease runs out
            job = s.get(JobRow, job_id)
            job.batch = {**job.batch, "lease": {**job.batch["lease"], "until": time.time() - 1}}
        drive(engine, job_id, suite)
    assert len(server.batches) == 1 and len(server.batches["batch_1"]["_lines"]) == ROWS * 2
    assert set(server.sent.values()) == {1} and {u.state for u in units(engine, job_id)} == {"done"}
    assert reading.status(engine, job_id).spent == live_cost() / 2 * ROWS * 2


def test_a_refused_batch_fails_its_units_and_the_key_it_echoed_is_stored_nowhere(db_url: str) -> None:
    engine = engine_for(db_url)
    key = "sk-batch-job-secret-7070"
    with BatchServer(refuse_create=True) as server:
        env = Environment({**env_for(f"{server.url}/v1").env, "PLAYGROUND_API_KEY": key}, {})
        job_id, suite = enqueue(engine, env)
        drive(engine, job_id, suite)
        assert server.requests[-1].headers["Authorization"] == f"Bearer {key}"  # the key was used
    done = units(engine, job_id)
    assert {u.state for u in done} == {"failed"} and all(u.cost == 0 for u in done)
    assert "Batches are not enabled for key [redacted]" in done[0].result["error"]
    stored = json.dumps([u.result for u in done]) + json.dumps(batch_record.record_of(engine, job_id))
    assert key not in stored
    status = reading.status(engine, job_id)
    assert status.state == "finished" and status.failed == ROWS * 2 and status.spent == 0
