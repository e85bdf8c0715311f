"""A batch job's record and lease: the ``batch`` column of its row (batch ids and states, never a key), who may
act on it now, and the units its batches hold under the pseudo-worker ``batch:<job id>``."""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, bindparam, select, update

from playground.money.budget import Ledger
from playground.money.pricing import ZERO
from playground.store.engine import read_session, write_session
from playground.store.job_tables import JobRow, JobUnitRow
from playground.store.records import Budget

from . import units

LEASE = 600.0  # seconds a caller may hold a batch job without writing to it (then another may take over)


def holder(job_id: str) -> str:
    """The pseudo-worker holding a job's units while they sit in a batch."""
    return f"batch:{job_id}"


def record_of(engine: Engine, job_id: str) -> dict[str, Any]:
    """The job's ``batch`` column (empty when nothing was submitted)."""
    with read_session(engine) as s:
        return dict(s.scalar(select(JobRow.batch).where(JobRow.id == job_id)) or {})


def write(engine: Engine, job_id: str, record: Mapping[str, Any]) -> None:
    """Store the job's batch record, keeping (and renewing) the lease of the caller writing it."""
    with write_session(engine) as s:
        job = s.get(JobRow, job_id)
        if job is not None:
            lease = (job.batch or {}).get("lease")
            renewed = {**lease, "until": time.time() + LEASE} if lease else None
            job.batch = {**{k: v for k, v in record.items() if k != "cut_off"}, "lease": renewed}


def lease(engine: Engine, job_id: str, token: str) -> dict[str, Any] | None:
    """Take the job's lease (one caller at a time submits, polls or reads back): its record, or None while
    another caller holds it. ``cut_off`` in the record: the last holder ended without giving the lease back."""
    with write_session(engine) as s:
        job = s.get(JobRow, job_id, with_for_update=engine.dialect.name == "postgresql")
        if job is None:
            return None
        record = dict(job.batch or {})
        lease = record.get("lease") or {}
        if lease and float(lease.get("until", 0)) > time.time():
            return None
        job.batch = {**record, "lease": {"token": token, "until": time.time() + LEASE}}
        return {**record, "cut_off": bool(lease)}


def renew(engine: Engine, job_id: str) -> None:
    """Keep the lease while a long read-back goes on."""
    write(engine, job_id, record_of(engine, job_id))


def release(engine: Engine, job_id: str, token: str) -> None:
    with write_session(engine) as s:
        job = s.get(JobRow, job_id, with_for_update=engine.dialect.name == "postgresql")
        if job is not None and ((job.batch or {}).get("lease") or {}).get("token") == token:
            job.batch = {**job.batch, "lease": None}


def give_back_held(engine: Engine, job_id: str, *, ledger: Ledger | None = None) -> None:
    """Units a cut-off submission held (no recorded batch holds them): back to pending, their daily-budget holds
    released. (A batch the provider accepted just before the cut carries ``metadata.playground_job``, so it can be
    found and cancelled.)"""
    with read_session(engine) as s:
        idxs = list(
            s.scalars(
                select(JobUnitRow.idx).where(
                    JobUnitRow.job_id == job_id, JobUnitRow.state == "running", JobUnitRow.worker == holder(job_id)
                )
            )
        )
    held = reservations(engine, job_id, idxs)
    for unit in held_units(engine, job_id, idxs):
        if ledger is not None:
            ledger.release(held.get(unit.idx))
        units.give_back(engine, unit, worker=holder(job_id))


def keep_reservations(engine: Engine, job_id: str, held: Mapping[int, Budget | None]) -> None:
    """Store each unit's daily-budget reservation on its row, for whoever reads its line back (maybe elsewhere)."""
    if not held:
        return
    stmt = (
        update(JobUnitRow)
        .where(JobUnitRow.job_id == bindparam("j"), JobUnitRow.idx == bindparam("i"))
        .values(reservation=bindparam("r"))
        .execution_options(synchronize_session=False)
    )
    with write_session(engine) as s:
        s.connection().execute(
            stmt, [{"j": job_id, "i": i, "r": _budget_json(b) if b else None} for i, b in held.items()]
        )


def reservations(engine: Engine, job_id: str, idxs: list[int]) -> dict[int, Budget]:
    """The reservations ``keep_reservations`` stored for these units."""
    rows = []
    with read_session(engine) as s:
        for part in _parts(idxs):
            rows += s.execute(
                select(JobUnitRow.idx, JobUnitRow.reservation).where(
                    JobUnitRow.job_id == job_id, JobUnitRow.idx.in_(part), JobUnitRow.reservation.is_not(None)
                )
            ).all()
    return {idx: _budget(found) for idx, found in rows if found}  # a JSON null: no hold


def _budget_json(b: Budget) -> dict[str, Any]:
    day = b.day.isoformat() if b.day else None
    return {
        "amount": str(b.amount),
        "day": day,
        "owner": b.owner,
        "scopes": list(b.scopes),
        "hold": b.hold_id,
        "counted": b.counted,
    }


def _budget(found: Mapping[str, Any]) -> Budget:
    day = date.fromisoformat(found["day"]) if found.get("day") else None
    return Budget(
        True,
        Decimal(found["amount"]),
        day=day,
        owner=found.get("owner", ""),
        scopes=tuple(found.get("scopes", ())),
        hold_id=found.get("hold", ""),
        counted=found.get("counted", True),
    )


def held_units(engine: Engine, job_id: str, idxs: list[int]) -> list[units.Unit]:
    found = []
    with read_session(engine) as s:
        for part in _parts(idxs):
            found += s.scalars(
                select(JobUnitRow).where(
                    JobUnitRow.job_id == job_id,
                    JobUnitRow.idx.in_(part),
                    JobUnitRow.state == "running",
                    JobUnitRow.worker == holder(job_id),
                )
            ).all()
        return [units.Unit(job_id, u.idx, u.row, u.variant, u.repeat, u.tries, u.hold or ZERO) for u in found]


def _parts(idxs: list[int], size: int = 10_000) -> list[list[int]]:
    """``idxs`` in parts of at most ``size`` (SQLite takes at most 32,766 parameters; a batch has up to 50,000)."""
    return [idxs[i : i + size] for i in range(0, len(idxs), size)]
