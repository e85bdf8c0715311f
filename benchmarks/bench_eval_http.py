"""bench_eval's end-to-end part: the tuner over HTTP against the loopback server with known probabilities."""

from __future__ import annotations

import argparse
import statistics
from decimal import Decimal

from eval_loopback import ANSWER_TOKENS, CAPITALS, JUDGE_TOKENS, CapitalsServer, probability
from experiments_util import known_cost, variant

from playground.eval import graders as g
from playground.eval import runner as r
from playground.eval.tune_cli import RunnerEvaluator, settings
from playground.eval.tuner import Tuner
from playground.experiments.budget import Budget

SPACE = {"reasoning_effort": ["low", "high"], "temperature": [0.5, 1.5]}
GRADERS = (g.Grader("contains", 1.0, "capital"), g.Grader("rubric", 1.0, "capital", rubric="Names the capital."))


def http(args: argparse.Namespace) -> None:
    countries = list(CAPITALS.items())
    rows = tuple({"id": str(i), "country": c, "capital": k} for i in range(10) for c, k in countries)  # 200
    judge = known_cost(100, answer=JUDGE_TOKENS)
    grid = sum((known_cost(r_, answer=ANSWER_TOKENS) + judge) * len(rows) for r_ in (100, 100, 1340, 1340))
    cap = grid * Decimal("0.30")
    near, spent, requests = 0, [], []
    truth = {
        f"effort {e}, temperature {t}": probability(e, t)
        for e in SPACE["reasoning_effort"]
        for t in SPACE["temperature"]
    }
    best = max(truth.values())
    for seed in range(args.http_seeds):
        with CapitalsServer(seed=seed) as server:
            found = settings(variant(server, "Base"), SPACE)
            suite = r.Suite(tuple(found), rows, "({{id}}) What is the capital of {{country}}?", GRADERS, 1.0)
            budget = Budget(cap)
            evaluator = RunnerEvaluator(suite, repeats=1, budget=budget, concurrency=args.concurrency, allow=None)
            result = Tuner([v.label for v in found], evaluator, rows=len(rows), seed=seed).run()
            requests.append(len(server.requests))
        pick = found[result.recommended].label if result.recommended is not None else None
        near += pick is not None and truth[pick] >= best - 0.02
        spent.append(float(result.spent / grid))
        assert result.spent <= cap
    print("\n| measure | result |\n|---|---|")
    print(
        f"| over HTTP: seeds (4 settings, 200 rows, a judged rubric, cap 30 % of the grid) | {args.http_seeds} |"
    )
    print(f"| recommendation within 2 points of the true best | {near} of {args.http_seeds} |")
    print(f"| spend / full grid: median, max | {statistics.median(spent) * 100:.1f} %, {max(spent) * 100:.1f} % |")
    print(f"| HTTP requests per tuning (answers and judge), median | {statistics.median(requests):.0f} of 1,600 |")
