"""The Evaluate view: a test set with its graders (weights, threshold, a rubric judge) and repeats through every
column; pass rates with intervals, flip rates, differences in words, the judge's cost against its prediction, and
a run kept as the baseline that later runs are compared with (changed rows with their differences highlighted)."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from components import jobs, persist
from components import settings as cfg
from components.compare import batch_choice, eval_io, eval_runs, job_view
from components.compare.eval_runs import escaped, show_regressions
from components.compare.tune import SOURCES, experiment_doc
from playground.eval import costs, report, simulate, summary
from playground.eval import runner as r
from playground.eval.baseline import against_baseline
from playground.eval.experiment import Environment, ExperimentError, parse_experiment
from playground.eval.export import export_doc
from playground.experiments.budget import Budget
from playground.experiments.variant import Variant
from playground.jobs import spec
from playground.money.pricing import format_usd

RUNNING, BASELINE, PROBLEM = "eval_running", "eval_baseline", "eval_problem"
CONCURRENCY = 8  # requests at once, per run
KEPT = ("eval_source", "eval_repeats", "eval_cap", batch_choice.CHOICE)


@dataclass
class EvalJob:
    """A run on its own thread (it survives a rerun)."""

    suite: r.Suite
    repeats: int
    forecast: costs.Forecast
    batch: r.Batch
    where: str = ""  # the experiment's name: "the example" or the file's
    doc: Any = None  # the experiment file as read
    thread: threading.Thread | None = None
    error: str = ""
    kept: bool = False  # the finished run was handed to the store (once)
    run_id: str | None = None  # its id there
    result: dict[str, Any] = field(default_factory=dict)  # the result JSON, once finished


def keep() -> None:
    for name in KEPT:
        if name in st.session_state:
            st.session_state[name] = st.session_state[name]


def start(variants: list[Variant], repeats: int, cap: Decimal, *, mode: str = "live") -> None:
    try:
        doc, where = experiment_doc("eval_source", "eval_file")
        env = Environment(dict(os.environ), cfg.secrets())
        experiment = parse_experiment(doc, where=where, env=env)
    except ExperimentError as exc:
        st.session_state[PROBLEM] = str(exc)
        return
    suite = replace(experiment.suite, variants=tuple(variants))
    cells = [(row, v) for row in range(len(suite.rows)) for v in range(len(variants))]
    planned = r.plan(suite, cells, repeats)
    forecast = costs.forecast(suite, planned, env=env.env, secrets=env.secrets)
    refusal = forecast.refusal(cap)
    if refusal is not None:
        st.session_state[PROBLEM] = refusal
        return
    if jobs.local() is not None:  # with a store, the run is a job: it outlives the tab
        _enqueue(doc, where, replace(experiment, suite=suite), variants, repeats, cap, mode=mode)
        return
    batch = r.Batch(suite, planned, Budget(cap), concurrency=CONCURRENCY, allow=env.allow)
    job = EvalJob(suite, repeats, forecast, batch, where=where, doc=doc)

    def work() -> None:
        try:
            batch.run()
            labels = [v.label for v in variants]
            sums = summary.summarize(batch.attempts, labels)
            diffs = summary.compare_all(sums, repeats=repeats, forecast=forecast)
            job.result = report.result_json(
                source=where,
                suite=suite,
                repeats=repeats,
                target=experiment.target,
                attempts=batch.attempts,
                summaries=sums,
                differences=diffs,
                forecast=forecast,
                spent=batch.budget.spent,
                cap=cap,
                state="capped" if batch.blocked is not None else "finished",
            )
        except Exception as exc:  # noqa: BLE001 - shown on the page, never a traceback
            job.error = f"The run stopped: {exc.__class__.__name__}."

    job.thread = threading.Thread(target=work, daemon=True, name="evaluate")
    st.session_state[RUNNING], st.session_state[PROBLEM] = job, None
    job.thread.start()


def _enqueue(
    doc: Any, where: str, experiment: Any, variants: list[Variant], repeats: int, cap: Decimal, *, mode: str
) -> None:
    """The run as a job: its document (no key, no address) in the database, run by the workers on PostgreSQL or
    on this server's threads with the page's own variants (a key typed in the sidebar stays in its memory)."""
    try:
        job_doc = export_doc(doc, variants=variants, repeats=repeats, cap=cap)
        job_doc["concurrency"] = CONCURRENCY
        engine, owner = jobs.engine(), jobs.owner()
        job_id = spec.enqueue(
            engine,
            owner=owner,
            doc=job_doc,
            experiment=replace(experiment, concurrency=CONCURRENCY),
            repeats=repeats,
            cap=cap,
            backend=jobs.backend_for(variants),
            title=eval_runs.PREFIX + where,
            mode=mode,
        )
    except (ExperimentError, ValueError) as exc:
        st.session_state[PROBLEM] = str(exc)
        return
    st.session_state[job_view.JOB] = job_id  # shown even when it could not start: it says why
    st.session_state[PROBLEM] = jobs.start(job_id, experiment.suite)
    job_view.point_url(job_id)  # before the rerun: the address must not bring back the job shown before
    st.session_state.pop(RUNNING, None)
    st.rerun()  # the page draws the job, Evaluate disabled while it runs


def render(variants: list[Variant]) -> None:
    st.caption("Runs a test set with its graders through every column, each row several times, under a cap.")
    for name, value in {"eval_source": SOURCES[0], "eval_repeats": 3, "eval_cap": 0.50}.items():
        st.session_state.setdefault(
            name, value
        )  # seeded once: the widgets take no default (their values are kept)
    st.radio("Test set", SOURCES, key="eval_source", horizontal=True)
    if st.session_state.get("eval_source") == SOURCES[1]:
        st.file_uploader("Experiment (JSON)", type=["json"], key="eval_file")
        eval_io.render_import()
    left, right = st.columns(2)
    repeats = left.number_input("Repeats", min_value=1, max_value=10, key="eval_repeats")
    cap = right.number_input("Spend cap (USD)", min_value=0.01, max_value=1000.0, step=0.05, key="eval_cap")
    eval_io.render_export(variants, repeats=int(repeats), cap=Decimal(str(round(cap, 2))))
    job: EvalJob | None = st.session_state.get(RUNNING)
    running = job is not None and job.thread is not None and job.thread.is_alive()
    shown = st.session_state.get(job_view.JOB)
    queued = jobs.status_of(shown) if shown else None
    running = running or (queued is not None and queued.live)
    as_batch = batch_choice.render(variants, int(repeats), disabled=running)
    if st.button("Evaluate", key="eval_go", type="primary", icon=":material/fact_check:", disabled=running):
        start(variants, int(repeats), Decimal(str(round(cap, 2))), mode="batch" if as_batch else "live")
        job = st.session_state.get(RUNNING)
        shown = st.session_state.get(job_view.JOB)
    if st.session_state.get(PROBLEM):
        st.error(st.session_state[PROBLEM], icon=":material/error:")
        return
    if job is None and shown and job_view.render(shown, queued) is not None:
        return
    job_view.point_url(None)
    if job is None:
        _stored_runs()
        return
    _wait(job)  # its prediction is the one shown above the button
    if job.error:
        st.error(job.error, icon=":material/error:")
        return
    _show(job)


def _wait(job: EvalJob) -> None:
    if job.thread is None or not job.thread.is_alive():
        return
    bar = st.progress(0.0, text="Running…")
    while job.thread.is_alive():
        done, total = len(job.batch.attempts), len(job.batch.jobs)
        bar.progress(done / max(1, total), text=f"{done:,} of {total:,} answers")
        time.sleep(0.3)
    bar.empty()


def _show(job: EvalJob) -> None:
    doc = job.result
    if not doc:
        return
    attempts = job.batch.attempts
    if any(a.simulated for a in attempts):
        st.info(simulate.RULE, icon=":material/science:")
    labels = [v.label for v in job.suite.variants]
    sums = summary.summarize(attempts, labels)
    st.dataframe(
        pd.DataFrame(
            {
                "Variant": labels,
                "Pass rate": [s.pass_rate.points() if s.pass_rate.rows else "–" for s in sums],
                "Flip rate": [summary.percent(s.flip_rate) for s in sums],
                "Cost": [format_usd(s.answer_cost) for s in sums],
                "Judge cost": [format_usd(s.judge_cost) for s in sums],
                "p95 latency (s)": [s.p95_seconds for s in sums],
            }
        ),
        hide_index=True,
        key="eval_table",
        column_config={"p95 latency (s)": st.column_config.NumberColumn(format="%.2f s")},
    )
    for d in doc["differences"]:
        st.markdown(escaped(d["sentence"]))
    judged = sum((a.judge_cost for a in attempts), Decimal(0))
    f = job.forecast
    inside = f.judges.low <= judged <= f.judges.high
    budget = job.batch.budget
    st.caption(
        f"The judge cost {format_usd(judged)}, {'inside' if inside else 'outside'} its predicted "
        f"{format_usd(f.judges.low)} to {format_usd(f.judges.high)}; the run spent {format_usd(budget.spent)} "
        f"of the {format_usd(budget.cap or Decimal(0))} cap."
    )
    stored = persist.link().store is not None
    if stored and not job.kept:
        job.kept = True
        job.run_id = eval_runs.keep_run(job.where, job.doc, doc)
    if job.run_id is not None:
        st.button(
            "Keep as the baseline",
            key="eval_keep",
            icon=":material/bookmark:",
            on_click=eval_runs.mark,
            args=(job.run_id,),
        )
        eval_runs.render(job.where)
        return
    st.button(
        "Keep as the baseline", key="eval_keep", icon=":material/bookmark:", on_click=_keep_baseline, args=(doc,)
    )
    _against_baseline(job, sums)


def _keep_baseline(doc: dict[str, Any]) -> None:
    st.session_state[BASELINE] = doc


def _stored_runs() -> None:
    """Before any run in this session: the runs kept for the chosen experiment (from an earlier session)."""
    if persist.link().store is None:
        return
    try:
        _doc, where = experiment_doc("eval_source", "eval_file")
    except ExperimentError:
        return
    eval_runs.render(where)


def _against_baseline(job: EvalJob, sums: list[summary.VariantSummary]) -> None:
    baseline = st.session_state.get(BASELINE)
    if not baseline or baseline is job.result:
        return
    st.subheader("Against the baseline", divider="gray")
    show_regressions(against_baseline(sums, job.batch.attempts, baseline))
