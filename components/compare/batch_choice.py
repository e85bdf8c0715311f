"""Batch pricing in the Evaluate view (issue 23 point 7): the prediction before the run at the live price and,
where every column's provider offers a Batch API, as one batch (its discount, its source, the offline engine's
batch labelled as a simulation); the choice to send the run as one batch; and a batch job's phase in words."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import streamlit as st

from components import jobs
from components import settings as cfg
from components.compare.tune import experiment_doc
from playground.eval import costs
from playground.eval import runner as r
from playground.eval.experiment import Environment, ExperimentError, parse_experiment
from playground.experiments.variant import Variant
from playground.facts.batch import BatchSupport
from playground.jobs import batch, batch_record
from playground.jobs.reading import JobStatus
from playground.money.pricing import format_usd
from playground.wire import batch_api

CHOICE = "eval_batch"  # the toggle's key: send the run as one batch
LABEL = "Send as one batch (cheaper, slower)"


@dataclass(frozen=True, slots=True)
class Prediction:
    forecast: costs.Forecast
    supports: list[BatchSupport] | None  # every column's Batch API, or None when one has none


def predict(variants: list[Variant], repeats: int) -> Prediction | None:
    """The run's predicted cost with these columns (None: the experiment cannot be read yet)."""
    env = Environment(dict(os.environ), cfg.secrets())
    try:
        doc, where = experiment_doc("eval_source", "eval_file")
        experiment = parse_experiment(doc, where=where, env=env)
    except ExperimentError:
        return None
    suite = replace(experiment.suite, variants=tuple(variants))
    cells = [(row, v) for row in range(len(suite.rows)) for v in range(len(variants))]
    forecast = costs.forecast(suite, r.plan(suite, cells, repeats), env=env.env, secrets=env.secrets)
    found = batch.supports(suite, env.env, cfg.secrets())
    supports = found if isinstance(found, list) and forecast.batch_answers is not None else None
    return Prediction(forecast, supports)


def _percent(supports: list[BatchSupport]) -> str:
    shares = sorted({s.discount * 100 for s in supports})
    words = [f"{share.normalize():f} %" for share in shares]
    return f"{words[0]} off" if len(words) == 1 else f"{words[0]} to {words[-1]} off"


def batch_sentence(p: Prediction) -> str | None:
    """ "As one batch: $X to $Y (50 % off; …)" with the batch's source, or None without a batch."""
    f = p.forecast
    if p.supports is None or f.batch_low is None or f.batch_high is None:
        return None
    simulated = all(s.simulated for s in p.supports)
    label = "simulated by the offline engine, nothing is billed" if simulated else "; ".join(f.batch_sources)
    return (
        f"As one batch: {format_usd(f.batch_low)} to {format_usd(f.batch_high)} ({_percent(p.supports)}; "
        f"results within 24 h; judge requests stay at the live price). Source: {label}."
    )


def render(variants: list[Variant], repeats: int, *, disabled: bool = False) -> bool:
    """The prediction before the run and, where every column offers a batch and jobs are on, the choice to send
    it as one batch; returns that choice."""
    p = predict(variants, repeats)
    if p is None:
        return False
    f = p.forecast
    lines = [
        f"{f.answers.requests:,} answers and {f.judges.requests:,} judge requests: predicted cost "
        f"{format_usd(f.low)} to {format_usd(f.high)} at the live price (judge {format_usd(f.judges.low)} to "
        f"{format_usd(f.judges.high)})."
    ]
    said = batch_sentence(p)
    if said is not None:
        lines.append(said)
    st.info("  \n".join(lines), icon=":material/request_quote:")
    if said is None or jobs.engine() is None:  # a batch is a job: it needs the store
        st.session_state.pop(CHOICE, None)
        return False
    return bool(
        st.toggle(
            LABEL,
            key=CHOICE,
            disabled=disabled,
            help="The answers go to the provider's Batch API at its discount; results come back within 24 h.",
        )
    )


def job_words(job: JobStatus) -> str | None:
    """A batch job's phase while it runs, in words (None: a live job)."""
    if job.mode != "batch":
        return None
    engine = jobs.engine()
    record: dict[str, Any] = {} if engine is None else batch_record.record_of(engine, job.id)
    phase, batches = str(record.get("phase") or ""), record.get("batches") or []
    if phase == "submitting":
        return "Sent as one batch: submitting it to the provider."
    if phase == "running" and batches and all(b.get("status") in batch_api.DONE for b in batches):
        return "Sent as one batch: the batch is complete, reading its results."
    if phase == "running":
        return "Sent as one batch: submitted, in progress at the provider (results within 24 h)."
    if job.done:
        return "Sent as one batch: reading its results."
    return "Sent as one batch: waiting to be submitted."


def priced_words(job: JobStatus, *, answers: Decimal, is_offline: bool) -> str | None:
    """How an ended batch job was priced, with what its answers cost at the batch price (None: a live job)."""
    if job.mode != "batch":
        return None
    if is_offline:
        return (
            f"Sent as one batch (simulated by the offline engine): the answers would cost {format_usd(answers)} "
            "at the batch price; judge requests at the live price."
        )
    return (
        f"Sent as one batch: the answers cost {format_usd(answers)} at the batch price; judge requests at the "
        "live price."
    )
