"""``python -m playground.eval tune``: the search space, the real evaluator over the runner, and the report."""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from playground.experiments.budget import Budget
from playground.experiments.variant import Variant
from playground.money.pricing import ZERO, format_usd

from . import judge
from . import runner as r
from .cli import FAILED, OK, Progress, _cap, _environment, _write, say_notices
from .experiment import ExperimentError, check_schema, load, read_json
from .tuner import Observation, Tuner, TuneResult

MAX_SETTINGS = 64
SPACE_SCHEMA = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": False,
    "properties": {
        "reasoning_effort": {"type": "array", "minItems": 1, "items": {"enum": ["low", "high", None]}},
        "temperature": {"type": "array", "minItems": 1, "items": {"type": "number", "minimum": 0, "maximum": 2}},
        "top_p": {"type": "array", "minItems": 1, "items": {"type": "number", "minimum": 0, "maximum": 1}},
        "max_tokens": {"type": "array", "minItems": 1, "items": {"type": "integer", "minimum": 1}},
        "system": {"type": "array", "minItems": 1, "items": {"type": "string"}},
    },
}
NAMES = {"reasoning_effort": "effort", "temperature": "temperature", "top_p": "top_p", "max_tokens": "max tokens"}


def settings(base: Variant, space: Mapping[str, Sequence[Any]]) -> list[Variant]:
    """Every combination of the space's values on top of ``base`` (labelled by what varies)."""
    keys = list(space)
    out = []
    for values in itertools.product(*(space[k] for k in keys)):
        changes = dict(zip(keys, values, strict=True))
        parts = []
        for key, value in changes.items():
            if key == "system":
                parts.append(f"system {list(space['system']).index(value) + 1}")
            elif len(space[key]) > 1 or key != "system":
                parts.append(f"{NAMES[key]} {'unset' if value is None else value}")
        try:
            out.append(base.with_params(", ".join(parts), **changes))
        except ValueError as exc:
            raise ExperimentError(f"The search space has a value the playground refuses: {exc}") from None
    return out


class RunnerEvaluator:
    """The tuner's cells through the test-set runner (answers, judge, grading), under one budget."""

    def __init__(
        self,
        suite: r.Suite,
        *,
        repeats: int,
        budget: Budget,
        concurrency: int,
        allow: Any,
        progress: TextIO | None = None,
    ) -> None:
        self.suite, self.repeats, self.budget = suite, repeats, budget
        self.concurrency, self.allow, self.progress = concurrency, allow, progress
        self._high: dict[tuple[int, int], Decimal] = {}
        self.simulated = False  # whether any answer was simulated (the experiment opted in, the engine is offline)

    def high(self, arm: int, row: int) -> Decimal:
        key = (arm, row)
        if key not in self._high:
            self._high[key] = sum((job.high for job in r.plan(self.suite, [(row, arm)], self.repeats)), ZERO)
        return self._high[key]

    def run(self, cells: Sequence[tuple[int, int]]) -> list[Observation]:
        jobs = r.plan(self.suite, [(row, arm) for arm, row in cells], self.repeats)
        batch = r.Batch(
            self.suite,
            jobs,
            self.budget,
            concurrency=self.concurrency,
            allow=self.allow,
            on_attempt=Progress(len(jobs), self.budget, stream=self.progress) if self.progress else None,
        )
        attempts = batch.run()
        self.simulated = self.simulated or any(a.simulated for a in attempts)
        out = []
        for arm, row in cells:
            mine = sorted((a for a in attempts if a.variant == arm and a.row == row), key=lambda a: a.repeat)
            if len(mine) == self.repeats:
                cost = sum(((a.cost or ZERO) + a.judge_cost for a in mine), ZERO)
                seconds = tuple(a.seconds for a in mine if a.seconds is not None)
                out.append(Observation(arm, row, tuple(a.passed for a in mine), cost, seconds))
        return out


def tune_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    env = _environment()
    experiment = load(Path(args.experiment), env=env)
    space = read_json(Path(args.space), "search space")
    check_schema(space, where=args.space, against=SPACE_SCHEMA)
    cap = _cap(args.max_usd, None)
    variants = settings(experiment.suite.variants[0], space)
    if len(variants) > MAX_SETTINGS:
        raise ExperimentError(f"{args.space}: {len(variants)} settings; at most {MAX_SETTINGS} can be searched.")
    suite = replace(experiment.suite, variants=tuple(variants))
    if suite.judge is None and suite.rubrics:
        suite = replace(suite, judge=judge.default_judge(experiment.suite.variants[0]))
    say_notices(err, experiment)
    budget = Budget(cap)
    evaluator = RunnerEvaluator(
        suite,
        repeats=experiment.repeats,
        budget=budget,
        concurrency=experiment.concurrency,
        allow=env.allow,
        progress=err,
    )
    first = sum((evaluator.high(arm, 0) for arm in range(len(variants))), ZERO)
    if cap is not None and first > cap:
        raise ExperimentError(
            f"The cap of {format_usd(cap)} does not cover one row on each of the {len(variants)} settings "
            f"(up to {format_usd(first)})."
        )
    grid = sum((evaluator.high(a, row) for a in range(len(variants)) for row in range(len(suite.rows))), ZERO)
    err.write(
        f"{len(variants)} settings × {len(suite.rows)} rows × {experiment.repeats} repeats would cost up to "
        f"{format_usd(grid)}; the tuner spends at most {format_usd(cap or grid)}.\n"
    )
    result = Tuner([v.label for v in variants], evaluator, rows=len(suite.rows), seed=experiment.seed).run()
    _print(out, result, cap)
    doc = result_json(result, variants, cap=cap, grid_high=grid)
    _write(args.json, json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8"))
    return OK if result.recommended is not None else FAILED


def _status(result: TuneResult, arm: int) -> str:
    point = result.points[arm]
    if arm == result.recommended:
        return "recommended"
    if point.dropped:
        return "dropped"
    return "on the frontier" if point.on_frontier else "kept"


def _print(out: TextIO, result: TuneResult, cap: Decimal | None) -> None:
    head = ("Setting", "Rows", "Pass rate (95 % interval)", "Per 1,000 requests", "p95 latency", "Status")
    lines = [head]
    for p in result.points:
        lines.append(
            (
                p.label,
                f"{p.pass_rate.rows:,}",
                p.pass_rate.points() if p.pass_rate.rows else "–",
                format_usd(p.cost_per_1000) if p.cost_per_1000 is not None else "–",
                f"{p.p95_seconds:.2f} s" if p.p95_seconds is not None else "–",
                _status(result, p.arm),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    for line in lines:
        out.write("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() + "\n")
    out.write("\n" + "\n".join(result.log) + "\n")
    limit = f" of the {format_usd(cap)} cap" if cap is not None else ""
    out.write(f"Spent {format_usd(result.spent)}{limit} on {result.rows_used:,} rows.\n")
    if result.recommended is None:
        out.write("\nFAILED: no setting could be recommended.\n")
    else:
        out.write(f"\nRECOMMENDED: {result.points[result.recommended].label}\n")


def result_json(
    result: TuneResult, variants: Sequence[Variant], *, cap: Decimal | None, grid_high: Decimal
) -> dict:
    def setting(i: int | None) -> dict[str, Any] | None:
        if i is None:
            return None
        return {"label": variants[i].label, "params": variants[i].params.model_dump(mode="json")}

    return {
        "recommended": setting(result.recommended),
        "best": setting(result.best),
        "state": result.state,
        "rows_used": result.rows_used,
        "spent_usd": str(result.spent),
        "cap_usd": None if cap is None else str(cap),
        "full_grid_high_usd": str(grid_high),
        "settings": [
            {
                "label": p.label,
                "rows": p.pass_rate.rows,
                "pass_rate": p.pass_rate.estimate if p.pass_rate.rows else None,
                "pass_rate_low": p.pass_rate.low if p.pass_rate.rows else None,
                "pass_rate_high": p.pass_rate.high if p.pass_rate.rows else None,
                "cost_per_1000_usd": None if p.cost_per_1000 is None else str(p.cost_per_1000),
                "p95_seconds": p.p95_seconds,
                "on_frontier": p.on_frontier,
                "dropped": p.dropped or None,
            }
            for p in result.points
        ],
        "log": list(result.log),
    }
