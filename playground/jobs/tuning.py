"""A tuning run as a job: the autotuner's rounds are units added to the job, run by this process's lanes (and any
worker that joins), and read back from what was committed.

The search is deterministic given what it observed (its row order is seeded), so a coordinator that restarts
replays it from the beginning: every round it already ran finds its units committed and sends nothing again; the
first unfinished round goes on from its pending units. The cap is the job's, reserved unit by unit in the database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy import func as sqlfunc

from playground.eval import runner as r
from playground.eval.tune_json import from_json, to_json
from playground.eval.tuner import Observation, Tuner, TuneResult
from playground.experiments.budget import Budget
from playground.money.budget import Ledger
from playground.money.pricing import ZERO
from playground.store.engine import read_session, write_session
from playground.store.job_tables import JobRow, JobUnitRow, JobWorkerRow

from . import reading, store
from .execute import Driver


def add_units(engine: Engine, job_id: str, cells: Sequence[tuple[int, int, int]]) -> None:
    """Add the (row, variant, repeat) units the job does not have yet (a tuning round; a replayed round adds
    nothing), raising its total."""
    with write_session(engine) as s:
        query = select(JobUnitRow.row, JobUnitRow.variant, JobUnitRow.repeat).where(JobUnitRow.job_id == job_id)
        have = set(s.execute(query).all())
        new = [c for c in dict.fromkeys(cells) if tuple(c) not in have]
        if not new:
            return
        start = s.scalar(
            select(sqlfunc.coalesce(sqlfunc.max(JobUnitRow.idx) + 1, 0)).where(JobUnitRow.job_id == job_id)
        )
        rows = [
            {
                "job_id": job_id,
                "idx": start + i,
                "row": r,
                "variant": v,
                "repeat": k,
                "state": "pending",
                "tries": 0,
            }
            for i, (r, v, k) in enumerate(new)
        ]
        s.execute(insert(JobUnitRow), rows)
        s.execute(update(JobRow).where(JobRow.id == job_id).values(total=JobRow.total + len(new)))


def conclude(engine: Engine, job_id: str, *, outcome: Mapping[str, Any], state: str = "finished") -> None:
    """End a tuning job with its result (unless it was stopped meanwhile: then it is stopped, result kept)."""
    with write_session(engine) as s:
        job = s.get(JobRow, job_id)
        if job is None:
            return
        job.outcome = dict(outcome)
        job.state = {"stopping": "stopped", "stopped": "stopped", "capped": "capped"}.get(job.state, state)
        job.finished_at = store.now()


class JobEvaluator:
    """The tuner's ``Evaluator`` over a job: ``run`` adds a round's units, drives them, reads their verdicts."""

    def __init__(
        self,
        engine: Engine,
        job_id: str,
        suite: r.Suite,
        *,
        repeats: int,
        cap: Decimal | None,
        drive: Callable[[], None],
    ) -> None:
        self.engine, self.job_id, self.suite, self.repeats, self.drive = engine, job_id, suite, repeats, drive
        self.budget = Budget(cap)
        self._high: dict[tuple[int, int], Decimal] = {}

    def high(self, arm: int, row: int) -> Decimal:
        if (arm, row) not in self._high:
            planned = r.plan(self.suite, [(row, arm)], self.repeats)
            self._high[arm, row] = sum((job.high for job in planned), ZERO)
        return self._high[arm, row]

    def run(self, cells: Sequence[tuple[int, int]]) -> list[Observation]:
        add_units(self.engine, self.job_id, [(row, arm, k) for arm, row in cells for k in range(self.repeats)])
        self.drive()
        found = _verdicts(self.engine, self.job_id)
        status = reading.status(self.engine, self.job_id)
        self.budget.spent = status.spent if status is not None else self.budget.spent
        out = []
        for arm, row in cells:
            mine = [found.get((row, arm, k)) for k in range(self.repeats)]
            if all(m is not None for m in mine):
                cost = sum((m[1] for m in mine), ZERO)  # type: ignore[index]
                seconds = tuple(m[2] for m in mine if m[2] is not None)  # type: ignore[index]
                out.append(Observation(arm, row, tuple(m[0] for m in mine), cost, seconds))  # type: ignore[index]
        return out


def _verdicts(engine: Engine, job_id: str) -> dict[tuple[int, int, int], tuple[bool, Decimal, float | None]]:
    """(row, variant, repeat) → (passed, cost, seconds) of every finished unit."""
    with read_session(engine) as s:
        query = select(JobUnitRow).where(JobUnitRow.job_id == job_id, JobUnitRow.state.in_(("done", "failed")))
        return {
            (u.row, u.variant, u.repeat): (bool((u.result or {}).get("passed")), u.cost or ZERO, u.seconds)
            for u in s.scalars(query)
        }


def run_tune(
    engine: Engine,
    job_id: str,
    suite: r.Suite,
    *,
    worker: str,
    concurrency: int,
    allow: Callable[[str], bool] | None = None,
    ledger: Ledger | None = None,
    shutdown: threading.Event | None = None,
    summarize: Callable[[TuneResult], Mapping[str, Any]] | None = None,
    lanes: int | None = None,
) -> TuneResult | None:
    """Coordinate the search (replaying what was committed) until it ends; None when stopped or shut down."""
    found = reading.document(engine, job_id)
    status = reading.status(engine, job_id)
    if found is None or status is None:
        return None
    doc, repeats = found
    shutdown = shutdown or threading.Event()
    store.start(engine, job_id)

    def drive() -> None:
        Driver(
            engine,
            job_id,
            suite,
            worker,
            concurrency,
            allow=allow,
            ledger=ledger,
            shutdown=shutdown,
            round_only=True,
            lanes=lanes,
        ).run()

    evaluator = JobEvaluator(engine, job_id, suite, repeats=repeats, cap=status.cap, drive=drive)
    tuner = Tuner([v.label for v in suite.variants], evaluator, rows=len(suite.rows), seed=int(doc.get("seed", 0)))
    result = tuner.run()
    if shutdown.is_set():  # this process is going away: the job stays unfinished, for a resume
        return None
    outcome = summarize(result) if summarize is not None else to_json(result)
    conclude(engine, job_id, outcome=outcome)
    return result


def enqueue_tune(
    engine: Engine,
    *,
    owner: str,
    doc: Mapping[str, Any],
    repeats: int,
    concurrency: int,
    cap: Decimal | None,
    backend: str,
    title: str = "",
) -> str:
    """A tuning job over ``doc``'s variants (the search space's settings); its units come round by round."""
    return store.create(
        engine,
        owner=owner,
        title=title or f"Tuning: {doc.get('name') or 'test set'}",
        doc=doc,
        units=[],
        repeats=repeats,
        concurrency=concurrency,
        cap=cap,
        backend=backend,
        kind="tune",
    )


def outcome(engine: Engine, job_id: str) -> TuneResult | None:
    """A finished tuning job's result, as its coordinator found it (None while it runs)."""
    with read_session(engine) as s:
        doc = s.scalar(select(JobRow.outcome).where(JobRow.id == job_id))
    return None if not doc or "points" not in doc else from_json(doc)


def lead(engine: Engine, job_id: str, *, worker: str, quiet: float) -> bool:
    """Become the tuning's coordinator: when it has none, it is already this worker, or its worker went quiet."""
    since = store.now() - timedelta(seconds=quiet)
    with write_session(engine) as s:
        alive = select(JobWorkerRow.id).where(JobWorkerRow.seen_at >= since)
        free = JobRow.leader.is_(None) | (JobRow.leader == worker) | JobRow.leader.not_in(alive)
        query = update(JobRow).where(JobRow.id == job_id, JobRow.state.in_(store.LIVE_STATES), free)
        return bool(s.execute(query.values(leader=worker)).rowcount)


def leader_gone(engine: Engine, job_id: str, *, quiet: float) -> bool:
    """The coordinator went quiet (or there is none): a helping worker should try to take its place."""
    since = store.now() - timedelta(seconds=quiet)
    with read_session(engine) as s:
        leader = s.scalar(select(JobRow.leader).where(JobRow.id == job_id))
        if leader is None:
            return True
        seen = s.scalar(select(JobWorkerRow.seen_at).where(JobWorkerRow.id == leader))
        return seen is None or store.aware(seen) < since


def work_on_tuning(
    engine: Engine, job_id: str, suite: r.Suite, *, worker: str, concurrency: int, quiet: float, **kwargs: Any
) -> str | None:
    """A worker's part in a tuning job: the search when it can lead, else a helper on each round's units until
    the coordinator goes quiet (then it tries to lead: the search replays from what was committed)."""
    shutdown: threading.Event = kwargs.get("shutdown") or threading.Event()
    while not shutdown.is_set() and store.state_of(engine, job_id) in store.LIVE_STATES:
        if lead(engine, job_id, worker=worker, quiet=quiet):
            run_tune(engine, job_id, suite, worker=worker, concurrency=concurrency, **kwargs)
            break
        Driver(
            engine,
            job_id,
            suite,
            worker,
            concurrency,
            allow=kwargs.get("allow"),
            ledger=kwargs.get("ledger"),
            shutdown=shutdown,
            lanes=kwargs.get("lanes"),
            leave_when=lambda: leader_gone(engine, job_id, quiet=quiet),
        ).run()
    return store.state_of(engine, job_id)
