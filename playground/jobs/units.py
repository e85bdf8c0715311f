"""A unit's bookkeeping, the hot path of every job: take the next pending unit with its hold on the cap, commit its
result and cost, or give it back, each one short transaction on a bare connection with statements built once.

Claims take ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so workers on several machines share one job without
waiting on each other; on SQLite a write transaction takes the file's lock at its start, which serialises them.
A unit is committed only by the worker that holds it (a unit given back after its worker went quiet is not
committed twice), and the job's cap is reserved with one conditional ``UPDATE``: atomic across every worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Connection, Engine, bindparam, select, update

from playground.store.job_tables import JobRow, JobUnitRow
from playground.store.money import Money
from playground.store.sanitise import clean_json

from .store import ZERO, now, usd

WAIT, NOTHING = "wait", "nothing"


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
