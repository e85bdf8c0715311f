"""The Tune view: the autotuner over the first column's setting (a test set, a search space, a spend cap), its
frontier, what it dropped and why, and one click that applies the recommendation to the playground."""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from components import jobs
from components import settings as cfg
from components.compare import live, tune_job
from playground.eval import judge, simulate
from playground.eval.experiment import Environment, ExperimentError, parse_experiment
from playground.eval.tune_cli import MAX_SETTINGS, RunnerEvaluator, settings
from playground.eval.tuner import Tuner, TuneResult
from playground.experiments.budget import Budget
from playground.experiments.variant import Variant
from playground.jobs.reading import JobStatus
from playground.money.pricing import format_usd

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "capitals.json"
RUNNING, RESULT = "tune_running", "tune_result"
KEPT = (
    "tune_source",
    "tune_effort",
    "tune_temperature",
    "tune_top_p",
    "tune_max_tokens",
    "tune_systems",
    "tune_cap",
)
SOURCES = ("The example: 20 capitals", "An experiment file")
DEFAULTS: dict[str, Any] = {
    "tune_source": SOURCES[0],
    "tune_effort": ["low", "high"],
    "tune_temperature": "0, 1.4",
    "tune_top_p": "0.9",
    "tune_max_tokens": "1000",
    "tune_cap": 0.30,
}
POLL = 0.3  # seconds between progress updates while tuning


@dataclass
class TuneJob:
    """A tuning running on its own thread (it survives a rerun); ``result`` or ``error`` when it ends."""

    variants: tuple[Variant, ...]
    budget: Budget
    evaluator: RunnerEvaluator | None = None
    thread: threading.Thread | None = None
    result: TuneResult | None = None
    error: str = ""
    rows: int = 0


def keep() -> None:
    """Keep the view's values while another view is drawn (Streamlit drops the state of widgets not drawn)."""
    for name in KEPT:
        if name in st.session_state:
            st.session_state[name] = st.session_state[name]


def _numbers(text: str, what: str, kind: type) -> list[Any]:
    try:
        values = [kind(part) for part in text.replace(";", ",").split(",") if part.strip()]
    except ValueError:
        raise ExperimentError(f"{what}: write numbers separated by commas (for example 0, 0.7).") from None
    if not values:
        raise ExperimentError(f"{what}: give at least one value.")
    return list(dict.fromkeys(values))


def _space() -> dict[str, list[Any]]:
    state = st.session_state
    space: dict[str, list[Any]] = {
        "reasoning_effort": list(state.get("tune_effort") or []) or [None],
        "temperature": _numbers(state.get("tune_temperature", ""), "Temperatures", float),
        "top_p": _numbers(state.get("tune_top_p", ""), "top_p values", float),
        "max_tokens": _numbers(state.get("tune_max_tokens", ""), "Max tokens", int),
    }
    systems = [s.strip() for s in (state.get("tune_systems") or "").split("\n\n") if s.strip()]
    if systems:
        space["system"] = systems
    return space


def experiment_doc(source_key: str = "tune_source", file_key: str = "tune_file") -> tuple[Any, str]:
    """The chosen experiment as JSON and its name: the example, or the uploaded file."""
    if st.session_state.get(source_key, SOURCES[0]) == SOURCES[0]:
        return json.loads(EXAMPLE.read_text()), "the example"
    upload = st.session_state.get(file_key)
    if upload is None:
        raise ExperimentError("Choose an experiment file first.")
    try:
        return json.loads(upload.getvalue().decode("utf-8")), upload.name
    except (UnicodeDecodeError, ValueError):
        raise ExperimentError(f"{upload.name} is not a JSON file.") from None


def start(base: Variant) -> None:
    """Plan and start a tuning from the view's values; a problem is shown and nothing is sent."""
    try:
        doc, where = experiment_doc()
        experiment = parse_experiment(doc, where=where, env=Environment(dict(os.environ), cfg.secrets()))
        variants = settings(base, _space())
        if len(variants) > MAX_SETTINGS:
            raise ExperimentError(f"{len(variants)} settings; at most {MAX_SETTINGS} can be searched.")
    except ExperimentError as exc:
        st.session_state[RESULT] = str(exc)
        return
    suite = replace(experiment.suite, variants=tuple(variants), judge=judge.default_judge(base))
    if tune_job.available():  # a job: it outlives the tab, and any session or replica sees it
        st.session_state[RUNNING], st.session_state[RESULT] = None, None
        cap = st.session_state["tune_cap_decimal"]
        st.session_state[RESULT] = tune_job.start(doc, where=where, suite=suite, variants=variants, cap=cap)
        return
    budget = Budget(st.session_state["tune_cap_decimal"])
    allow = Environment(dict(os.environ), cfg.secrets()).allow
    evaluator = RunnerEvaluator(suite, repeats=1, budget=budget, concurrency=8, allow=allow)
    job = TuneJob(tuple(variants), budget, evaluator, rows=len(suite.rows))

    def work() -> None:
        try:
            job.result = Tuner([v.label for v in variants], evaluator, rows=len(suite.rows), seed=0).run()
        except Exception as exc:  # noqa: BLE001 - shown on the page, never a traceback
            job.error = f"The tuning stopped: {exc.__class__.__name__}."

    job.thread = threading.Thread(target=work, daemon=True, name="tune")
    st.session_state[RUNNING], st.session_state[RESULT] = job, None
    job.thread.start()


def apply(index: int) -> None:
    """Put setting ``index`` of the last tuning into the playground's sidebar and open the playground."""
    job: TuneJob = st.session_state[RUNNING]
    for name, value in live.sidebar_values(job.variants[index]).items():
        st.session_state[name] = value
    st.session_state[live.GO_PLAYGROUND] = True


def render(variants: list[Variant]) -> None:
    """The view: inputs, the Tune button, progress while it runs, and the frontier when it ends."""
    base = variants[0]
    st.caption(
        f"Tunes the first column ({base.label}) on a test set with its graders: a few rows on every setting, "
        "then only the settings not credibly worse, never passing the cap."
    )
    for name, value in DEFAULTS.items():  # seeded once: the widgets take no default (their values are kept)
        st.session_state.setdefault(name, value)
    st.radio("Test set", SOURCES, key="tune_source", horizontal=True)
    if st.session_state.get("tune_source") == SOURCES[1]:
        st.file_uploader("Experiment (JSON)", type=["json"], key="tune_file")
    left, right = st.columns(2)
    left.multiselect("Reasoning effort", ["low", "high"], key="tune_effort")
    left.text_input("Temperatures", key="tune_temperature")
    left.text_input("top_p values", key="tune_top_p")
    right.text_input("Max tokens", key="tune_max_tokens")
    right.text_area("Alternative system messages", key="tune_systems", help="A blank line between two messages.")
    right.number_input("Spend cap (USD)", min_value=0.01, max_value=1000.0, step=0.05, key="tune_cap")
    job: TuneJob | None = st.session_state.get(RUNNING)
    job_id = st.session_state.get(tune_job.JOB)
    status = jobs.status_of(job_id) if job_id else None
    running = (job is not None and job.thread is not None and job.thread.is_alive()) or bool(
        status and status.live
    )
    st.button(
        "Tune", key="tune_go", type="primary", icon=":material/tune:", disabled=running, on_click=_go, args=(base,)
    )
    problem = st.session_state.get(RESULT)
    if isinstance(problem, str):
        st.error(problem, icon=":material/error:")
        return
    if job is None and job_id:
        _from_job(job_id, status, base)
        return
    if job is None:
        return
    _wait(job)
    if job.evaluator is not None and job.evaluator.simulated:  # said with every result it shaped
        st.info(simulate.RULE, icon=":material/science:")
    if job.error:
        st.error(job.error, icon=":material/error:")
    elif job.result is not None:
        _show(job.result, job.budget.cap, on_apply=apply, args=())


def _go(base: Variant) -> None:
    """The Tune button's callback: plan and start before the page is drawn, so the button is drawn disabled in
    the click's own run."""
    st.session_state["tune_cap_decimal"] = Decimal(str(round(st.session_state.get("tune_cap", 0.30), 2)))
    start(base)


def _from_job(job_id: str, status: JobStatus | None, base: Variant) -> None:
    """A tuning job: live while it runs, then its result with Apply."""
    got = tune_job.render(job_id, status)
    if got is None or got[1] is None:
        return
    status, result = got
    if tune_job.simulated(job_id):  # said with every result it shaped
        st.info(simulate.RULE, icon=":material/science:")
    _show(result, status.cap, on_apply=tune_job.apply, args=(job_id,), base=base)


def _wait(job: TuneJob) -> None:
    """Progress (money spent of the cap) until the tuning ends; a click in between leaves it running."""
    if job.thread is None or not job.thread.is_alive():
        return
    bar = st.progress(0.0, text="Tuning…")
    while job.thread.is_alive():
        cap = job.budget.cap or 1
        spent = job.budget.spent
        bar.progress(min(1.0, float(spent / cap)), text=f"Tuning… {format_usd(spent)} of {format_usd(cap)} spent")
        time.sleep(POLL)
    bar.empty()


def _show(
    result: TuneResult, cap: Decimal | None, *, on_apply: Any, args: tuple, base: Variant | None = None
) -> None:
    """The recommendation with Apply, the frontier chart and table, and the search's log."""
    if result.recommended is None:
        st.warning(
            "No setting could be recommended: the cap left no room for a single round.", icon=":material/warning:"
        )
        return
    best = result.points[result.recommended]
    st.success(
        f"Recommended: **{best.label}**: passes {best.pass_rate.points()}, "
        f"{format_usd(best.cost_per_1000 or 0)} per 1,000 requests. "
        f"Spent {format_usd(result.spent)} of {format_usd(cap or 0)} on {result.rows_used:,} rows.",
        icon=":material/check_circle:",
    )
    st.button(
        "Apply to the playground",
        key="tune_apply",
        type="primary",
        icon=":material/input:",
        on_click=on_apply,
        args=(*args, result.recommended, *((base,) if base is not None else ())),
    )
    frame = pd.DataFrame(
        {
            "Setting": [p.label for p in result.points],
            "Rows": [p.pass_rate.rows for p in result.points],
            "Pass rate (%)": [
                round(p.pass_rate.estimate * 100) if p.pass_rate.rows else None for p in result.points
            ],
            "95 % interval": [
                p.pass_rate.points().split(" ", 2)[-1].strip("()") if p.pass_rate.rows else "–"
                for p in result.points
            ],
            "Cost per 1,000 requests (USD)": [
                float(p.cost_per_1000) if p.cost_per_1000 is not None else None for p in result.points
            ],
            "p95 latency (s)": [p.p95_seconds for p in result.points],
            "Status": [_status(result, p.arm) for p in result.points],
        }
    )
    st.scatter_chart(frame, x="Cost per 1,000 requests (USD)", y="Pass rate (%)", color="Status", height=280)
    st.dataframe(
        frame,
        hide_index=True,
        key="tune_table",
        column_config={
            "Pass rate (%)": st.column_config.NumberColumn(format="%d %%"),
            "Cost per 1,000 requests (USD)": st.column_config.NumberColumn(format="$%.4f"),
            "p95 latency (s)": st.column_config.NumberColumn(format="%.2f s"),
        },
    )
    with st.expander("What was dropped and why", icon=":material/filter_alt:"):
        for line in result.log:
            st.text(line)


def _status(result: TuneResult, arm: int) -> str:
    point = result.points[arm]
    if arm == result.recommended:
        return "Recommended"
    if point.dropped:
        return "Dropped"
    return "On the frontier" if point.on_frontier else "Kept"
