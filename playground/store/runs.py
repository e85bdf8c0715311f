"""Evaluation runs of a saved experiment: each run's summary and results, one of them marked as the baseline.

A run is stored with an experiment of the same owner; deleting the experiment deletes its runs (the foreign key
cascades). Keys are masked and web addresses removed from everything written, so neither reaches the database.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select, update

from playground.store.conversations import utc
from playground.store.convert import scrub
from playground.store.engine import read_session, write_session
from playground.store.models import EvalRunRow, ExperimentRow

_ADDRESS = re.compile(r"\b(?:https?|wss?)://[^\s\"'<>)]+", re.I)
ADDRESS_GONE = "(address removed)"


def without_addresses(value: Any) -> Any:
    """A JSON-like value with every web address in its strings replaced."""
    if isinstance(value, str):
        return _ADDRESS.sub(ADDRESS_GONE, value)
    if isinstance(value, dict):
        return {k: without_addresses(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [without_addresses(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class RunEntry:
    """One run in a list: when, whether it is the baseline, and its summary (no per-row results)."""

    id: str
    created_at: datetime
    baseline: bool
    summary: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StoredRun:
    """One run, whole."""

    id: str
    experiment_id: str
    created_at: datetime
    baseline: bool
    summary: dict[str, Any]
    result: dict[str, Any]


def _stored(row: EvalRunRow) -> StoredRun:
    return StoredRun(
        row.id, row.experiment_id, utc(row.created_at), row.baseline, dict(row.summary), dict(row.result)
    )


class EvalRuns:
    """The run methods ``Store`` provides (over ``engine``, ``clock`` and ``mask``)."""

    engine: Engine
    clock: Callable[[], datetime]
    mask: Callable[[Sequence[str]], tuple[str, ...]]

    def save_run(
        self,
        *,
        owner: str,
        experiment_id: str,
        summary: Mapping[str, Any],
        result: Mapping[str, Any],
        secrets: Sequence[str] = (),
    ) -> str:
        """Keep a run with the owner's experiment; its id (``PermissionError`` if the experiment is not theirs)."""
        masked = self.mask(secrets)
        with write_session(self.engine) as s:
            experiment = s.get(ExperimentRow, experiment_id)
            if experiment is None or experiment.owner != owner:
                raise PermissionError("That experiment is not there to keep runs with.")
            run_id = uuid.uuid4().hex
            s.add(
                EvalRunRow(
                    id=run_id,
                    experiment_id=experiment_id,
                    owner=owner,
                    created_at=self.clock(),
                    baseline=False,
                    summary=without_addresses(scrub(dict(summary), masked)),
                    result=without_addresses(scrub(dict(result), masked)),
                )
            )
            return run_id

    def list_runs(self, *, owner: str, experiment_id: str) -> list[RunEntry]:
        """The experiment's runs, oldest first, without their per-row results."""
        query = select(EvalRunRow.id, EvalRunRow.created_at, EvalRunRow.baseline, EvalRunRow.summary)
        query = query.where(EvalRunRow.owner == owner, EvalRunRow.experiment_id == experiment_id)
        with read_session(self.engine) as s:
            rows = s.execute(query.order_by(EvalRunRow.created_at, EvalRunRow.id)).all()
        return [RunEntry(i, utc(c), bool(b), dict(m)) for i, c, b, m in rows]

    def load_run(self, *, owner: str, run_id: str) -> StoredRun | None:
        with read_session(self.engine) as s:
            row = s.get(EvalRunRow, run_id)
            return _stored(row) if row is not None and row.owner == owner else None

    def baseline_run(self, *, owner: str, experiment_id: str) -> StoredRun | None:
        query = select(EvalRunRow).where(
            EvalRunRow.owner == owner, EvalRunRow.experiment_id == experiment_id, EvalRunRow.baseline.is_(True)
        )
        with read_session(self.engine) as s:
            row = s.scalars(query).first()
            return _stored(row) if row is not None else None

    def mark_baseline(self, *, owner: str, run_id: str) -> bool:
        """Make this run its experiment's only baseline; False when it is not the owner's or gone."""
        with write_session(self.engine) as s:
            row = s.get(EvalRunRow, run_id)
            if row is None or row.owner != owner:
                return False
            others = update(EvalRunRow).where(
                EvalRunRow.experiment_id == row.experiment_id, EvalRunRow.id != run_id
            )
            s.execute(others.values(baseline=False))
            row.baseline = True
            return True
