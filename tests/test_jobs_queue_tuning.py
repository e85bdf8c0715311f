"""A tuning job on the PostgreSQL queue with two real workers: one leads the search, the other helps with each
round's units; when the leader is killed (``kill -9``) the other takes over, replays the search from what was
committed and finishes it, with nothing finished sent again."""

from __future__ import annotations

import os
import signal
from decimal import Decimal
from pathlib import Path

from eval_loopback import CapitalsServer
from jobs_util import engine_for, env_for, example, keys_sent, units
from queue_workers import ended, prepare, start_worker, until
from sqlalchemy import select

from playground.eval.export import export_doc
from playground.eval.tune_cli import settings
from playground.jobs import launch, reading, spec
from playground.jobs.tuning import enqueue_tune, outcome
from playground.store.engine import read_session
from playground.store.job_tables import JobRow


def tune_job(engine, env, *, cap: str) -> str:  # noqa: ANN001
    base = spec.read(example(), env=env)
    space = {"reasoning_effort": ["low", "high"], "temperature": [0, 0.7, 1.4]}
    doc = export_doc(
        example(concurrency=4), variants=settings(base.suite.variants[0], space), repeats=1, cap=Decimal(cap)
    )
    return enqueue_tune(
        engine, owner="tester", doc=doc, repeats=1, concurrency=4, cap=Decimal(cap), backend="queue"
    )


def leader(engine, job_id: str) -> str | None:  # noqa: ANN001
    with read_session(engine) as s:
        return s.scalar(select(JobRow.leader).where(JobRow.id == job_id))


def test_a_killed_leader_is_replaced_and_the_tuning_finishes(postgres, tmp_path: Path) -> None:
    url = postgres.new_database()
    engine = prepare(engine_for(url))
    with CapitalsServer(seed=11, delay=0.05) as server:  # paced: the search outlasts the kill below
        job_id = tune_job(engine, env_for(server.url), cap="0.08")
        workers = [
            start_worker(url, server.url, log_dir=tmp_path, name=f"worker-{n}", concurrency=4, jobs=1)
            for n in range(2)
        ]
        try:
            assert launch.launch(engine, job_id) == "queue"
            started = lambda: leader(engine, job_id) is not None and reading.status(engine, job_id).done >= 2  # noqa: E731
            until(started, workers=workers, timeout=120, what="the search to start")
            first = leader(engine, job_id)
            assert first is not None and reading.status(engine, job_id).live  # killed mid-search
            pid = int(first.split(":")[1])
            killed = next(w for w in workers if w.proc.pid == pid)
            held = {u.idx for u in units(engine, job_id) if u.state == "running" and u.worker == first}
            os.kill(pid, signal.SIGKILL)
            killed.proc.wait(10)
            assert reading.status(engine, job_id).live, "the leader finished the search before it was killed"
            held |= {u.idx for u in units(engine, job_id) if u.state == "running" and u.worker == first}
            status = ended(engine, job_id, workers=workers, timeout=180)
            second = leader(engine, job_id)
        finally:
            for w in workers:
                w.stop()
        sent = keys_sent(r.headers for r in server.requests)
    assert status.state == "finished", status.note
    assert second is not None and second != first  # the other worker took the lead
    result = outcome(engine, job_id)
    assert result is not None and result.recommended is not None and len(result.points) == 6
    done = units(engine, job_id)
    assert {u.state for u in done} == {"done"} and len(sent) == len(done)
    twice = {k for k, n in sent.items() if n > 1}
    assert twice <= {f"{job_id}-{i}" for i in held}  # only what the killed worker had in flight went again
    assert status.spent == sum((u.cost for u in done), Decimal(0))
    assert status.spent <= Decimal("0.08")
