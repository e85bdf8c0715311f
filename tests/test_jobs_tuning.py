"""A tuning run as a job: rounds added as units, the cap held, the result stored, and a restarted coordinator
replaying the search from what was committed without sending a finished unit again."""

from __future__ import annotations

import json
import time
from decimal import Decimal

from browser_servers import ROOT
from eval_loopback import CapitalsServer
from jobs_util import engine_for, env_for, example, keys_sent, units

from playground.eval.export import export_doc
from playground.eval.tune_cli import settings
from playground.jobs import reading, spec
from playground.jobs.local import LocalJobs
from playground.jobs.tuning import enqueue_tune, outcome

SPACE = json.loads((ROOT / "examples" / "space.json").read_text())


def tune_job(engine, env, *, cap: str) -> tuple[str, object]:  # noqa: ANN001
    base = spec.read(example(), env=env)
    variants = settings(base.suite.variants[0], {"reasoning_effort": ["low", "high"], "temperature": [0, 1.4]})
    doc = export_doc(example(), variants=variants, repeats=1, cap=Decimal(cap))
    experiment = spec.read(doc, env=env)
    job_id = enqueue_tune(
        engine, owner="tester", doc=doc, repeats=1, concurrency=4, cap=Decimal(cap), backend="thread"
    )
    return job_id, experiment


def test_a_tuning_job_runs_its_rounds_as_units_under_the_cap_and_keeps_its_result(db_url: str) -> None:
    engine = engine_for(db_url)
    with CapitalsServer(seed=3) as server:
        env = env_for(server.url)
        job_id, experiment = tune_job(engine, env, cap="0.05")
        jobs = LocalJobs(engine, env=env)
        jobs.start(job_id, experiment.suite, concurrency=4, owner="tester")
        assert jobs.wait(job_id, 120)
        sent = keys_sent(r.headers for r in server.requests)
    status = reading.status(engine, job_id)
    assert status.state == "finished" and status.kind == "tune"
    done = units(engine, job_id)
    assert status.total == len(done) == status.done > 0
    assert status.spent <= Decimal("0.05")
    assert set(sent.values()) == {1} and len(sent) == len(done)
    result = outcome(engine, job_id)  # what any session draws later, read back from the job
    assert result is not None and result.state in ("separated", "rows", "cap")
    assert [p.label for p in result.points] == [v.label for v in experiment.suite.variants]
    assert result.recommended is not None and result.spent == status.spent
    assert sum(p.pass_rate.rows for p in result.points) > 0
    assert {u.variant for u in done} == {0, 1, 2, 3}  # every setting answered the first round


def test_a_restarted_coordinator_replays_the_search_and_sends_nothing_twice(db_url: str) -> None:
    engine = engine_for(db_url)
    with CapitalsServer(seed=5) as server:
        env = env_for(server.url)
        job_id, experiment = tune_job(engine, env, cap="0.05")
        first = LocalJobs(engine, env=env)
        first.start(job_id, experiment.suite, concurrency=2, owner="tester")
        deadline = time.monotonic() + 60
        while reading.status(engine, job_id).done < 6:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        first.close()
        assert reading.status(engine, job_id).state == "running"
        second = LocalJobs(engine, env=env)
        assert second.resume() == [job_id]
        assert second.wait(job_id, 120)
        sent = keys_sent(r.headers for r in server.requests)
    status = reading.status(engine, job_id)
    assert status.state == "finished"
    done = units(engine, job_id)
    assert {u.state for u in done} == {"done"}
    assert len(sent) == len(done)
    twice = [k for k, n in sent.items() if n > 1]
    assert len(twice) <= 2  # at most the requests in flight when the first coordinator went away
