"""A finished comparison as a table and a time-versus-cost chart: human headers, units, money as dollars."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from playground.experiments.diff import describe, difference
from playground.experiments.run import Outcome
from playground.experiments.variant import Variant
from playground.money.pricing import format_usd

HEADROOM = 1.2  # the chart's axes reach this far past the largest value, so no point sits on the edge
STATUS = {"complete": "Complete", "stopped": "Stopped", "error": "Error", "length": "Cut at max tokens"}
HELP = {
    "First token": "Seconds until the first token arrived",
    "Total time": "Seconds from sending to the last token",
    "Cost": "Exact cost in US dollars (estimated input for the offline engine)",
}


def _seconds(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f} s"


def _count(value: int | float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def status_text(status: str | None) -> str:
    """A reply's status in words ("Complete", "Stopped", …)."""
    return STATUS.get(status or "", (status or "").replace("_", " ").capitalize())


def results_frame(variants: Sequence[Variant], outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """One line per variant: status, timings, tokens, cost in dollars and the difference from the first."""
    base = outcomes[0].reply if outcomes else None
    lines = []
    for i, (v, o) in enumerate(zip(variants, outcomes, strict=False)):
        r, u = o.reply, o.reply.usage
        lines.append(
            {
                "Variant": v.label,
                "Model": v.model.name,
                "Status": status_text(r.status),
                "First token": _seconds(r.timings.first_token, 2),
                "Total time": _seconds(r.timings.total, 1),
                "Tokens per second": _count(r.timings.tokens_per_second),
                "Input tokens": _count(u.prompt_tokens if u else None),
                "Output tokens": _count(u.output_tokens if u else None),
                "Reasoning tokens": _count(u.reasoning_tokens if u else None),
                "Cost": format_usd(r.cost.total) if r.cost is not None else "",
                "Tool calls": ", ".join(c.name for c in o.calls),
                "Format": o.format_check.label if o.format_check is not None else "",
                "Compared with the first": describe(difference(base, r)) if i and base is not None else "",
            }
        )
    return pd.DataFrame(lines)


def render_table(frame: pd.DataFrame) -> None:
    """The results table, each column's meaning in its header's help; a column empty for every variant (no tool
    calls, no format) is left out so the rest fit."""
    config = {name: st.column_config.TextColumn(name, help=text) for name, text in HELP.items()}
    shown = frame.loc[:, [name for name in frame.columns if (frame[name].astype(str) != "").any()]]
    st.dataframe(shown, hide_index=True, key="cmp_table", column_config=config)


def render_chart(variants: Sequence[Variant], outcomes: Sequence[Outcome]) -> None:
    """Total time against cost, a point per variant with a known cost and time; titled axes, room at the edges."""
    points = [
        {"Variant": v.label, "seconds": o.reply.timings.total, "cost": float(o.reply.cost.total)}
        for v, o in zip(variants, outcomes, strict=False)
        if o.reply.cost is not None and o.reply.timings.total is not None
    ]
    if not points:
        return
    most_seconds = max(p["seconds"] for p in points) or 1.0
    most_cost = max(p["cost"] for p in points) or 0.000001
    spec = {
        "mark": {"type": "circle", "size": 140, "tooltip": True, "clip": False},
        "encoding": {
            "x": {
                "field": "seconds",
                "type": "quantitative",
                "title": "Total time (s)",
                "scale": {"domain": [0, most_seconds * HEADROOM], "nice": True},
                "axis": {"tickCount": 6, "labelOverlap": True},
            },
            "y": {
                "field": "cost",
                "type": "quantitative",
                "title": "Cost (USD)",
                "scale": {"domain": [0, most_cost * HEADROOM], "nice": True},
                "axis": {"tickCount": 5, "format": "$.6~f", "labelOverlap": True},
            },
            "color": {"field": "Variant", "type": "nominal", "title": "Variant"},
        },
        "height": 300,
        "padding": {"left": 8, "right": 16, "top": 12, "bottom": 8},
    }
    st.vega_lite_chart(pd.DataFrame(points), spec, width="stretch", key="cmp_chart")
