"""Time the batch estimate on a generated 100,000-row CSV of distinct prompts, and print a Markdown table.

Run from the repository root:  /work/venv/bin/python -m benchmarks.bench_batch [--rows N] [--repeat K]
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from playground.batch import Output, estimate, read_table, to_csv
from playground.catalog import GROK_3_MINI

WORDS = ("explain", "quantum", "computing", "simple", "terms", "write", "python", "function", "sort", "list",
         "marketing", "email", "saas", "product", "compare", "rest", "graphql", "apis", "summarise", "this",
         "report", "in", "three", "bullet", "points", "for", "a", "busy", "executive", "translate", "to",
         "french", "données", "数据", "🙂", "{\"key\": [1, 2, 3]}", "def f(x): return x * 2")


def make_csv(path: Path, rows: int, seed: int = 7) -> int:
    """Write ``rows`` distinct prompts of 5 to 300 words; returns the file size in bytes."""
    rng = random.Random(seed)
    prompts = [f"#{i} " + " ".join(rng.choices(WORDS, k=rng.randint(5, 300))) for i in range(rows)]
    pd.DataFrame({"id": range(rows), "prompt": prompts}).to_csv(path, index=False)
    return path.stat().st_size


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median wall seconds over ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "prompts.csv"
        size = make_csv(path, args.rows)
        data = path.read_bytes()
    price, output = GROK_3_MINI.price, Output(fixed=500)
    t_read, frame = timed(lambda: read_table(data, "prompts.csv"), args.repeat)
    t_est, result = timed(lambda: estimate(frame, "prompt", price=price, output=output, reasoning=250), args.repeat)
    t_csv, csv = timed(lambda: to_csv(result), args.repeat)
    t_all, _ = timed(lambda: to_csv(estimate(read_table(data, "prompts.csv"), "prompt", price=price,
                                             output=output, reasoning=250)), args.repeat)
    print(f"Command: /work/venv/bin/python -m benchmarks.bench_batch --rows {args.rows} --repeat {args.repeat}")
    print(f"Machine: {platform.machine()}, Python {platform.python_version()}, pandas {pd.__version__}; "
          f"median of {args.repeat} runs\n")
    print(f"| Step ({args.rows:,} rows, {size / 1e6:.1f} MB CSV) | Seconds |")
    print("|---|---:|")
    for label, seconds in (("Read CSV", t_read), ("Count tokens and cost every row", t_est),
                           (f"Write result CSV ({len(csv) / 1e6:.1f} MB)", t_csv), ("End to end", t_all)):
        print(f"| {label} | {seconds:.2f} |")
    print(f"\nTotals: {result.input_tokens:,} input, {result.output_tokens:,} output, "
          f"{result.reasoning_tokens:,} reasoning tokens; cost ${result.total.total}")


if __name__ == "__main__":
    main()
