"""A batch job's test set, how it is enqueued, and a loop that advances it until it ends (the batch tests')."""

from __future__ import annotations

from decimal import Decimal

from batch_loopback import ANSWER_TOKENS, PROMPT_TOKENS, REASONING_TOKENS
from jobs_util import example
from sqlalchemy import Engine

from playground.eval.experiment import Environment
from playground.facts.batch import BATCH_DISCOUNT_ENV
from playground.facts.catalog import GROK_3_MINI
from playground.jobs import batch, reading, spec

DECLARED = {BATCH_DISCOUNT_ENV: "0.5"}
ROWS = 3  # 3 rows × 2 variants × repeats


def live_cost() -> Decimal:
    price = GROK_3_MINI.price
    assert price is not None
    tokens_out = ANSWER_TOKENS + REASONING_TOKENS  # OpenAI reading: completion includes reasoning
    return (PROMPT_TOKENS * price.input + tokens_out * price.output) / Decimal(1_000_000)


def doc(*, judged: bool = False, **changes: object) -> dict:
    base = example()
    graders = [g for g in base["graders"] if judged or g["kind"] != "rubric"]  # no judge: only batch lines
    return example(rows=base["rows"][:ROWS], graders=graders, simulate=None, **changes)


def enqueue(
    engine: Engine,
    env: Environment,
    *,
    repeats: int = 1,
    cap: Decimal | None = None,
    judged: bool = False,
    **changes: object,
):
    document = doc(judged=judged, **changes)
    experiment = spec.read(document, env=env)
    job_id = spec.enqueue(
        engine,
        owner="tester",
        doc=document,
        experiment=experiment,
        repeats=repeats,
        cap=cap,
        backend="thread",
        mode="batch",
    )
    return job_id, experiment.suite


def drive(engine: Engine, job_id: str, suite, *, env=DECLARED, looks: int = 20, **kwargs) -> int:
    """Advance until the job ends; returns how many looks it took."""
    for n in range(1, looks + 1):
        if batch.advance(engine, job_id, suite=suite, env=env, **kwargs):
            return n
    raise AssertionError(f"the job did not end in {looks} looks: {reading.status(engine, job_id)}")
