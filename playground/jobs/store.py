"""A job's life in the job tables, each step its own short transaction: create, start, workers' heartbeats,
reclaim a quiet worker's units, settle, stop, fail, read. A unit's own bookkeeping (take, commit, give back) is in
``units.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, insert, literal, select, update
from sqlalchemy.orm import Session

from playground.store.engine import read_session, write_session
from playground.store.job_tables import JobRow, JobUnitRow, JobWorkerRow
from playground.store.money import Money

ZERO = Decimal(0)
LIVE_STATES = ("queued", "running", "stopping")
ENDED_STATES = ("stopped", "finished", "capped", "failed")


def now() -> datetime:
    return datetime.now(UTC)


def usd(amount: Decimal) -> Any:
    """``amount`` bound as money (picodollars): arithmetic between Money columns loses the column type, so a bare
    Decimal added to ``spent + reserved`` would be bound as an integer count of dollars."""
    return literal(amount, Money())


def create(
    engine: Engine,
    *,
    owner: str,
    title: str,
    doc: Mapping[str, Any],
    units: Sequence[tuple[int, int, int]],
    repeats: int,
    concurrency: int,
    cap: Decimal | None,
    backend: str,
    kind: str = "run",
    mode: str = "live",
    experiment_id: str | None = None,
) -> str:
    """A queued job with one pending unit per (row, variant, repeat); returns its id."""
    job_id = uuid.uuid4().hex
    with write_session(engine) as s:
        s.add(
            JobRow(
                id=job_id,
                owner=owner,
                title=title[:200],
                kind=kind,
                state="queued",
                mode=mode,
                backend=backend,
                doc=dict(doc),
                repeats=repeats,
                concurrency=concurrency,
                cap=cap,
                spent=ZERO,
                reserved=ZERO,
                total=len(units),
                done=0,
                failed=0,
                note="",
                experiment_id=experiment_id,
                created_at=now(),
            )
        )
        s.flush()
        rows = [
            {"job_id": job_id, "idx": i, "row": r, "variant": v, "repeat": k, "state": "pending", "tries": 0}
            for i, (r, v, k) in enumerate(units)
        ]
        for start in range(0, len(rows), 5000):
            s.execute(insert(JobUnitRow), rows[start : start + 5000])
    return job_id


def heartbeat(engine: Engine, *, worker: str, host: str, pid: int) -> None:
    """Say this worker is alive (its units are given back when it has been quiet too long)."""
    with write_session(engine) as s:
        row = s.get(JobWorkerRow, worker)
        if row is None:
            s.add(JobWorkerRow(id=worker, host=host[:200], pid=pid, seen_at=now()))
        else:
            row.seen_at = now()


def live_workers(on: Engine | Session, *, within: float) -> int:
    """Workers seen in the last ``within`` seconds (``on``: an engine, or a session already open)."""
    if isinstance(on, Engine):
        with read_session(on) as s:
            return live_workers(s, within=within)
    since = now() - timedelta(seconds=within)
    return on.scalar(select(func.count()).select_from(JobWorkerRow).where(JobWorkerRow.seen_at >= since)) or 0


def start(engine: Engine, job_id: str) -> str | None:
    """Mark a queued job running; returns its state (None: no such job)."""
    with write_session(engine) as s:
        job = s.get(JobRow, job_id)
        if job is None:
            return None
        if job.state == "queued":
            job.state, job.started_at = "running", now()
        return job.state


def reclaim(engine: Engine, job_id: str, *, quiet: float) -> int:
    """Give back the units held by workers not seen for ``quiet`` seconds (killed or cut off); returns how many."""
    since = now() - timedelta(seconds=quiet)
    with write_session(engine) as s:
        alive = select(JobWorkerRow.id).where(JobWorkerRow.seen_at >= since)
        held = (JobUnitRow.job_id == job_id) & (JobUnitRow.state == "running") & JobUnitRow.worker.not_in(alive)
        holds = s.scalar(select(func.sum(JobUnitRow.hold)).where(held)) or ZERO
        count = s.execute(update(JobUnitRow).where(held).values(state="pending", worker=None, hold=None)).rowcount
        if count and holds:
            s.execute(update(JobRow).where(JobRow.id == job_id).values(reserved=JobRow.reserved - usd(holds)))
        return count


def settle(engine: Engine, job_id: str) -> str | None:
    """End the job when nothing is pending or running: finished, or stopped after a stop. Returns its state."""
    with write_session(engine) as s:
        job = s.get(JobRow, job_id)
        if job is None:
            return None
        counts = dict(
            s.execute(
                select(JobUnitRow.state, func.count())
                .where(JobUnitRow.job_id == job_id, JobUnitRow.state.in_(("pending", "running")))
                .group_by(JobUnitRow.state)
            ).all()
        )
        if job.state == "stopping" and not counts.get("running"):
            job.state, job.finished_at = "stopped", now()
        elif (
            job.state == "running" and not counts and job.kind != "tune"
        ):  # a tuning job ends when its search does
            job.state, job.finished_at = "finished", now()
        return job.state


def request_stop(engine: Engine, job_id: str, *, owner: str | None) -> bool:
    """Ask a live job to stop (running requests end at their next event); False when not the owner's or over.
    A job no worker has started yet (queued) is stopped at once: nobody would be there to settle it."""
    with write_session(engine) as s:
        mine = (JobRow.id == job_id) if owner is None else (JobRow.id == job_id) & (JobRow.owner == owner)
        waiting = update(JobRow).where(mine, JobRow.state == "queued")
        if s.execute(waiting.values(state="stopped", finished_at=now())).rowcount:
            return True
        query = update(JobRow).where(mine, JobRow.state.in_(("running", "stopping")))
        return bool(s.execute(query.values(state="stopping")).rowcount)


def state_of(engine: Engine, job_id: str) -> str | None:
    with read_session(engine) as s:
        return s.scalar(select(JobRow.state).where(JobRow.id == job_id))


def unfinished(engine: Engine, *, backend: str) -> list[str]:
    """Jobs of ``backend`` still to run (a restarted server resumes them)."""
    with read_session(engine) as s:
        query = select(JobRow.id).where(JobRow.backend == backend, JobRow.state.in_(LIVE_STATES))
        return list(s.scalars(query.order_by(JobRow.created_at)))


def aware(when: datetime) -> datetime:
    """SQLite hands back naive datetimes: they are UTC."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def fail(engine: Engine, job_id: str, *, note: str) -> None:
    """End a job that cannot run any more, saying why (its finished units stay)."""
    with write_session(engine) as s:
        query = update(JobRow).where(JobRow.id == job_id, JobRow.state.in_(LIVE_STATES))
        s.execute(query.values(state="failed", note=note[:500], finished_at=now()))


def idle(engine: Engine, job_id: str) -> bool:
    """No unit of the job is pending or running (a tuning round is over)."""
    with read_session(engine) as s:
        busy = JobUnitRow.state.in_(("pending", "running"))
        return not s.scalar(select(func.count()).where(JobUnitRow.job_id == job_id, busy))
