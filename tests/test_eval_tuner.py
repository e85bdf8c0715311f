"""The autotuner: near-best picks for a fraction of the grid, a cap never passed, and the same over HTTP."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import numpy as np
from eval_loopback import CapitalsServer
from eval_sim import Setting, SimEvaluator, full_grid_cost, grid
from experiments_util import variant
from test_eval_runner import GRADERS, ROWS

from playground.eval import runner as r
from playground.eval.tune_cli import RunnerEvaluator, settings
from playground.eval.tuner import Tuner
from playground.experiments.budget import Budget

SEEDS = 200


def test_the_tuner_picks_within_two_points_of_the_best_on_under_30_percent_of_the_grid() -> None:
    space, rows = grid(), 300
    full = full_grid_cost(space, rows)
    cap = full * Decimal("0.30")
    best = max(s.p for s in space)
    near = adaptive = 0
    spent = Decimal(0)
    for seed in range(SEEDS):
        evaluator = SimEvaluator(space, seed=seed, cap=cap)
        result = Tuner([s.label for s in space], evaluator, rows=rows, seed=seed).run()
        assert result.recommended is not None
        near += space[result.recommended].p >= best - 0.02 - 1e-9
        assert result.spent <= cap
        spent = max(spent, result.spent / full)
        adaptive += any(p.dropped for p in result.points)
    assert near / SEEDS >= 0.95
    assert adaptive / SEEDS >= 0.9, adaptive  # it spent adaptively: settings credibly worse were dropped
    assert spent <= Decimal("0.30")


def test_the_cap_is_never_passed_in_1000_simulated_runs() -> None:
    rng = np.random.default_rng(11)
    for run in range(1_000):
        k = int(rng.integers(2, 6))
        space = [
            Setting(f"s{i}", float(rng.uniform(0.3, 0.95)), Decimal(str(round(float(rng.uniform(1e-5, 1e-3)), 8))))
            for i in range(k)
        ]
        repeats = int(rng.integers(1, 4))
        cap = Decimal(str(round(float(rng.uniform(0.001, 0.2)), 6)))
        evaluator = SimEvaluator(space, seed=run, repeats=repeats, cap=cap)
        result = Tuner([s.label for s in space], evaluator, rows=int(rng.integers(5, 60)), seed=run).run()
        assert evaluator.budget.spent <= cap and result.spent == evaluator.budget.spent
        assert evaluator.budget.reserved == 0


def rule(effort: str | None, temperature: float) -> float:
    """Only effort high at a temperature up to 1 answers right."""
    return 1.0 if effort == "high" and temperature <= 1 else 0.0


def test_tuning_over_http_drops_the_worse_settings_and_recommends_the_one_that_passes() -> None:
    with CapitalsServer(rule=rule) as server:
        base = variant(server, "Base")
        found = settings(base, {"reasoning_effort": ["low", "high"], "temperature": [0.5, 1.5]})
        assert [v.label for v in found] == [
            "effort low, temperature 0.5",
            "effort low, temperature 1.5",
            "effort high, temperature 0.5",
            "effort high, temperature 1.5",
        ]
        suite = r.Suite(tuple(found), ROWS, "What is the capital of {{country}}?", GRADERS, threshold=0.9)
        budget = Budget(Decimal("0.20"))
        evaluator = RunnerEvaluator(suite, repeats=1, budget=budget, concurrency=4, allow=None)
        result = Tuner([v.label for v in found], evaluator, rows=20, seed=3).run()
        assert server.answers == sum(a.requests for a in result.arms) and server.judged == server.answers
    assert result.recommended == 2 and result.best == 2 and result.state == "separated"
    assert [bool(p.dropped) for p in result.points] == [True, True, False, True]
    assert all("passes 100 points more" in p.dropped for p in result.points if p.dropped)
    assert result.points[2].pass_rate.estimate == 1.0 and budget.spent <= Decimal("0.20")
    assert result.spent == budget.spent and result.rows_used == 8  # one round of eight rows told them apart
    assert result.log[-1].startswith("Recommended effort high, temperature 0.5")
    cost = result.points[2].cost_per_1000
    assert cost is not None and cost > result.points[0].cost_per_1000  # effort high reasons more, costs more
    frontier = [p.label for p in result.points if p.on_frontier]
    assert "effort high, temperature 0.5" in frontier


def test_a_space_the_playground_refuses_is_bad_input() -> None:
    import pytest

    from playground.eval.experiment import ExperimentError

    with CapitalsServer() as server:
        with pytest.raises(ExperimentError, match="refuses"):
            settings(replace(variant(server, "B")), {"temperature": [3.0]})
