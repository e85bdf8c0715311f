"""The compare page's test-set tab: template, rows, checks, cost cap and predicted range, progress, results."""

from __future__ import annotations

import json
import os
import time
from decimal import Decimal, InvalidOperation

import pandas as pd
import streamlit as st

from components import persist
from components import settings as cfg
from components.compare import rows as compare_rows
from components.compare import testset_job
from playground.experiments import checks, results, template
from playground.experiments.budget import CapError
from playground.experiments.saved import Definition
from playground.experiments.testrun import DEFAULT_CONCURRENCY, MAX_CONCURRENCY, EvalRun
from playground.experiments.variant import Variant
from playground.facts import providers
from playground.money.pricing import format_usd

RUNNING = "ts_running"  # the EvalRun in progress (a Stop's rerun stops it)
LAST = "ts_last"  # the last finished EvalRun
POLL = 0.2  # seconds between progress redraws
STARTER = pd.DataFrame({"question": ["What is 2 + 2?", "Name the capital of France."], "expected": ["4", "Paris"]})
NO_CHECK = "none"
LOADED_ROWS = "ts_loaded_rows"  # rows a saved experiment just loaded; _rows makes them the typed rows
TEMPLATE, DEFAULT_TEMPLATE = "ts_template", "{{question}}"
CONCURRENCY = "ts_concurrency"
EXPECTED = "ts_expected"  # the expected column (a column named expected, answer or label until one is picked)


def _rows() -> pd.DataFrame | None:
    """The uploaded file's rows, or the typed ones (both kept across view switches); None (with the error shown)
    when they cannot be read."""
    loaded = st.session_state.pop(LOADED_ROWS, None)
    if loaded is not None:
        compare_rows.replace_typed(loaded)
    return compare_rows.render(STARTER)


def _check(columns: list[str]) -> tuple[checks.Check | None, str | None]:
    """The chosen check, and what keeps it from running (no expected column chosen, a schema that is not JSON)."""
    kinds = [NO_CHECK, *checks.KINDS]
    labels = {NO_CHECK: "No check", **checks.KINDS}
    kind = st.selectbox("Check each output", kinds, key="ts_check", format_func=labels.__getitem__)
    if kind == NO_CHECK:
        return None, None
    if kind == "json":
        text = st.text_area("JSON schema (optional)", key="ts_schema", height=80)
        try:
            return checks.Check("json", schema=json.loads(text) if text.strip() else None), None
        except ValueError as exc:
            return None, f"The JSON schema is not JSON ({exc}): correct it or empty the box."
    state = st.session_state
    if state.get(EXPECTED) not in columns:  # a column named expected, answer or label; else the user picks one
        state[EXPECTED] = results.expected_column(columns)
    expected = st.selectbox(
        "Expected column", columns, key=EXPECTED, index=None, placeholder="Choose the column with the answers"
    )
    if expected is None:
        return None, "Choose the expected column: no column is named expected, answer or label."
    return checks.Check(kind, expected), None


def _cap() -> Decimal | None | str:
    text = st.text_input("Cost cap (USD, empty for none)", key="ts_cap", placeholder="0.50")
    if not text.strip():
        return None
    try:
        value = Decimal(text.strip().lstrip("$"))
    except InvalidOperation:
        return f"The cost cap {text!r} is not an amount in dollars: type one such as 0.50, or empty the box."
    if value.is_finite() and value >= 0:
        return value
    return f"The cost cap {text!r} is not an amount in dollars: type one such as 0.50, or empty the box."


def _allow(url: str) -> bool:
    return providers.base_url_allowed(url, os.environ, cfg.secrets())


def collect_stopped() -> bool:
    """A run interrupted by a rerun (Stop, or any other click): stop it, keep its results, and say so."""
    run = st.session_state.pop(RUNNING, None)
    if run is None:
        return False
    run.stop()
    run.wait(5)
    st.session_state[LAST] = run
    return True


def _progress(run: EvalRun, bar: st.delta_generator.DeltaGenerator) -> None:
    p = run.progress()
    left = f"about {p.left:.0f} s left" if p.left is not None else "starting"
    bar.progress(
        p.done / max(p.total, 1), text=f"{p.done:,} of {p.total:,} · {left} · {format_usd(p.spent)} spent"
    )


def _run(run: EvalRun) -> None:
    run.start()
    st.session_state[RUNNING] = run
    stop = st.empty()  # Stop is there while the set runs, gone when it ends
    stop.button("Stop", key="ts_stop", icon=":material/stop_circle:")  # a click reruns: collect_stopped stops it
    bar = st.progress(0.0, text="Starting")
    try:
        while not run.done:
            _progress(run, bar)
            time.sleep(POLL)
        _progress(run, bar)
    finally:
        run.stop()
    stop.empty()
    st.session_state.pop(RUNNING, None)
    st.session_state[LAST] = run


def render_results(run: EvalRun) -> None:
    """What ran, the grid (each row's inputs and expected value beside every variant's output), the totals and
    the exports."""
    (st.warning if run.state in ("capped", "stopped") else st.success)(run.summary())
    lines = results.run_lines(run)
    st.dataframe(results.grid(lines), key="ts_grid", hide_index=True)
    totals = results.totals(run.cells, run.variants)
    st.dataframe(results.totals_frame(totals), hide_index=True, key="ts_totals")
    left, right = st.columns(2)
    left.download_button(
        "Export CSV", results.to_csv(lines), "test-set.csv", "text/csv", key="ts_csv", icon=":material/download:"
    )
    right.download_button(
        "Export JSON",
        results.to_json(lines, totals),
        "test-set.json",
        "application/json",
        key="ts_json",
        icon=":material/download:",
    )


def _prepare(
    variants: list[Variant], frame: pd.DataFrame, *, prompt: str, problem: str | None, **settings: object
) -> tuple[EvalRun | None, str | None]:
    """The run these settings make, and what keeps it from starting (said above the Run button)."""
    if problem is not None:
        return None, problem
    ledger = persist.ledger()  # the daily budget and the spend ledger, as in the chat
    if isinstance(ledger, str):
        return None, ledger
    try:
        run = EvalRun(variants=variants, rows=frame, prompt=prompt, allow=_allow, ledger=ledger, **settings)
    except (template.TemplateError, checks.CheckError) as exc:
        return None, str(exc)
    pred = run.prediction
    st.info(
        f"{pred.requests:,} requests, predicted cost {format_usd(pred.low)} to {format_usd(pred.high)} "
        "(input estimated, output from none up to max tokens).",
        icon=":material/calculate:",
    )
    return run, pred.refusal(settings.get("cap"))  # type: ignore[arg-type]


def render(
    variants: list[Variant], *, interrupted: bool = False, blocked: str | None = None, autorun: bool = False
) -> None:
    """The whole tab; ``interrupted``: this run stopped a running one, so a carried-over Run click is ignored;
    ``blocked``: why a variant cannot be sent (its column says so too); ``autorun``: start it now (a saved
    experiment's "Run again").

    "Run the test set" is never disabled by what a text box last committed (a click right after typing commits
    the text with it): what keeps the set from running is said above the button, and again on a click.
    """
    st.session_state.setdefault(TEMPLATE, DEFAULT_TEMPLATE)  # a default in session state only, not in the widget
    prompt = st.text_area("Prompt template", key=TEMPLATE, help="Use {{column}} to insert a column of each row.")
    frame = _rows()
    if frame is None:
        return
    check, problem = _check(list(frame.columns))
    st.session_state.setdefault(CONCURRENCY, DEFAULT_CONCURRENCY)  # likewise: no default beside a state value
    concurrency = st.number_input("Requests at once", 1, MAX_CONCURRENCY, key=CONCURRENCY)
    cap = _cap()
    if isinstance(cap, str):
        problem, cap = problem or cap, None
    run, problem = _prepare(
        variants,
        frame,
        prompt=prompt,
        problem=problem or blocked,
        check=check,
        concurrency=int(concurrency),
        cap=cap,
    )
    if problem:
        st.error(problem, icon=":material/error:")
    with st.container(horizontal=True):
        clicked = st.button("Run the test set", key="ts_run", type="primary", icon=":material/play_arrow:")
        if testset_job.available() and run is not None and not problem:
            st.button(
                "Run as a job",
                key="ts_job",
                icon=":material/cloud_upload:",
                on_click=testset_job.start,
                args=(run,),
                help="Runs on the server (or the team's workers): it goes on when this tab closes. "
                "The Evaluate view follows it, and History lists it under Jobs.",
            )
    notice = st.session_state.pop(testset_job.NOTICE, None)
    if notice:
        st.error(notice, icon=":material/error:")
    if (clicked or autorun) and not interrupted:
        if run is None or problem:
            st.warning(f"Nothing ran. {problem}", icon=":material/block:")
        else:
            try:
                _run(run)
            except CapError as exc:
                st.error(str(exc), icon=":material/block:")
    last = st.session_state.get(LAST)
    if last is not None:
        render_results(last)


def load(definition: Definition) -> None:
    """Put a saved test set's template, rows, check, cap and concurrency into the view (a callback)."""
    state = st.session_state
    check = definition.check or {}
    state[TEMPLATE] = definition.prompt
    state["ts_check"] = check.get("kind") or NO_CHECK
    if check.get("expected"):
        state[EXPECTED] = check["expected"]
    state["ts_schema"] = json.dumps(check["schema"], indent=2) if check.get("schema") is not None else ""
    state["ts_cap"] = definition.cap or ""
    state[CONCURRENCY] = max(1, min(MAX_CONCURRENCY, definition.concurrency))
    state[LOADED_ROWS] = definition.make_rows()
    state.pop("ts_editor", None)  # edits made to other rows do not apply to these
