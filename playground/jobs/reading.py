"""What a job looks like from anywhere: its progress, spend and time left, its partial results, an owner's jobs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, select

from playground.store.engine import read_session
from playground.store.job_tables import JobRow, JobUnitRow

from .store import LIVE_STATES, aware, now


@dataclass(frozen=True, slots=True)
class JobStatus:
    """A job's progress as every session and the command line see it."""

    id: str
    owner: str
    title: str
    kind: str
    state: str
    mode: str
    backend: str
    total: int
    done: int
    failed: int
    running: int
    spent: Decimal
    cap: Decimal | None
    note: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    experiment_id: str | None

    @property
    def live(self) -> bool:
        return self.state in LIVE_STATES

    @property
    def left(self) -> int:
        return self.total - self.done

    def seconds_left(self, *, at: datetime | None = None) -> float | None:
        """Time left at the rate so far (None before the first unit or once over)."""
        if not self.live or self.started_at is None or self.done == 0:
            return None
        elapsed = ((at or now()) - aware(self.started_at)).total_seconds()
        return max(0.0, elapsed / self.done * self.left)

    def as_json(self) -> dict[str, Any]:
        """What ``python -m playground.eval status`` prints."""
        return {
            "job": self.id,
            "title": self.title,
            "state": self.state,
            "done": self.done,
            "total": self.total,
            "failed": self.failed,
            "running": self.running,
            "spent_usd": str(self.spent),
            "cap_usd": None if self.cap is None else str(self.cap),
            "seconds_left": None if (left := self.seconds_left()) is None else round(left, 1),
            "note": self.note,
        }


def _status(row: JobRow, running: int) -> JobStatus:
    return JobStatus(
        id=row.id,
        owner=row.owner,
        title=row.title,
        kind=row.kind,
        state=row.state,
        mode=row.mode,
        backend=row.backend,
        total=row.total,
        done=row.done,
        failed=row.failed,
        running=running,
        spent=row.spent,
        cap=row.cap,
        note=row.note,
        created_at=aware(row.created_at),
        started_at=aware(row.started_at) if row.started_at else None,
        finished_at=aware(row.finished_at) if row.finished_at else None,
        experiment_id=row.experiment_id,
    )


def status(engine: Engine, job_id: str, *, owner: str | None = None) -> JobStatus | None:
    """The job's progress (None: no such job, or not ``owner``'s)."""
    with read_session(engine) as s:
        row = s.get(JobRow, job_id)
        if row is None or (owner is not None and row.owner != owner):
            return None
        running = s.scalar(select(func.count()).where(JobUnitRow.job_id == job_id, JobUnitRow.state == "running"))
        return _status(row, running or 0)


def jobs_of(engine: Engine, *, owner: str, limit: int = 50) -> list[JobStatus]:
    """An owner's jobs, newest first (running ones show how many units are in flight)."""
    with read_session(engine) as s:
        rows = s.scalars(
            select(JobRow).where(JobRow.owner == owner).order_by(JobRow.created_at.desc()).limit(limit)
        )
        found = list(rows)
        ids = [r.id for r in found if r.state in LIVE_STATES]
        running: Mapping[str, int] = {}
        if ids:
            query = (
                select(JobUnitRow.job_id, func.count())
                .where(JobUnitRow.job_id.in_(ids), JobUnitRow.state == "running")
                .group_by(JobUnitRow.job_id)
            )
            running = dict(s.execute(query).all())
        return [_status(r, running.get(r.id, 0)) for r in found]


def document(engine: Engine, job_id: str) -> tuple[dict[str, Any], int] | None:
    """The job's experiment document and repeats (what a worker rebuilds the suite from)."""
    with read_session(engine) as s:
        row = s.get(JobRow, job_id)
        return None if row is None else (dict(row.doc), row.repeats)


def results(engine: Engine, job_id: str) -> list[dict[str, Any]]:
    """The finished units' results (the attempt JSON of ``playground.eval.report``), in unit order."""
    with read_session(engine) as s:
        query = (
            select(JobUnitRow.result)
            .where(JobUnitRow.job_id == job_id, JobUnitRow.state.in_(("done", "failed")))
            .order_by(JobUnitRow.idx)
        )
        return [dict(r) for r in s.scalars(query) if r is not None]
