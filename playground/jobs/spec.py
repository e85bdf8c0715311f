"""A job's plan: the experiment document it runs, its units in order, each unit's hold, and its enqueueing.

The document is the experiment file (``playground/eval/experiment.schema.json``): no key and no URL, so a worker on
another machine rebuilds the same suite from its own settings (``PLAYGROUND_PROVIDER``, the providers' key
variables), exactly as ``python -m playground.eval run`` does. Units go repeat by repeat (every row and variant
once, then again), so a job stopped early has results spread over every row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine

from playground.eval import runner as r
from playground.eval.experiment import Environment, Experiment, parse_experiment

from . import store

MAX_UNITS = 200_000


def units(*, rows: int, variants: int, repeats: int) -> list[tuple[int, int, int]]:
    """(row, variant, repeat) of every unit, repeat by repeat."""
    return [(row, v, k) for k in range(repeats) for row in range(rows) for v in range(variants)]


def read(doc: Mapping[str, Any], *, env: Environment, where: str = "The job's experiment") -> Experiment:
    """The checked experiment (``ExperimentError`` when it cannot run)."""
    return parse_experiment(doc, where=where, env=env)


def holds(suite: r.Suite) -> Callable[[int, int], Decimal]:
    """Each unit's hold on the cap: the high end of its answer and judge requests, computed once per cell."""
    cache: dict[tuple[int, int], Decimal] = {}

    def hold_of(row: int, variant: int) -> Decimal:
        if (row, variant) not in cache:
            cache[row, variant] = r.plan(suite, [(row, variant)], 1)[0].high
        return cache[row, variant]

    return hold_of


def enqueue(
    engine: Engine,
    *,
    owner: str,
    doc: Mapping[str, Any],
    experiment: Experiment,
    repeats: int,
    cap: Decimal | None,
    backend: str,
    title: str = "",
    kind: str = "run",
    mode: str = "live",
    experiment_id: str | None = None,
) -> str:
    """Create the job and its units in the database (nothing is sent yet); returns the job id."""
    suite = experiment.suite
    count = len(suite.rows) * len(suite.variants) * repeats
    if count > MAX_UNITS:
        raise ValueError(f"The job would have {count:,} requests; at most {MAX_UNITS:,} fit one job.")
    plan = units(rows=len(suite.rows), variants=len(suite.variants), repeats=repeats)
    return store.create(
        engine,
        owner=owner,
        title=title or str(doc.get("name") or "Test set"),
        doc=doc,
        units=plan,
        repeats=repeats,
        concurrency=experiment.concurrency,
        cap=cap,
        backend=backend,
        kind=kind,
        mode=mode,
        experiment_id=experiment_id,
    )
