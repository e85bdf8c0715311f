"""History's Jobs part: this visitor's running and finished jobs (title, state, progress, spend, when), each with
a button that opens it on the compare page (``?job=<id>``), where its progress or its results are."""

from __future__ import annotations

import re

import streamlit as st

from components import jobs as shared
from playground.jobs.reading import JobStatus

POLL = 2.0  # seconds between looks while a job runs


def _line(job: JobStatus, is_offline: bool) -> str:
    parts = [shared.state_words(job), shared.progress_words(job), shared.spend_words(job, is_offline=is_offline)]
    if left := shared.time_left(job):
        parts.append(left)
    parts.append(f"started {shared.when(job.created_at)}")
    if job.finished_at is not None:
        parts.append(f"ended {shared.when(job.finished_at)}")
    return " · ".join(parts)


def _row(job: JobStatus) -> None:
    with st.container(border=True, key=re.sub(r"\W", "_", f"hist_job_{job.id}")):
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.markdown(f"**{shared.escaped(job.title) or 'A job'}**")  # the title as written, never as Markdown
        found = shared.document(job.id)
        line = _line(job, shared.offline(found) if found else False)
        if job.live:
            left.progress(shared.share(job), text=line)
        else:
            left.caption(line)
        if job.note:
            left.caption(shared.escaped(job.note))
        if right.button("Open", key=f"hist_job_open_{job.id}", icon=":material/open_in_new:"):
            st.switch_page("pages/compare.py", query_params={shared.JOB_PARAM: job.id})


def render() -> None:
    """The jobs list; it polls on its own while any of them runs."""
    found = shared.jobs_here()
    if not found:
        st.caption("No jobs yet: a run started in Compare's Evaluate view is kept here, running or finished.")
        return
    if any(j.live for j in found):
        _polled()
        return
    for job in found:
        _row(job)


@st.fragment(run_every=POLL)
def _polled() -> None:
    for job in shared.jobs_here():
        _row(job)
