"""Tables of the job queue (migration 0008): a job, its units, the workers' heartbeats and the shared rate limits.

A job is a test set, repeat or tuning run kept in the database so it outlives the tab: its experiment document
(the file ``python -m playground.eval run`` reads, never a key or a URL), its cap, and running totals. Each unit
is one request (row × variant × repeat, judged as it finishes) with an idempotency key; its result and cost are
committed when it finishes, so a crash loses nothing done.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from playground.store.models import UTC_TIME, Base
from playground.store.money import Money


class JobRow(Base):
    """One job: what to run, who owns it, where it runs, its state and totals."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_owner_created", "owner", "created_at"), Index("ix_jobs_state", "state"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(320))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # run | tune
    state: Mapped[str] = mapped_column(String(16))  # queued running stopping stopped finished capped failed
    mode: Mapped[str] = mapped_column(String(8), default="live")  # live | batch
    backend: Mapped[str] = mapped_column(String(8))  # thread (in the app's server) | queue (procrastinate)
    doc: Mapped[dict[str, Any]] = mapped_column(JSON)
    repeats: Mapped[int] = mapped_column(Integer)
    concurrency: Mapped[int] = mapped_column(Integer)
    cap: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    spent: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    reserved: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    total: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(String(500), default="")
    experiment_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    batch: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)  # a tuning job's result
    leader: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the worker running a tuning's search
    created_at: Mapped[datetime] = mapped_column(UTC_TIME)
    started_at: Mapped[datetime | None] = mapped_column(UTC_TIME, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTC_TIME, nullable=True)


class JobUnitRow(Base):
    """One request of a job: which cell and repeat, its state, the worker holding it, its result and cost."""

    __tablename__ = "job_units"
    __table_args__ = (Index("ix_job_units_job_state", "job_id", "state"),)

    job_id: Mapped[str] = mapped_column(String(32), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    idx: Mapped[int] = mapped_column(Integer, primary_key=True)
    row: Mapped[int] = mapped_column(Integer)
    variant: Mapped[int] = mapped_column(Integer)
    repeat: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(8), default="pending")  # pending running done failed
    worker: Mapped[str | None] = mapped_column(String(64), nullable=True)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    hold: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    cost: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    seconds: Mapped[float | None] = mapped_column(nullable=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTC_TIME, nullable=True)
    ready_at: Mapped[datetime | None] = mapped_column(UTC_TIME, nullable=True)  # a retry waits until then
    finished_at: Mapped[datetime | None] = mapped_column(UTC_TIME, nullable=True)
    reservation: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)  # a batch line's budget hold


class JobWorkerRow(Base):
    """A worker's heartbeat: units it holds are given back when it has not been seen for a while."""

    __tablename__ = "job_workers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    seen_at: Mapped[datetime] = mapped_column(UTC_TIME)


class RateLimitRow(Base):
    """Concurrency shared by every worker for one provider and key (the key itself is never stored: a digest)."""

    __tablename__ = "rate_limits"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    limit: Mapped[int] = mapped_column(Integer)
    ceiling: Mapped[int] = mapped_column(Integer)
    streak: Mapped[int] = mapped_column(Integer, default=0)
    pause_until: Mapped[datetime | None] = mapped_column(UTC_TIME, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTC_TIME)
