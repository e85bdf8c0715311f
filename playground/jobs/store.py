"""The job tables' operations, each its own short transaction: create, claim, reserve, commit, stop, read.

Claims take ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so workers on several machines share one job without
waiting on each other; on SQLite a write transaction takes the file's lock at its start, which serialises them.
A unit is committed only by the worker that holds it (a unit given back after its worker went quiet is not
committed twice), and the job's cap is reserved with one conditional ``UPDATE``: atomic across every worker.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Connection, Engine, bindparam, func, insert, literal, select, update

from playground.store.engine import read_session, write_session
from playground.store.job_tables import JobRow, JobUnitRow, JobWorkerRow
from playground.store.money import Money
from playground.store.sanitise import clean_json

ZERO = Decimal(0)
WAIT, NOTHING = "wait", "nothing"
LIVE_STATES = ("queued", "running", "stopping")
ENDED_STATES = ("stopped", "finished", "capped", "failed")


def now() -> datetime:
    return datetime.now(UTC)


def usd(amount: Decimal) -> Any:
    """``amount`` bound as money (picodollars): arithmetic between Money columns loses the column type, so a bare
    Decimal added to ``spent + reserved`` would be bound as an integer count of dollars."""
    return literal(amount, Money())


def unit_key(job_id: str, idx: int) -> str:
    """A unit's idempotency key: the same every time the unit is sent, different for every unit."""
    return f"{job_id}-{idx}"


@dataclass(frozen=True, slots=True)
class Unit:
    """A claimed unit: where it sits in the job and its idempotency key."""

    job_id: str
    idx: int
    row: int
    variant: int
    repeat: int
    tries: int
    hold: Decimal = ZERO

    @property
    def key(self) -> str:
        return unit_key(self.job_id, self.idx)


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


def live_workers(engine: Engine, *, within: float) -> int:
    with read_session(engine) as s:
        since = now() - timedelta(seconds=within)
        return s.scalar(select(func.count()).select_from(JobWorkerRow).where(JobWorkerRow.seen_at >= since)) or 0


def start(engine: Engine, job_id: str) -> str | None:
    """Mark a queued job running; returns its state (None: no such job)."""
    with write_session(engine) as s:
        job = s.get(JobRow, job_id)
        if job is None:
            return None
        if job.state == "queued":
            job.state, job.started_at = "running", now()
        return job.state


@contextmanager
def _tx(engine: Engine) -> Iterator[Connection]:
    """One short write transaction on a bare connection (no ORM session: a unit's bookkeeping is a few
    statements, and the session's own work was most of its cost). SQLite takes its write lock at the start;
    PostgreSQL does not wait for the WAL flush (``synchronous_commit off``: a database crash may forget the last
    fraction of a second of commits, so those units are sent again under the same keys; a worker's crash loses
    nothing committed)."""
    with engine.connect() as conn:
        conn = conn.execution_options(immediate=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            yield conn


def _statements() -> dict[str, Any]:
    """The bookkeeping of every unit, built once with bind parameters (building them per call was most of the CPU
    a unit cost this process)."""
    u, j = JobUnitRow, JobRow
    job, idx, me = bindparam("b_job"), bindparam("b_idx"), bindparam("b_worker")
    hold = bindparam("b_hold", type_=Money())
    pending = (
        (u.job_id == job) & (u.state == "pending") & (u.ready_at.is_(None) | (u.ready_at <= bindparam("b_at")))
    )
    first = select(u.idx, u.row, u.variant, u.repeat, u.tries).where(pending).order_by(u.idx).limit(1)
    fits = j.cap.is_(None) | (j.spent + j.reserved + hold <= j.cap)
    held = (u.job_id == job) & (u.idx == idx) & (u.state == "running") & (u.worker == me)
    return {
        "first": first,
        "first_locked": first.with_for_update(skip_locked=True),
        "reserve": update(j).where(j.id == job, j.state == "running", fits).values(reserved=j.reserved + hold),
        "claim": update(u)
        .where(u.job_id == job, u.idx == idx)
        .values(state="running", worker=me, claimed_at=bindparam("b_at"), tries=u.tries + 1, hold=hold),
        "finish": update(u)
        .where(held)
        .values(
            state=bindparam("b_state"),
            result=bindparam("b_result", type_=JSON()),
            cost=bindparam("b_cost", type_=Money()),
            seconds=bindparam("b_seconds"),
            hold=None,
            finished_at=bindparam("b_at"),
        ),
        "count": update(j)
        .where(j.id == job)
        .values(
            spent=j.spent + bindparam("b_spent", type_=Money()),
            reserved=j.reserved - hold,
            done=j.done + bindparam("b_done"),
            failed=j.failed + bindparam("b_failed"),
        ),
    }


_SQL = _statements()


def take(engine: Engine, job_id: str, *, worker: str, hold_of: Callable[[int, int], Decimal]) -> Unit | str:
    """The next pending unit of a running job, now held by ``worker`` with ``hold_of(row, variant)`` of the
    job's cap reserved for it, in one transaction (atomic across every worker). ``WAIT`` when the cap has no room
    while other units are in flight; ``NOTHING`` when no unit is pending, the job is not running, or the cap was
    reached with nothing in flight (the job is then marked capped)."""
    with _tx(engine) as c:
        return _take_in(c, job_id, worker=worker, hold_of=hold_of)


def _take_in(c: Connection, job_id: str, *, worker: str, hold_of: Callable[[int, int], Decimal]) -> Unit | str:
    at = now()
    first = _SQL["first_locked" if c.dialect.name == "postgresql" else "first"]
    row = c.execute(first, {"b_job": job_id, "b_at": at}).first()
    if row is None:
        return NOTHING
    hold = hold_of(row.row, row.variant)
    if not c.execute(_SQL["reserve"], {"b_job": job_id, "b_hold": hold}).rowcount:
        capped = update(JobRow).where(JobRow.id == job_id, JobRow.state == "running", JobRow.reserved == 0)
        note = "Stopped at the cap: the next request could have passed it."
        if c.execute(capped.values(state="capped", note=note, finished_at=at)).rowcount:
            return NOTHING
        return WAIT if c.scalar(select(JobRow.state).where(JobRow.id == job_id)) == "running" else NOTHING
    c.execute(_SQL["claim"], {"b_job": job_id, "b_idx": row.idx, "b_worker": worker, "b_at": at, "b_hold": hold})
    return Unit(job_id, row.idx, row.row, row.variant, row.repeat, row.tries + 1, hold)


def _unit(unit: Unit, worker: str):  # noqa: ANN202 - an UPDATE of this unit while ``worker`` holds it
    return update(JobUnitRow).where(
        JobUnitRow.job_id == unit.job_id,
        JobUnitRow.idx == unit.idx,
        JobUnitRow.state == "running",
        JobUnitRow.worker == worker,
    )


def commit(
    engine: Engine,
    unit: Unit,
    *,
    worker: str,
    result: Mapping[str, Any],
    cost: Decimal | None,
    seconds: float | None,
    failed: bool,
) -> bool:
    """Write a finished unit and add its cost to the job, in one transaction. False when the unit is no longer
    this worker's (given back after a long silence): its result is dropped, but its cost still counts as spent."""
    with _tx(engine) as c:
        return _finish_in(c, unit, worker=worker, result=result, cost=cost, seconds=seconds, failed=failed)


def commit_and_take(
    engine: Engine,
    unit: Unit,
    *,
    worker: str,
    result: Mapping[str, Any],
    cost: Decimal | None,
    seconds: float | None,
    failed: bool,
    hold_of: Callable[[int, int], Decimal],
) -> Unit | str:
    """``commit`` then ``take`` of the job's next unit in the same transaction (one round of bookkeeping fewer
    per unit for a lane that goes on)."""
    with _tx(engine) as c:
        _finish_in(c, unit, worker=worker, result=result, cost=cost, seconds=seconds, failed=failed)
        return _take_in(c, unit.job_id, worker=worker, hold_of=hold_of)


def _finish_in(
    c: Connection,
    unit: Unit,
    *,
    worker: str,
    result: Mapping[str, Any],
    cost: Decimal | None,
    seconds: float | None,
    failed: bool,
) -> bool:
    hold = unit.hold
    spent = cost if cost is not None else hold  # unknown cost: the whole hold counts, so the cap still holds
    mine = {"b_job": unit.job_id, "b_idx": unit.idx, "b_worker": worker}
    done = {"b_state": "failed" if failed else "done", "b_result": clean_json(dict(result)), "b_cost": cost}
    ours = c.execute(_SQL["finish"], {**mine, **done, "b_seconds": seconds, "b_at": now()}).rowcount
    counts = {"b_done": 1, "b_failed": 1 if failed else 0} if ours else {"b_done": 0, "b_failed": 0}
    c.execute(_SQL["count"], {"b_job": unit.job_id, "b_spent": spent, "b_hold": hold if ours else ZERO, **counts})
    return bool(ours)


def give_back(
    engine: Engine, unit: Unit, *, worker: str, spent: Decimal = ZERO, retry_in: float | None = None
) -> None:
    """Return a held unit to pending, its hold released and what it did cost (a stopped or failed request) added
    to the job's spend: after a stop, or a transient error to send again in ``retry_in`` seconds (the try counts).
    """
    retry = retry_in is not None
    ready = now() + timedelta(seconds=retry_in) if retry else None
    with _tx(engine) as s:
        tries = JobUnitRow.tries if retry else JobUnitRow.tries - 1
        back = dict(state="pending", worker=None, hold=None, tries=tries, ready_at=ready)
        mine = s.execute(_unit(unit, worker).values(**back)).rowcount
        released = JobRow.reserved - usd(unit.hold) if mine else JobRow.reserved
        s.execute(
            update(JobRow)
            .where(JobRow.id == unit.job_id)
            .values(reserved=released, spent=JobRow.spent + usd(spent))
        )


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
