"""The Evaluate view's stored runs: every finished run kept with a saved experiment, one marked as the baseline,
any other run compared with it (changed rows side by side, differences highlighted), and the runs over time.

Needs the store (``PLAYGROUND_DATABASE_URL``); without it the Evaluate view keeps its baseline in the session.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from components import persist
from components.jobs import escaped  # model text as literal Markdown (one reading for every page)
from playground.eval import history
from playground.eval.baseline import Regression
from playground.money.pricing import format_usd
from playground.store import RunEntry

PREFIX = "Evaluation: "
PICK = "eval_run_pick"
KIND = "eval"
_DIFF = re.compile(r"\[-(.*?)-\]|\{\+(.*?)\+\}", re.S)


def highlighted(diff: str, *, side: str) -> str:
    """One side of a word diff as Markdown: removed words on a red background (before), added on green (after)."""
    out, last = [], 0
    for match in _DIFF.finditer(diff):
        out.append(escaped(diff[last : match.start()]))
        removed, added = match.group(1), match.group(2)
        if side == "before" and removed is not None:
            out.append(f":red-background[{escaped(removed)}]")
        if side == "after" and added is not None:
            out.append(f":green-background[{escaped(added)}]")
        last = match.end()
    out.append(escaped(diff[last:]))
    return "".join(out) or "_(empty)_"


def show_regressions(regressions: Sequence[Regression]) -> None:
    """Each variant against the baseline: pass rate, cost and p95 latency with intervals, then the changed rows."""
    for reg in regressions:
        st.markdown(escaped(reg.sentence()))
        for shift in (reg.cost, reg.latency):
            if shift is not None:
                st.caption(escaped(shift.sentence()))
        for change in reg.changed[:20]:
            with st.container(border=True, key=re.sub(r"\W", "_", f"eval_change_{reg.label}_{change.row}")):
                st.caption(
                    f"{reg.label}, row {change.row + 1}: passed {sum(change.before)} of {len(change.before)} → "
                    f"{sum(change.after)} of {len(change.after)}"
                )
                before, after = st.columns(2)
                before.markdown("Baseline: " + highlighted(change.diff, side="before"))
                after.markdown("This run: " + highlighted(change.diff, side="after"))


def _owner() -> str:
    return persist.current_workspace().owner


def experiment_id(where: str, doc: Any = None) -> str | None:
    """The saved experiment the runs of ``where`` are kept with (made when ``doc`` is given and there is none)."""
    owner, name = _owner(), PREFIX + where
    found = persist.reachable(lambda s: s.experiment_index(owner=owner), default=None) or []
    match = next((e.id for e in found if e.kind == KIND and e.name == name), None)
    if match is not None or doc is None:
        return match
    definition = {"kind": KIND, "source": where, "experiment": doc}
    masked = persist.typed_keys()
    return persist.reachable(
        lambda s: s.save_experiment(owner=owner, name=name, definition=definition, secrets=masked), default=None
    )


def keep_run(where: str, doc: Any, result: dict[str, Any], *, job: str | None = None) -> str | None:
    """Store a finished run with its experiment (``job``: the job it ran as); its id (None without a database)."""
    exp = experiment_id(where, doc)
    if exp is None:
        return None
    owner, masked, summary = _owner(), persist.typed_keys(), history.run_summary(result)
    if job is not None:
        summary["job"] = job  # a run is kept once per job, whichever session sees it end
    run_id = persist.reachable(
        lambda s: s.save_run(owner=owner, experiment_id=exp, summary=summary, result=result, secrets=masked),
        default=None,
    )
    if run_id is not None:
        st.session_state[PICK] = run_id  # the run just made is the one compared
    return run_id


def mark(run_id: str) -> None:
    owner = _owner()
    persist.reachable(lambda s: s.mark_baseline(owner=owner, run_id=run_id), default=False)


def _when(moment: datetime) -> str:
    return f"{moment:%-d %b %Y, %H:%M} UTC"


def _rate(rate: float | None, low: float | None, high: float | None) -> str:
    if rate is None:
        return "–"
    if low is None or high is None:
        return f"{rate * 100:.0f} %"
    return f"{rate * 100:.0f} % ({low * 100:.0f}–{high * 100:.0f} %)"


def _table(runs: Sequence[RunEntry]) -> pd.DataFrame:
    lines = []
    for number, run in enumerate(runs, start=1):
        for v in run.summary.get("variants") or []:
            rate, low, high = v.get("pass_rate"), v.get("low"), v.get("high")
            lines.append(
                {
                    "Run": number,
                    "When": _when(run.created_at),
                    "Baseline": run.baseline,
                    "Variant": str(v.get("label")),
                    "Pass rate": _rate(rate, low, high),
                    "Cost": format_usd(Decimal(str(v.get("cost_usd") or 0))),
                    "p95 latency (s)": v.get("p95_seconds"),
                }
            )
    return pd.DataFrame(lines)


def _chart(runs: Sequence[RunEntry]) -> None:
    points = pd.DataFrame(history.chart_points([(r.created_at, r.summary) for r in runs]))
    if points.empty:
        return
    points["When"] = [_when(w) for w in points["When"]]
    x = alt.X("Run:O", title="Run (oldest first)")
    color = alt.Color("Variant:N", title="Variant")
    tip = ["Run", "When", "Variant", "Pass rate (%)", "Low (%)", "High (%)", "Cost (USD)"]
    base = alt.Chart(points)
    title = "Pass rate (%) with its 95 % interval"  # one title on both layers (different ones would be joined)
    band = base.mark_errorbar().encode(x=x, y=alt.Y("Low (%):Q", title=title), y2="High (%):Q", color=color)
    line = base.mark_line(point=True).encode(
        x=x, y=alt.Y("Pass rate (%):Q", title=title), color=color, tooltip=tip
    )
    cost = base.mark_line(point=True).encode(
        x=x, y=alt.Y("Cost (USD):Q", title="Cost (USD)"), color=color, tooltip=tip
    )
    left, right = st.columns(2)
    left.altair_chart((band + line).properties(title="Pass rate over the runs"), key="eval_runs_rate")
    right.altair_chart(cost.properties(title="Cost over the runs"), key="eval_runs_cost")


def render(where: str) -> None:
    """The runs kept for ``where``: table, chart, a run to compare and the comparison with the baseline."""
    exp = experiment_id(where)
    owner = _owner()
    runs = persist.reachable(lambda s: s.list_runs(owner=owner, experiment_id=exp), default=[]) if exp else []
    if not runs:
        return
    st.subheader(f"Runs of {where} ({len(runs)})", divider="gray")
    st.dataframe(
        _table(runs),
        hide_index=True,
        key="eval_runs",
        column_config={
            "Baseline": st.column_config.CheckboxColumn("Baseline"),
            "p95 latency (s)": st.column_config.NumberColumn(format="%.2f s"),
        },
    )
    _chart(runs)
    numbers = {r.id: n for n, r in enumerate(runs, start=1)}
    by_id = {r.id: r for r in runs}
    if st.session_state.get(PICK) not in by_id:
        st.session_state[PICK] = runs[-1].id
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    picked = left.selectbox(
        "Run",
        list(by_id)[::-1],
        key=PICK,
        format_func=lambda i: (
            f"Run {numbers[i]} · {_when(by_id[i].created_at)}" + (" · baseline" if by_id[i].baseline else "")
        ),
    )
    right.button(
        "Mark as the baseline", key="eval_mark", icon=":material/bookmark:", on_click=mark, args=(picked,)
    )
    base = next((r for r in runs if r.baseline), None)
    if base is None:
        st.caption("No baseline yet: mark a run as the baseline, and later runs are compared with it.")
        return
    if base.id == picked:
        st.caption(f"Run {numbers[picked]} is the baseline: pick another run to compare it with the baseline.")
        return
    _compare(owner, picked, base.id, numbers)


def _compare(owner: str, picked: str, base: str, numbers: dict[str, int]) -> None:
    loaded = persist.reachable(
        lambda s: (s.load_run(owner=owner, run_id=picked), s.load_run(owner=owner, run_id=base)), default=None
    )
    if loaded is None or None in loaded:
        st.caption("Those runs cannot be read right now.")
        return
    now, baseline = loaded
    st.subheader(f"Run {numbers[picked]} against the baseline (run {numbers[base]})", divider="gray")
    regressions = history.compare_runs(now.result, baseline.result)
    if not regressions:
        st.caption("This run and the baseline have no variant in common (compared by their labels).")
    show_regressions(regressions)
