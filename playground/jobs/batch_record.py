"""A batch job's record and lease: the ``batch`` column of its row (batch ids and states, never a key), who may
act on it now, and the units its batches hold under the pseudo-worker ``batch:<job id>``."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine, select

from playground.money.pricing import ZERO
from playground.store.engine import read_session, write_session
from playground.store.job_tables import JobRow, JobUnitRow

from . import store

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


def give_back_held(engine: Engine, job_id: str) -> None:
    """Units a cut-off submission held (no recorded batch holds them): back to pending. (A batch the provider
    accepted just before the cut carries ``metadata.playground_job``, so it can be found and cancelled.)"""
    with read_session(engine) as s:
        idxs = list(
            s.scalars(
                select(JobUnitRow.idx).where(
                    JobUnitRow.job_id == job_id, JobUnitRow.state == "running", JobUnitRow.worker == holder(job_id)
                )
            )
        )
    for unit in held_units(engine, job_id, idxs):
        store.give_back(engine, unit, worker=holder(job_id))


def held_units(engine: Engine, job_id: str, idxs: list[int]) -> list[store.Unit]:
    with read_session(engine) as s:
        rows = s.scalars(
            select(JobUnitRow).where(
                JobUnitRow.job_id == job_id,
                JobUnitRow.idx.in_(idxs),
                JobUnitRow.state == "running",
                JobUnitRow.worker == holder(job_id),
            )
        ).all()
        return [store.Unit(job_id, u.idx, u.row, u.variant, u.repeat, u.tries, u.hold or ZERO) for u in rows]
