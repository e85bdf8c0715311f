"""A plain test set run as a job ("Run as a job"): the set, its check as a grader and the columns become an
experiment document, enqueued and started like Evaluate's jobs; the Evaluate view then follows it (progress, Stop,
results; History lists it). The in-tab run, with its saved runs and exports, stays beside it."""

from __future__ import annotations

import json
from dataclasses import replace

import streamlit as st

from components import jobs
from components.compare import job_view
from playground.eval.experiment import ExperimentError, parse_experiment
from playground.experiments.saved import testset_definition
from playground.experiments.testrun import EvalRun
from playground.jobs import spec

NOTICE = "ts_job_notice"


def available() -> bool:
    return jobs.engine() is not None and jobs.owner() is not None


def start(run: EvalRun) -> None:
    """A callback: enqueue the prepared run as a job and switch to the Evaluate view, which follows it."""
    if run.check is None:
        st.session_state[NOTICE] = "Not started as a job: choose a check first (a job grades every answer)."
        return
    cap = run.budget.cap
    definition = testset_definition(
        run.variants,
        template=run.template,
        rows=run.records,
        check=run.check,
        cap=None if cap is None else str(cap),
        concurrency=run.concurrency,
    )
    doc = json.loads(json.dumps(definition.as_json()))  # JSON's own lists, as the schema reads them
    try:
        experiment = parse_experiment(doc, where="This test set", env=jobs.environment())
    except ExperimentError as exc:
        st.session_state[NOTICE] = f"Not started as a job: {exc}"
        return
    suite = replace(
        experiment.suite, variants=tuple(run.variants)
    )  # the columns as they are (a typed key stays here)
    engine, owner = jobs.engine(), jobs.owner()
    assert engine is not None and owner is not None
    job_id = spec.enqueue(
        engine,
        owner=owner,
        doc=doc,
        experiment=experiment,
        repeats=1,
        cap=cap,
        backend=jobs.backend_for(list(run.variants)),
        title=f"Evaluation: test set of {len(run.records):,} rows",
    )
    problem = jobs.start(job_id, suite)
    if problem:
        st.session_state[NOTICE] = problem
        return
    st.session_state[job_view.JOB] = job_id
    st.session_state["cmp_view"] = "Evaluate"
