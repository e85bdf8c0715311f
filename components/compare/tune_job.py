"""The Tune view's job: a tuning started with the store on runs as a job (its rounds are units; it outlives the
tab, another session or replica sees it, and a restarted server or a killed worker resumes it), polled on its own
while it runs; its result, kept with the job, is drawn by the Tune view for any session. ``?job=<id>`` keeps the
view on it across reloads."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import streamlit as st

from components import jobs
from components.compare import job_view, live
from playground.eval import runner as r
from playground.eval.export import export_doc
from playground.eval.tuner import TuneResult
from playground.experiments.variant import Variant
from playground.jobs import reading, tuning
from playground.jobs.reading import JobStatus

JOB = "tune_job"  # session: the tuning job the Tune view shows
POLL = 1.0
CONCURRENCY = 8


def available() -> bool:
    """Jobs are on here (a store, and a visitor whose jobs can be listed)."""
    return jobs.engine() is not None and jobs.owner() is not None


def start(doc: Any, *, where: str, suite: r.Suite, variants: list[Variant], cap: Decimal) -> str | None:
    """Enqueue and start the tuning as a job; a problem to show, or None (the view then follows the job)."""
    engine, owner = jobs.engine(), jobs.owner()
    assert engine is not None and owner is not None
    document = export_doc(doc, variants=variants, repeats=1, cap=cap)
    job_id = tuning.enqueue_tune(
        engine,
        owner=owner,
        doc=document,
        repeats=1,
        concurrency=CONCURRENCY,
        cap=cap,
        backend=jobs.backend_for(variants),
        title=f"Tuning: {where}",
    )
    st.session_state[JOB] = job_id
    job_view.point_url(job_id)
    return jobs.start(job_id, suite)


@st.fragment(run_every=POLL)
def _live(job_id: str) -> None:
    """The running tuning, polled without rerunning the page; the whole page reruns once it ends."""
    job = jobs.status_of(job_id)
    if job is None:
        return
    if not job.live:
        st.rerun()
    doc = jobs.document(job_id) or {}
    spend = jobs.spend_words(job, is_offline=jobs.offline(doc))
    share = float(job.spent / job.cap) if job.cap else jobs.share(job)
    st.progress(min(1.0, share), text=f"Tuning… {jobs.state_words(job)} · {job.done:,} requests · {spend}")
    st.button(
        "Stop",
        key="tune_job_stop",
        icon=":material/stop_circle:",
        on_click=jobs.stop,
        args=(job_id,),
        disabled=job.state == "stopping",
        help="Stops the tuning for every tab and replica; what it learnt so far is kept.",
    )
    where = "the team's workers" if job.backend == "queue" else "the server"
    st.caption(f"The tuning runs on {where}: close this tab and it goes on; History lists it under Jobs.")


def render(job_id: str, job: JobStatus | None) -> tuple[JobStatus, TuneResult | None] | None:
    """The job the view shows: live while it runs; once over, its status and result (None: not there). ``job`` is
    its status as read once for this run, the one the Tune button was drawn from (see ``job_view.render``)."""
    if job is None:
        st.session_state.pop(JOB, None)
        job_view.point_url(None)
        return None
    job_view.point_url(job_id)
    if job.live:
        _live(job_id)
        return None
    engine = jobs.engine()
    result = None if engine is None else tuning.outcome(engine, job_id)
    if result is None:
        note = f" {jobs.escaped(job.note)}" if job.note else ""
        st.warning(f"{jobs.state_words(job)} before a recommendation.{note}", icon=":material/warning:")
    return job, result


def simulated(job_id: str) -> bool:
    """Whether any answer of the tuning was simulated (the experiment opted in and the offline engine answered)."""
    engine = jobs.engine()
    return engine is not None and any(x.get("simulated") for x in reading.results(engine, job_id))


def apply(job_id: str, index: int, base: Variant) -> None:
    """Put setting ``index`` of a tuning job into the playground's sidebar (the first column's provider and model,
    the setting's parameters) and open the playground."""
    doc = jobs.document(job_id) or {}
    setting = (doc.get("variants") or [])[index]
    variant = base.with_params(str(setting.get("label") or base.label), **dict(setting.get("params") or {}))
    for name, value in live.sidebar_values(variant).items():
        st.session_state[name] = value
    st.session_state[live.GO_PLAYGROUND] = True
