"""Pricing page: the same workload at reasoning effort low and high."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.state import conversation
from playground.facts.catalog import Model, Price
from playground.money.pricing import Measured, Projection, Volume, Workload, format_usd, measure_by_effort, project

LOW, HIGH = "pricing_effort_low", "pricing_effort_high"
SEEDED = "pricing_effort_seeded"  # (low replies, high replies) the inputs were last filled from
ASSUMED = {LOW: 250, HIGH: 1500}  # editable starting points, not measurements


def _seed(measured: dict[str, Measured]) -> bool:
    """Fill the inputs from measured replies when the session has both levels (again when more arrive)."""
    both = "low" in measured and "high" in measured
    if both:
        signature = (measured["low"].replies, measured["high"].replies)
        if st.session_state.get(SEEDED) != signature:
            st.session_state[LOW] = measured["low"].workload.reasoning_tokens
            st.session_state[HIGH] = measured["high"].workload.reasoning_tokens
            st.session_state[SEEDED] = signature
    for key, value in ASSUMED.items():
        st.session_state.setdefault(key, value)
    return both


def _row(label: str, reasoning: int, got: Projection) -> dict[str, object]:
    return {
        "Effort": label,
        "Reasoning tokens": reasoning,
        "Per request": format_usd(got.per_request.total),
        "Per day": format_usd(got.per_day.total),
        "Per month": format_usd(got.per_month.total),
        "Reasoning share": f"{got.per_request.reasoning / got.per_request.total:.0%}"
        if got.per_request.total
        else "0%",
    }


def effort_what_if(model: Model, workload: Workload, price: Price, volume: Volume) -> None:
    """Low against high effort for the estimator's workload; reasoning tokens per level are editable."""
    if not model.reasoning:
        st.info(
            f"{model.name} has no reasoning effort setting; this comparison is for Grok 3 Mini.",
            icon=":material/info:",
        )
    measured = measure_by_effort(conversation().replies)
    both = _seed(measured)
    left, right = st.columns(2)
    low = left.number_input(
        "Reasoning tokens at low effort", min_value=0, step=50, key=LOW, persist_state="session"
    )
    high = right.number_input(
        "Reasoning tokens at high effort", min_value=0, step=50, key=HIGH, persist_state="session"
    )
    if both:
        st.caption(
            f":material/check: Measured in this session: {measured['low'].replies} low-effort and "
            f"{measured['high'].replies} high-effort replies (average reasoning tokens per reply)."
        )
    else:
        st.caption(
            "Assumed reasoning tokens (edit them). Send prompts at both low and high effort on the "
            "Playground page to use measured values."
        )
    rows, projections = [], []
    for label, tokens in (("Low", int(low or 0)), ("High", int(high or 0))):
        work = Workload(workload.input_tokens, workload.cached_tokens, workload.output_tokens, tokens)
        got = project(work, price, volume)
        rows.append(_row(label, tokens, got))
        projections.append(got)
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="pricing_effort_table")
    extra = projections[1].per_month.total - projections[0].per_month.total
    word = "more" if extra >= 0 else "less"
    st.caption(
        f"High effort costs {format_usd(abs(extra))} {word} per month than low for this workload "
        "(input, cached input and answer tokens unchanged)."
    )
