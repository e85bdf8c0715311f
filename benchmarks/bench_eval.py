"""playground.eval: the tuner's picks and spend, the cap, interval coverage, A/A, and the runner's throughput.

Run from the repository root:

    python -m benchmarks.bench_eval [--part stats|http|throughput|cpu|all] [--seeds 200] [--runs 1000]
        [--rows 1000] [--repeats 3] [--concurrency 8] [--pace 0.002]
        [--before DIR] [--rounds 5] [--cpu-attempts 400] [--profile 15]

``stats`` runs the statistical core on simulated outcomes (``tests/eval_sim.py``: a known probability per
setting, a seeded draw per row and repeat shared by every setting, costs settled through the real ``Budget``):

1. the tuner on 12 settings (effort × temperature × top_p) and 300 rows, cap = 30 % of the full grid's expected
   cost, on ``--seeds`` seeds: how often the recommendation is within 2 points of the true best, and the spend;
2. the cap on ``--runs`` random problems (2–5 settings, 1–3 repeats, 5–60 rows, random caps): spent ≤ cap always;
3. coverage of the 95 % pass-rate interval on ``--runs`` simulated test sets (40 rows of Beta(3.5, 1.5)
   difficulty, mean 0.7, 3 repeats each; also 20 and 100 rows);
4. A/A: one setting against itself (independent draws, same rows) called different, on ``--runs`` runs.

``http`` tunes over HTTP against the loopback server of the tests (``tests/eval_loopback.py``: right with
probability 0.95 at effort high, 0.75 at low, halved above temperature 1; a judge answering the verdict schema):
effort × temperature on 200 rows, cap 30 % of the grid, on ``--http-seeds`` seeds.

``throughput`` runs a ``--rows``-row test set × ``--repeats`` repeats × a rubric (judged) on 2 variants through
``playground.eval.runner`` against the paced offline server at ``--concurrency``, against the ideal (the mean time
of one attempt, answer and judge, measured alone on a sample, × attempts / concurrency), and reads the server's
resident memory after a warm-up, halfway and at the end.

``cpu`` measures the CPU per attempt of the runner's process and of the offline server, side by side with
``--before DIR`` (see ``benchmarks/bench_eval_cpu.py``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from eval_sim import Setting, SimEvaluator, full_grid_cost, grid  # noqa: E402

from playground.eval import stats  # noqa: E402
from playground.eval.tuner import Tuner  # noqa: E402


def tuner_picks(seeds: int) -> None:
    space, rows = grid(), 300
    full = full_grid_cost(space, rows)
    cap = full * Decimal("0.30")
    best = max(s.p for s in space)
    near, spent, used, adaptive = 0, [], [], 0
    started = time.perf_counter()
    for seed in range(seeds):
        evaluator = SimEvaluator(space, seed=seed, cap=cap)
        result = Tuner([s.label for s in space], evaluator, rows=rows, seed=seed).run()
        near += result.recommended is not None and space[result.recommended].p >= best - 0.02 - 1e-9
        spent.append(float(result.spent / full))
        used.append(result.rows_used)
        adaptive += any(p.dropped for p in result.points)
    print(f"| tuner: seeds (12 settings, 300 rows, cap 30 % of the full grid) | {seeds} |")
    print(f"| recommendation within 2 points of the true best | {near / seeds * 100:.1f} % |")
    print(f"| spend / full grid: median, max | {statistics.median(spent) * 100:.1f} %, {max(spent) * 100:.1f} % |")
    print(f"| rows used: median (of 300) | {statistics.median(used):.0f} |")
    print(f"| seeds where settings were dropped | {adaptive / seeds * 100:.1f} % |")
    print(f"| time | {time.perf_counter() - started:.1f} s |")


def cap_never_passed(runs: int) -> None:
    rng = np.random.default_rng(11)
    worst, passed = 0.0, 0
    for run in range(runs):
        k = int(rng.integers(2, 6))
        space = [
            Setting(f"s{i}", float(rng.uniform(0.3, 0.95)), Decimal(str(round(float(rng.uniform(1e-5, 1e-3)), 8))))
            for i in range(k)
        ]
        cap = Decimal(str(round(float(rng.uniform(0.001, 0.2)), 6)))
        evaluator = SimEvaluator(space, seed=run, repeats=int(rng.integers(1, 4)), cap=cap)
        Tuner([s.label for s in space], evaluator, rows=int(rng.integers(5, 60)), seed=run).run()
        passed += evaluator.budget.spent > cap
        worst = max(worst, float(evaluator.budget.spent / cap))
    print(f"| cap: runs that passed it | {passed} of {runs} (highest spend {worst * 100:.1f} % of the cap) |")


def coverage_and_aa(runs: int) -> None:
    for n in (20, 40, 100):
        rng = np.random.default_rng(2026 + n)
        covered = called = 0
        for run in range(runs):
            p = rng.beta(3.5, 1.5, size=n)
            a = {i: list(rng.random(3) < p[i]) for i in range(n)}
            b = {i: list(rng.random(3) < p[i]) for i in range(n)}
            rate = stats.pass_rate(a, seed=run)
            covered += rate.low <= 0.7 <= rate.high
            called += stats.paired(a, b, seed=run).separable
        print(f"| {n} rows × 3 repeats: 95 % interval covers the true rate | {covered / runs * 100:.1f} % |")
        print(f"| {n} rows × 3 repeats: A/A called different | {called / runs * 100:.1f} % |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("stats", "http", "throughput", "cpu", "all"), default="all")
    parser.add_argument("--http-seeds", type=int, default=20)
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--pace", type=float, default=0.002)
    parser.add_argument("--sample", type=int, default=60)
    parser.add_argument("--no-judge", action="store_true", help="throughput: the contains grader only")
    parser.add_argument("--before", help="cpu: another tree (e.g. the commit before a change) run side by side")
    parser.add_argument("--rounds", type=int, default=5, help="cpu: interleaved rounds per tree")
    parser.add_argument("--cpu-attempts", type=int, default=400, help="cpu: attempts per round")
    parser.add_argument("--profile", type=int, default=0, help="cpu: also print the profile's top N functions")
    args = parser.parse_args(argv)
    if args.part in ("stats", "all"):
        print("| measure | result |\n|---|---|")
        tuner_picks(args.seeds)
        cap_never_passed(args.runs)
        coverage_and_aa(args.runs)
    if args.part in ("http", "all"):
        from benchmarks.bench_eval_http import http

        http(args)
    if args.part in ("throughput", "all"):
        from benchmarks.bench_eval_throughput import throughput

        throughput(args)
    if args.part == "cpu":  # not in "all": it is a side-by-side comparison, run when asked
        from benchmarks.bench_eval_cpu import cpu

        cpu(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
