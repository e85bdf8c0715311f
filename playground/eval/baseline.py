"""A run against a baseline run: each variant paired by row with the same label's baseline, its rows whose
verdict changed listed with both answers and their word-level differences.

A baseline is a result JSON that ``playground.eval.report`` wrote (``--json``): its per-row verdicts and answers.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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
        out.append(Regression(s.label, comparison, tuple(worse), tuple(better), tuple(changed)))
    return out
