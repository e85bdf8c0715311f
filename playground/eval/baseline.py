"""A run against a baseline run: each variant paired by row with the same label's baseline, its rows whose
verdict changed listed with both answers and their word-level differences.

A baseline is a result JSON that ``playground.eval.report`` wrote (``--json``): its per-row verdicts and answers.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from playground.money.pricing import format_usd

from . import stats
from .runner import Attempt
from .summary import VariantSummary

BASELINE_SCHEMA = {
    "type": "object",
    "required": ["variants"],
    "properties": {
        "variants": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["label", "rows"],
                "properties": {
                    "label": {"type": "string"},
                    "rows": {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": {"type": "boolean"}},
                    },
                },
            },
        },
        "results": {"type": "array", "items": {"type": "object"}},
    },
}
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
MAX_SHOWN = 10  # changed rows printed per variant (the JSON holds them all)


def word_diff(before: str, after: str) -> str:
    """``after`` with the words removed from ``before`` as ``[-…-]`` and the words added as ``{+…+}``."""
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            out.append("".join(old[i1:i2]))
            continue
        if i2 > i1:
            out.append("[-" + "".join(old[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + "".join(new[j1:j2]) + "+}")
    return "".join(out)


@dataclass(frozen=True, slots=True)
class ChangedRow:
    """One row whose share of passing repeats changed: both answers (the most frequent) and their differences."""

    row: int  # 0-based
    before: tuple[bool, ...]
    after: tuple[bool, ...]
    old_output: str
    new_output: str

    @property
    def diff(self) -> str:
        return word_diff(self.old_output, self.new_output)

    def line(self) -> str:
        was, now = sum(self.before), sum(self.after)
        return (
            f"row {self.row + 1}: passed {was} of {len(self.before)} → {now} of {len(self.after)}; "
            f"answer: {self.diff[:300]}"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "row": self.row + 1,
            "before": list(self.before),
            "after": list(self.after),
            "baseline_output": self.old_output,
            "output": self.new_output,
            "diff": self.diff,
        }


@dataclass(frozen=True, slots=True)
class Regression:
    """One variant against its baseline run: the paired difference and the rows whose verdict changed."""

    label: str
    comparison: stats.Comparison
    worse_rows: tuple[int, ...]
    better_rows: tuple[int, ...]
    changed: tuple[ChangedRow, ...] = ()
    cost: Shift | None = None
    latency: Shift | None = None

    @property
    def regressed(self) -> bool:
        return self.comparison.separable and self.comparison.diff.estimate < 0

    def sentence(self) -> str:
        diff = self.comparison.diff
        changed = f"{len(self.worse_rows)} rows now fail more often, {len(self.better_rows)} pass more often"
        if self.regressed:
            return (
                f"{self.label} regressed against the baseline: {abs(diff.estimate) * 100:.0f} ± "
                f"{max(1, round(diff.half_width * 100))} points fewer pass ({changed})."
            )
        return (
            f"{self.label} did not regress against the baseline ({stats.signed(diff.estimate)} points; {changed})."
        )


@dataclass(frozen=True, slots=True)
class Shift:
    """Cost per request or latency now against the baseline: both values, and the paired per-row difference."""

    what: str  # "cost" or "latency"
    before: float
    after: float
    diff: stats.Interval

    def _amount(self, value: float, *, sign: bool = False) -> str:
        if self.what == "cost":
            amount = Decimal(str(round(abs(value), 6)))
            text = format_usd(amount)
        else:
            amount = Decimal(str(round(abs(value), 2)))
            text = f"{amount:.2f} s"
        if not sign or amount == 0:
            return text if amount or self.what != "cost" else "$0"
        return ("−" if value < 0 else "+") + text

    def sentence(self) -> str:
        name = "Cost per answer (judging included)" if self.what == "cost" else "p95 latency"
        if not self.diff.rows:
            return f"{name}: {self._amount(self.before)} → {self._amount(self.after)}."
        low, high = self._amount(self.diff.low, sign=True), self._amount(self.diff.high, sign=True)
        mean = "cost" if self.what == "cost" else "time"
        change = self._amount(self.diff.estimate, sign=True)
        return (
            f"{name}: {self._amount(self.before)} → {self._amount(self.after)}; the mean {mean} per request "
            f"changed by {change} (95 % interval {low} to {high}, paired by row)."
        )


def _per_row(items: Sequence[tuple[int, float | None]]) -> dict[int, list[float]]:
    out: dict[int, list[float]] = {}
    for row, value in items:
        if value is not None:
            out.setdefault(row, []).append(value)
    return out


def _shift(what: str, old: dict[int, list[float]], new: dict[int, list[float]], *, seed: int) -> Shift:
    rows = [r for r in old if r in new]
    diffs = np.array([np.mean(new[r]) - np.mean(old[r]) for r in rows], dtype=float)
    interval = stats.bootstrap_mean(diffs, seed=seed, bounded=False, clip=False)
    if what == "cost":
        before = float(np.mean([v for r in old.values() for v in r])) if old else 0.0
        after = float(np.mean([v for r in new.values() for v in r])) if new else 0.0
    else:
        before = stats.p95([v for r in old.values() for v in r]) or 0.0
        after = stats.p95([v for r in new.values() for v in r]) or 0.0
    return Shift(what, before, after, interval)


def shifts(label: str, index: int, attempts: Sequence[Attempt], baseline: Mapping[str, Any], *, seed: int = 0):  # noqa: ANN201
    """(cost per request, latency) now against the baseline's results for ``label`` (cost includes judging)."""
    results = [
        x for x in baseline.get("results") or [] if x.get("variant") == label and isinstance(x.get("row"), int)
    ]

    def cost_of(item: Mapping[str, Any]) -> float | None:
        if item.get("cost_usd") is None:
            return None
        judged = sum(float(j.get("cost_usd") or 0) for j in item.get("judge") or [])
        return float(item["cost_usd"]) + judged

    old_cost = _per_row([(x["row"] - 1, cost_of(x)) for x in results])
    old_time = _per_row([(x["row"] - 1, x.get("seconds")) for x in results])
    mine = [a for a in attempts if a.variant == index]
    new_cost = _per_row(
        [(a.row, float((a.cost or 0) + a.judge_cost) if a.cost is not None else None) for a in mine]
    )
    new_time = _per_row([(a.row, a.seconds) for a in mine])
    return _shift("cost", old_cost, new_cost, seed=seed), _shift("latency", old_time, new_time, seed=seed)


def _answers(results: Sequence[Mapping[str, Any]], label: str) -> dict[int, str]:
    """The baseline's most frequent answer per row (0-based) for ``label``."""
    outputs: dict[int, list[str]] = {}
    for item in results:
        if item.get("variant") == label and isinstance(item.get("row"), int):
            outputs.setdefault(item["row"] - 1, []).append(str(item.get("output") or ""))
    return {row: stats.group_answers(texts)[0][0] for row, texts in outputs.items()}


def against_baseline(
    summaries: Sequence[VariantSummary],
    attempts: Sequence[Attempt],
    baseline: Mapping[str, Any],
    *,
    seed: int = 0,
) -> list[Regression]:
    """Each variant that the baseline also ran, compared row by row (baseline as A, now as B)."""
    before = {v["label"]: {int(k): list(r) for k, r in v["rows"].items()} for v in baseline["variants"]}
    results = baseline.get("results") or []
    out = []
    for index, s in enumerate(summaries):
        if s.label not in before:
            continue
        old, old_answers = before[s.label], _answers(results, s.label)
        worse, better, changed = [], [], []
        for row, now in sorted(s.by_row.items()):
            if not old.get(row) or not now:
                continue
            delta = sum(now) / len(now) - sum(old[row]) / len(old[row])
            if delta:
                (worse if delta < 0 else better).append(row)
                mine = [a.output for a in attempts if a.variant == index and a.row == row]
                new = stats.group_answers(mine)[0][0] if mine else ""
                changed.append(ChangedRow(row, tuple(old[row]), tuple(now), old_answers.get(row, ""), new))
        comparison = stats.paired(old, s.by_row, seed=seed)
        cost, latency = shifts(s.label, index, attempts, baseline, seed=seed)
        out.append(Regression(s.label, comparison, tuple(worse), tuple(better), tuple(changed), cost, latency))
    return out
