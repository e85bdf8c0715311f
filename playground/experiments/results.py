"""A run's results: one line per request, a row-by-variant grid, totals per variant, CSV and JSON exports.

Every line carries the row's inputs (the template's columns) and its expected value, so a result reads on its own.
Headers are words; costs stay exact (Decimal sums, carried as text such as "0.000123" in the exports, dollars on
screen), times are seconds, the pass rate a percentage, and a missing value is an empty cell, never ``None``.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Mapping, Sequence
from decimal import Decimal

import pandas as pd

from playground.money.pricing import ZERO, format_usd

from . import template
from .testrun import Cell, EvalRun
from .variant import Variant

ROW, EXPECTED, VARIANT, OUTPUT, CHECK = "Row", "Expected", "Variant", "Output", "Check"
COST, SECONDS = "Cost (USD)", "Seconds"
MEASURES = ("Status", OUTPUT, CHECK, "Detail", "Input tokens", "Output tokens", "Reasoning tokens", COST, SECONDS)
STATUS = {"complete": "Complete", "stopped": "Stopped", "error": "Error", "length": "Cut at max tokens"}
EXPECTED_NAMES = ("expected", "answer", "label")  # a column named so is the expected one (any case)


def expected_column(columns: Sequence[str]) -> str | None:
    """The column named expected, answer or label (case-insensitive, in that order of preference), or None."""
    lowered = {str(c).lower(): str(c) for c in reversed(columns)}
    return next((lowered[name] for name in EXPECTED_NAMES if name in lowered), None)


def input_columns(prompt: str, columns: Sequence[str], expected: str | None = None) -> list[str]:
    """The columns the template fills, in order of first use (the expected column shown on its own)."""
    have = {str(c) for c in columns}
    return [name for name in template.variables(prompt) if name in have and name != expected]


def _header(name: str, taken: set[str]) -> str:
    """An input column's header: its own name unless a result column already has it."""
    return name if name not in taken else f"{name} (input)"


def _status(status: str | None) -> str:
    return STATUS.get(status or "", (status or "").replace("_", " ").capitalize())


def _verdict(cell: Cell) -> str:
    return "" if cell.verdict is None else ("Pass" if cell.verdict.passed else "Fail")


def _measures(cell: Cell, variants: Sequence[Variant]) -> dict[str, object]:
    reply, usage, verdict = cell.outcome.reply, cell.outcome.reply.usage, cell.verdict
    total = reply.timings.total
    return {
        VARIANT: variants[cell.variant].label,
        "Status": _status(reply.status),
        OUTPUT: cell.outcome.output(),
        CHECK: _verdict(cell),
        "Detail": (verdict.detail if verdict else "") or (reply.error or ""),
        "Input tokens": usage.prompt_tokens if usage else "",
        "Output tokens": usage.output_tokens if usage else "",
        "Reasoning tokens": usage.reasoning_tokens if usage else "",
        COST: str(reply.cost.total) if reply.cost is not None else "",
        SECONDS: round(total, 3) if total is not None else "",
    }


def table(
    cells: Sequence[Cell],
    variants: Sequence[Variant],
    *,
    records: Sequence[Mapping[str, str]] = (),
    inputs: Sequence[str] = (),
    expected: str | None = None,
) -> pd.DataFrame:
    """One line per finished request, in grid order (row, then variant): the row's inputs and expected value,
    then what the variant answered, its check, tokens, cost and time."""
    taken = {ROW, EXPECTED, VARIANT, *MEASURES}
    heads = [(name, _header(name, taken)) for name in inputs]
    lines = []
    for cell in sorted(cells, key=lambda c: (c.row, c.variant)):
        record = records[cell.row] if cell.row < len(records) else {}
        line: dict[str, object] = {ROW: cell.row + 1}
        line |= {head: str(record.get(name, "")) for name, head in heads}
        if expected is not None:
            line[EXPECTED] = str(record.get(expected, ""))
        lines.append(line | _measures(cell, variants))
    columns = [ROW, *(h for _, h in heads), *([EXPECTED] if expected is not None else []), VARIANT, *MEASURES]
    return pd.DataFrame(lines, columns=columns)


def run_lines(run: EvalRun) -> pd.DataFrame:
    """``table`` for a run: its rows' template columns as the inputs, and its check's expected column (with no
    such check, a column named expected, answer or label)."""
    columns = [str(c) for c in run.records[0]] if run.records else []
    checked = run.check is not None and run.check.kind != "json"
    expected = run.check.expected if checked else expected_column(columns)  # type: ignore[union-attr]
    inputs = input_columns(run.template, columns, expected)
    return table(run.cells, run.variants, records=run.records, inputs=inputs, expected=expected)


def _seconds(value: object) -> str:
    return f"{value:.2f} s" if isinstance(value, int | float) else ""


def _dollars(value: object) -> str:
    return format_usd(Decimal(str(value))) if value not in ("", None) else ""


def grid(lines: pd.DataFrame) -> pd.DataFrame:
    """Rows by variants, for the screen: the row's inputs and expected value, then per variant its output, check,
    cost (dollars) and time (seconds), side by side; every cell text."""
    if lines.empty:
        return pd.DataFrame()
    head = list(lines.columns[: list(lines.columns).index(VARIANT)])
    rows = lines.drop_duplicates(ROW)[head].set_index(ROW)
    for variant in dict.fromkeys(lines[VARIANT]):
        mine = lines[lines[VARIANT] == variant].set_index(ROW)
        rows[f"{variant}: output"] = mine[OUTPUT]
        rows[f"{variant}: check"] = mine[CHECK]
        rows[f"{variant}: cost"] = mine[COST].map(_dollars)
        rows[f"{variant}: time"] = mine[SECONDS].map(_seconds)
    return rows.reset_index().fillna("")


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


def percent(rate: Decimal | None) -> str:
    """A pass rate as a whole percentage ("67 %"); empty when nothing was checked."""
    return "" if rate is None else f"{(rate * 100).quantize(Decimal(1)):,} %"


def totals_frame(rows: list[dict[str, object]], *, exact: bool = False) -> pd.DataFrame:
    """Totals with worded headers: dollars and seconds for the screen, or (``exact``) the exact cost as text and
    seconds as numbers for the exports. The pass rate is a percentage either way."""
    made = []
    for row in rows:
        cost, median, slow, mean = (
            row["cost_usd"],
            row["median_seconds"],
            row["p95_seconds"],
            row["mean_output_tokens"],
        )
        made.append(
            {
                VARIANT: row["variant"],
                "Requests": row["requests"],
                "Errors": row["errors"],
                COST if exact else "Cost": str(cost) if exact else format_usd(cost),  # type: ignore[arg-type]
                "Median seconds" if exact else "Median time": _number(median, exact),
                "95th percentile seconds" if exact else "95th percentile time": _number(slow, exact),
                "Mean output tokens": ("" if mean is None else round(mean, 1)) if exact else _count(mean),
                "Pass rate": percent(row["pass_rate"]),  # type: ignore[arg-type]
            }
        )
    return pd.DataFrame(made)


def _number(seconds: object, exact: bool) -> object:
    if seconds is None:
        return ""
    return round(seconds, 3) if exact else _seconds(seconds)  # type: ignore[call-overload]


def _count(value: object) -> str:
    return "" if value is None else f"{value:,.0f}"


def to_csv(lines: pd.DataFrame) -> bytes:
    """The per-request lines as CSV (inputs, expected value, output, check, tokens, exact cost, seconds)."""
    return lines.to_csv(index=False).encode("utf-8")


def to_json(lines: pd.DataFrame, total_rows: list[dict[str, object]]) -> bytes:
    """The per-request lines and the totals as one JSON document (money as exact strings)."""
    doc = {
        "results": json.loads(lines.to_json(orient="records", force_ascii=False)),
        "totals": json.loads(totals_frame(total_rows, exact=True).to_json(orient="records", force_ascii=False)),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
