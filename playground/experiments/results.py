"""A run's results: one line per request, a row-by-variant grid, totals per variant, CSV and JSON exports.

Costs stay exact: sums are Decimal, and tables carry them as text ("0.000123") so no float ever rounds them.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Sequence
from decimal import Decimal

import pandas as pd

from playground.money.pricing import ZERO

from .testrun import Cell
from .variant import Variant

COLUMNS = (
    "row",
    "variant",
    "status",
    "output",
    "input_tokens",
    "output_tokens",
    "reasoning_tokens",
    "cost_usd",
    "seconds",
    "check",
    "detail",
)


def _line(cell: Cell, variants: Sequence[Variant]) -> dict[str, object]:
    reply, usage = cell.outcome.reply, cell.outcome.reply.usage
    verdict = cell.verdict
    return {
        "row": cell.row + 1,
        "variant": variants[cell.variant].label,
        "status": reply.status,
        "output": cell.outcome.output(),
        "input_tokens": usage.prompt_tokens if usage else None,
        "output_tokens": usage.output_tokens if usage else None,
        "reasoning_tokens": usage.reasoning_tokens if usage else None,
        "cost_usd": str(reply.cost.total) if reply.cost is not None else "",
        "seconds": reply.timings.total,
        "check": None if verdict is None else ("pass" if verdict.passed else "fail"),
        "detail": (verdict.detail if verdict else "") or (reply.error or ""),
    }


def table(cells: Sequence[Cell], variants: Sequence[Variant]) -> pd.DataFrame:
    """One line per finished request, in grid order (row, then variant)."""
    ordered = sorted(cells, key=lambda c: (c.row, c.variant))
    return pd.DataFrame([_line(c, variants) for c in ordered], columns=list(COLUMNS))


def grid(lines: pd.DataFrame) -> pd.DataFrame:
    """Rows by variants: for each variant its output, tokens, cost, time and check, side by side."""
    if lines.empty:
        return pd.DataFrame()
    lines = lines.assign(tokens=lines["output_tokens"])
    wide = lines.pivot(index="row", columns="variant", values=["output", "tokens", "cost_usd", "seconds", "check"])
    order = list(dict.fromkeys(lines["variant"]))
    wide = wide.reorder_levels([1, 0], axis=1)
    wide = wide[[(v, f) for v in order for f in ("output", "tokens", "cost_usd", "seconds", "check")]]
    wide.columns = [f"{v}: {f}" for v, f in wide.columns]
    return wide


def p95(values: Sequence[float]) -> float | None:
    """The 95th percentile by nearest rank (the value 95 % of the sample is at or below)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def totals(cells: Sequence[Cell], variants: Sequence[Variant]) -> list[dict[str, object]]:
    """Per variant: requests, exact cost, median and p95 seconds, mean output tokens and the pass rate."""
    out = []
    for j, variant in enumerate(variants):
        mine = [c for c in cells if c.variant == j]
        replies = [c.outcome.reply for c in mine]
        seconds = [r.timings.total for r in replies if r.timings.total is not None]
        tokens = [r.usage.output_tokens for r in replies if r.usage is not None]
        graded = [c.verdict.passed for c in mine if c.verdict is not None]
        out.append(
            {
                "variant": variant.label,
                "requests": len(mine),
                "errors": sum(1 for r in replies if r.status == "error"),
                "cost_usd": sum((r.cost.total for r in replies if r.cost is not None), ZERO),
                "median_seconds": statistics.median(seconds) if seconds else None,
                "p95_seconds": p95(seconds),
                "mean_output_tokens": statistics.fmean(tokens) if tokens else None,
                "pass_rate": Decimal(sum(graded)) / len(graded) if graded else None,
            }
        )
    return out


def totals_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Totals as a table, money and rates as exact text."""
    frame = pd.DataFrame(rows)
    for name in ("cost_usd", "pass_rate"):
        if name in frame:
            frame[name] = frame[name].map(lambda v: "" if v is None else str(v))
    return frame


def to_csv(lines: pd.DataFrame) -> bytes:
    """The per-request lines as CSV."""
    return lines.to_csv(index=False).encode("utf-8")


def to_json(lines: pd.DataFrame, total_rows: list[dict[str, object]]) -> bytes:
    """The per-request lines and the totals as one JSON document (money as exact strings)."""
    doc = {
        "results": json.loads(lines.to_json(orient="records", force_ascii=False)),
        "totals": json.loads(totals_frame(total_rows).to_json(orient="records", force_ascii=False)),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
