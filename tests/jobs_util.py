"""Helpers for the job tests: the example experiment pointed at a server, a store, and counting by key."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from browser_servers import ROOT
from sqlalchemy import Engine, select

from playground.eval.experiment import Environment
from playground.jobs import spec
from playground.store.engine import make_engine, read_session, upgrade
from playground.store.job_tables import JobUnitRow

EXAMPLE = ROOT / "examples" / "capitals.json"


def example(**changes: Any) -> dict[str, Any]:
    """The example experiment with ``changes`` (a None value removes the field)."""
    doc = {**json.loads(EXAMPLE.read_text()), **changes}
    return {k: v for k, v in doc.items() if v is not None}


def env_for(url: str) -> Environment:
    return Environment({"PLAYGROUND_PROVIDER": "custom", "PLAYGROUND_BASE_URL": url}, {})


def engine_for(url: str) -> Engine:
    engine = make_engine(url)
    upgrade(engine)
    return engine


def enqueue(
    engine: Engine,
    doc: dict[str, Any],
    env: Environment,
    *,
    repeats: int = 1,
    cap: Decimal | None = None,
    backend: str = "thread",
    owner: str = "tester",
) -> tuple[str, Any]:
    experiment = spec.read(doc, env=env)
    job_id = spec.enqueue(
        engine, owner=owner, doc=doc, experiment=experiment, repeats=repeats, cap=cap, backend=backend
    )
    return job_id, experiment


def units(engine: Engine, job_id: str) -> list[JobUnitRow]:
    with read_session(engine) as s:
        return list(s.scalars(select(JobUnitRow).where(JobUnitRow.job_id == job_id).order_by(JobUnitRow.idx)))


def keys_sent(headers: Iterable[dict[str, str]]) -> Counter[str]:
    """How many times each idempotency key arrived (answers only: judge keys end in -judgeN)."""
    found = (h.get("Idempotency-Key") or h.get("idempotency-key") for h in headers)
    return Counter(k for k in found if k and "-judge" not in k)
