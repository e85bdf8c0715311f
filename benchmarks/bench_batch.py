"""Time the batch estimate on a generated 100,000-row CSV of distinct prompts, and print a Markdown table.

Run from the repository root:
    /work/venv/bin/python -m benchmarks.bench_batch [--rows N] [--repeat K] [--max-words W]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import pandas as pd

from playground.facts.catalog import GROK_3_MINI
from playground.money.batch import PARALLEL_MIN, Output, cpus, estimate, read_table, to_csv

WORDS = (
    "explain",
    "quantum",
    "computing",
    "simple",
    "terms",
    "write",
    "python",
    "function",
    "sort",
    "list",
    "marketing",
    "email",
    "saas",
    "product",
    "compare",
    "rest",
    "graphql",
    "apis",
    "summarise",
    "this",
    "report",
    "in",
    "three",
    "bullet",
    "points",
    "for",
    "a",
    "busy",
    "executive",
    "translate",
    "to",
    "french",
    "données",
    "数据",
    "🙂",
    '{"key": [1, 2, 3]}',
    "def f(x): return x * 2",
)


def make_csv(path: Path, rows: int, max_words: int = 300, seed: int = 7) -> int:
    """Write ``rows`` distinct prompts of 5 to ``max_words`` words; returns the file size in bytes."""
    rng = random.Random(seed)
    prompts = [f"#{i} " + " ".join(rng.choices(WORDS, k=rng.randint(5, max_words))) for i in range(rows)]
    pd.DataFrame({"id": range(rows), "prompt": prompts}).to_csv(path, index=False)
    return path.stat().st_size


def _commit() -> str:
    """The repository commit measured, marked when the working tree differs from it."""

    def git(*cmd: str) -> str:
        return subprocess.run(["git", *cmd], capture_output=True, text=True, check=False).stdout.strip()

    changed = git(
        "status",
        "--porcelain",
        "--",
        "playground/money/batch.py",
        "playground/money/tokens.py",
        "playground/money/pricing.py",
    )
    return git("rev-parse", "--short", "HEAD") + (" + uncommitted estimator/batch changes" if changed else "")


def run_once(data: bytes, workers: int | None) -> tuple[dict[str, float], object, bytes]:
    """One end-to-end estimate, timing each step."""
    times: dict[str, float] = {}
    start = time.perf_counter()
    frame = read_table(data, "prompts.csv")
    times["read"] = time.perf_counter() - start
    mark = time.perf_counter()
    result = estimate(
        frame, "prompt", price=GROK_3_MINI.price, output=Output(fixed=500), reasoning=250, workers=workers
    )
    times["estimate"] = time.perf_counter() - mark
    mark = time.perf_counter()
    csv = to_csv(result)
    times["write"] = time.perf_counter() - mark
    times["total"] = time.perf_counter() - start
    return times, result, csv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-words", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "prompts.csv"
        size = make_csv(path, args.rows, args.max_words)
        data = path.read_bytes()
    rows, totals = [], set()
    default = f"Default ({min(cpus(), 8)} worker processes from {PARALLEL_MIN / 1e6:.0f} M characters)"
    for label, workers in ((default, None), ("1 process", 1)):
        runs = [run_once(data, workers) for _ in range(args.repeat)]
        median = {k: statistics.median(r[0][k] for r in runs) for k in runs[0][0]}
        rows.append((label, median))
        _, result, csv = runs[-1]
        totals.add((result.input_tokens, result.total.total))
    assert len(totals) == 1, f"parallel and single-process counts differ: {totals}"
    print(
        f"Command: /work/venv/bin/python -m benchmarks.bench_batch --rows {args.rows} --repeat {args.repeat} "
        f"--max-words {args.max_words}  (at {_commit()})"
    )
    print(
        f"Machine: {platform.machine()}, {cpus()} CPUs available, load average {os.getloadavg()[0]:.1f} at the "
        f"end; Python {platform.python_version()}, pandas {pd.__version__}; median of {args.repeat} runs\n"
    )
    print(
        f"{args.rows:,} distinct prompts of 5 to {args.max_words} words (mixed English, code, JSON, French, "
        f"Chinese, emoji), {size / 1e6:.1f} MB CSV; result CSV {len(csv) / 1e6:.1f} MB.\n"
    )
    print("| Counting | Read CSV (s) | Tokens and cost per row (s) | Write result CSV (s) | End to end (s) |")
    print("|---|---:|---:|---:|---:|")
    for label, m in rows:
        print(f"| {label} | {m['read']:.2f} | {m['estimate']:.2f} | {m['write']:.2f} | {m['total']:.2f} |")
    print(
        f"\nTotals (identical either way): {result.input_tokens:,} input, {result.output_tokens:,} output, "
        f"{result.reasoning_tokens:,} reasoning tokens; cost ${result.total.total}"
    )


if __name__ == "__main__":
    main()
