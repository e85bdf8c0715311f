"""The Evaluate view's job: its live progress polled on its own (done of total, running, failed, spend against the
cap, time left), the results finished so far, a Stop that stops it from any session, and once it ends the final
summary with the run kept beside the experiment's other runs. ``?job=<id>`` keeps the view on it across reloads.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from components import jobs, persist
from components.compare import batch_choice, eval_runs
from components.compare.eval_runs import escaped
from playground.eval import costs, history, report, simulate, summary
from playground.eval import runner as r
from playground.eval.experiment import ExperimentError
from playground.jobs import reading, spec
from playground.jobs.reading import JobStatus
from playground.money.pricing import format_usd

JOB = "eval_job"  # session: the job the Evaluate view shows
POLL = 1.0  # seconds between looks at a running job
_KEEPING = threading.Lock()  # two sessions seeing a job end at once keep its run once


@dataclass(frozen=True, slots=True)
class Finished:
    """What the job's units came back with, read on their own."""

    labels: list[str]
    attempts: list[r.Attempt]
    sums: list[summary.VariantSummary]


def where_of(job: JobStatus) -> str:
    return job.title.removeprefix(eval_runs.PREFIX)


def open_from_url() -> None:
    """``?job=<id>`` opens that job in the Evaluate view when it is this visitor's (else a short note, nothing
    of anyone else's); read whenever it names another job than the one shown (a reload, a link from History)."""
    wanted = st.query_params.get(jobs.JOB_PARAM)
    if not wanted or wanted in (st.session_state.get(JOB), st.session_state.get("tune_job")):
        return
    found = jobs.status_of(wanted)
    if found is None:
        st.query_params.pop(jobs.JOB_PARAM, None)
        st.info("The job in this address cannot be opened: it is not one of your jobs.", icon=":material/info:")
        return
    if found.kind == "tune":  # a tuning job opens in the Tune view
        st.session_state["tune_job"], st.session_state["cmp_view"] = wanted, "Tune"
        return
    st.session_state[JOB] = wanted
    st.session_state["cmp_view"] = "Evaluate"


def point_url(job_id: str | None) -> None:
    """The address names the job the view shows (none: no job in the address)."""
    if job_id:
        if st.query_params.get(jobs.JOB_PARAM) != job_id:
            st.query_params[jobs.JOB_PARAM] = job_id
    elif jobs.JOB_PARAM in st.query_params:
        del st.query_params[jobs.JOB_PARAM]


def read(job_id: str) -> Finished:
    """The finished units as attempts, summarised per variant."""
    found = reading.document(jobs.engine(), job_id)
    doc = found[0] if found else {}
    labels = jobs.labels(doc)
    results = reading.results(jobs.engine(), job_id)
    _labels, attempts = history.attempts_from_result(
        {"variants": [{"label": x} for x in labels], "results": results}
    )
    return Finished(labels, attempts, summary.summarize(attempts, labels))


def table(found: Finished) -> None:
    st.dataframe(
        pd.DataFrame(
            {
                "Variant": found.labels,
                "Answers": [sum(1 for a in found.attempts if a.variant == i) for i in range(len(found.labels))],
                "Pass rate": [s.pass_rate.points() if s.pass_rate.rows else "–" for s in found.sums],
                "Flip rate": [summary.percent(s.flip_rate) for s in found.sums],
                "Cost": [format_usd(s.answer_cost) for s in found.sums],
                "Judge cost": [format_usd(s.judge_cost) for s in found.sums],
                "p95 latency (s)": [s.p95_seconds for s in found.sums],
            }
        ),
        hide_index=True,
        key="eval_table",
        column_config={"p95 latency (s)": st.column_config.NumberColumn(format="%.2f s")},
    )


def _line(job: JobStatus, doc: dict[str, Any]) -> str:
    left = jobs.time_left(job)
    parts = [jobs.progress_words(job), jobs.spend_words(job, is_offline=jobs.offline(doc))]
    return " · ".join([*parts, left] if left else parts)


@st.fragment(run_every=POLL)
def live(job_id: str) -> None:
    """The running job, polled without rerunning the page; the whole page reruns once it ends."""
    job = jobs.status_of(job_id)
    if job is None:
        return
    if not job.live:
        st.rerun()  # the page settles by itself: the final summary, the Evaluate button back
    found = reading.document(jobs.engine(), job_id)
    doc = found[0] if found else {}
    st.progress(jobs.share(job), text=f"{jobs.state_words(job)} · {_line(job, doc)}")
    phase = batch_choice.job_words(job)
    if phase is not None:
        st.info(phase, icon=":material/inventory_2:")
    st.button(
        "Stop",
        key="eval_job_stop",
        icon=":material/stop_circle:",
        on_click=jobs.stop,
        args=(job_id,),
        disabled=job.state == "stopping",
        help="Stops the job for every tab and replica; what finished stays.",
    )
    if job.backend == "queue":
        st.caption(
            "The job runs on the team's workers: close this tab and it goes on; History lists it under Jobs."
        )
        if job.state == "queued":
            st.caption(
                "Waiting for a worker: start one with `python -m playground.worker` on any machine that reaches "
                "the database and the provider."
            )
    else:
        st.caption("The job runs on the server: close this tab and it goes on; History lists it under Jobs.")
    finished = read(job_id)
    if finished.attempts:
        st.caption(f"Results so far ({len(finished.attempts):,} answers):")
        table(finished)


def render(job_id: str, job: JobStatus | None) -> JobStatus | None:
    """The job the view shows: live while it runs, its final summary once it has ended (None: not there).

    ``job`` is its status as read once for this run, the one the Evaluate button above was drawn from: read again
    here, a job ending in between would show its final summary beside a button still disabled, and nothing would
    rerun the page."""
    if job is None:
        st.session_state.pop(JOB, None)
        point_url(None)
        return None
    point_url(job_id)
    if job.live:
        live(job_id)
    else:
        final(job)
    return job


def _forecast(doc: dict[str, Any], repeats: int) -> tuple[r.Suite, costs.Forecast, float] | None:
    env = jobs.environment()
    try:
        experiment = spec.read(doc, env=env)
    except ExperimentError:
        return None
    suite = experiment.suite
    cells = [(row, v) for row in range(len(suite.rows)) for v in range(len(suite.variants))]
    forecast = costs.forecast(suite, r.plan(suite, cells, repeats), env=env.env, secrets=env.secrets)
    return suite, forecast, experiment.target


def final(job: JobStatus) -> None:
    """An ended job: how it ended, its summary and differences, the judge's cost against its prediction, spend."""
    doc, repeats = reading.document(jobs.engine(), job.id) or ({}, 1)
    outcome = f"{jobs.state_words(job)} · {_line(job, doc)}"
    (st.success if job.state == "finished" and not job.failed else st.warning)(outcome, icon=":material/task_alt:")
    if job.note:
        st.caption(job.note)
    found = read(job.id)
    answers = sum((a.cost or Decimal(0) for a in found.attempts), Decimal(0))
    priced = batch_choice.priced_words(job, answers=answers, is_offline=jobs.offline(doc))
    if priced is not None:
        st.caption(priced)
    if not found.attempts:
        return
    if any(a.simulated for a in found.attempts):
        st.info(simulate.RULE, icon=":material/science:")
    table(found)
    planned = _forecast(doc, repeats)
    diffs = summary.compare_all(found.sums, repeats=repeats, forecast=planned[1] if planned else None)
    for d in diffs:
        st.markdown(escaped(d.sentence))
    if planned is not None:
        judged = sum((a.judge_cost for a in found.attempts), Decimal(0))
        f = planned[1]
        inside = "inside" if f.judges.low <= judged <= f.judges.high else "outside"
        st.caption(
            f"The judge cost {format_usd(judged)}, {inside} its predicted {format_usd(f.judges.low)} to "
            f"{format_usd(f.judges.high)}; {jobs.spend_sentence(job, is_offline=jobs.offline(doc))}."
        )
        run_id = _keep(job, doc, repeats, found, diffs, planned)
        if run_id is not None:
            st.button(
                "Keep as the baseline",
                key="eval_keep",
                icon=":material/bookmark:",
                on_click=eval_runs.mark,
                args=(run_id,),
            )
    eval_runs.render(where_of(job))


def _keep(
    job: JobStatus,
    doc: dict[str, Any],
    repeats: int,
    found: Finished,
    diffs: list[summary.Difference],
    planned: tuple[r.Suite, costs.Forecast, float],
) -> str | None:
    """The ended job's run among the experiment's kept runs (kept once, by whichever session sees it first)."""
    where = where_of(job)
    exp = eval_runs.experiment_id(where, doc)
    if exp is None:
        return None
    owner = jobs.owner()
    with _KEEPING:
        runs = persist.reachable(lambda s: s.list_runs(owner=owner, experiment_id=exp), default=[])
        kept = next((x.id for x in runs if x.summary.get("job") == job.id), None)
        if kept is not None:
            return kept
        suite, forecast, target = planned
        result = report.result_json(
            source=where,
            suite=suite,
            repeats=repeats,
            target=target,
            attempts=found.attempts,
            summaries=found.sums,
            differences=diffs,
            forecast=forecast,
            spent=job.spent,
            cap=job.cap,
            state=job.state,
        )
        run_id = eval_runs.keep_run(where, doc, result, job=job.id)
    return run_id
