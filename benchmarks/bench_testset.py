"""Test-set runner against the paced offline server: throughput vs the ideal, overhead vs raw httpx, server memory.

Starts ``python -m playground.offline.server`` twice as subprocesses (one paced, one at full speed) and measures:

1. **Throughput**: ``--rows`` rows x 2 variants (reasoning effort low / high, max tokens ``--max-tokens``) through
   ``EvalRun`` at ``--concurrency``, against the ideal: the sum of single-request times (each request measured
   alone, sequentially, on a stratified sample of ``--sample`` jobs, scaled to every job) divided by the
   concurrency. Goal: within 1.15x.
2. **Overhead per request** against raw httpx: the same request bodies to the unpaced server, alternately through
   ``run_one`` (plan, client, SSE parsing, reply builder, cost) and through a bare ``httpx`` stream read to the
   end; the median of the paired differences. Goal: at most 5 ms.
3. **Server memory**: the paced server's resident memory (``/proc/PID/status`` VmRSS) after a warm-up, after half
   the rows and after all of them. Goal: flat in the number of rows.

    python benchmarks/bench_testset.py [--rows 1000] [--concurrency 8] [--pace 0.002] [--max-tokens 40]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playground.experiments.run import open_stream, run_one  # noqa: E402
from playground.experiments.testrun import EvalRun  # noqa: E402
from playground.experiments.variant import Variant, effort_low_vs_high  # noqa: E402
from playground.facts.catalog import GROK_3_MINI  # noqa: E402
from playground.facts.params import GenerationParams  # noqa: E402
from playground.facts.providers import CUSTOM, ProviderConfig  # noqa: E402
from playground.wire.request import RequestPlan  # noqa: E402

PROMPT = "Question {{n}}: in two sentences, {{ask}}"
ASKS = ("why is the sky blue?", "what is a prime number?", "how does a bicycle stay up?", "what is rain?")


def start_server(pace: float) -> tuple[subprocess.Popen[str], str]:
    """The offline engine server on a free port; its process and base URL."""
    cmd = [sys.executable, "-m", "playground.offline.server", "--port", "0", "--pace", str(pace)]
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=root)
    line = proc.stdout.readline() if proc.stdout else ""
    return proc, line.rsplit(" ", 1)[-1].strip()


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def variants(url: str, max_tokens: int) -> tuple[Variant, ...]:
    config = ProviderConfig(CUSTOM, url, api_key="", auth="none")
    return effort_low_vs_high(Variant("base", config, GROK_3_MINI, GenerationParams(max_tokens=max_tokens)))


def rows(n: int, start: int = 0) -> pd.DataFrame:
    return pd.DataFrame({"n": [str(start + i) for i in range(n)], "ask": [ASKS[i % 4] for i in range(n)]})


def run_set(vs: tuple[Variant, ...], frame: pd.DataFrame, concurrency: int, client: httpx.Client) -> EvalRun:
    """Plan (templates, cost bounds) then run; ``progress().elapsed`` is the time from start to the last reply."""
    run = EvalRun(variants=vs, rows=frame, prompt=PROMPT, concurrency=concurrency, client=client).start()
    run.wait()
    return run


def single_times(run: EvalRun, sample: int, client: httpx.Client) -> list[float]:
    """Each sampled job sent alone (sequentially), timed end to end through the runner's own path."""
    step = max(1, len(run.jobs) // sample)
    times = []
    for job in run.jobs[::step]:
        history = [{"role": "user", "content": job.prompt}]
        begin = time.perf_counter()
        outcome = run_one(run.variants[job.variant], history, stop=threading.Event(), client=client)
        times.append(time.perf_counter() - begin)
        assert outcome.error is None, outcome.error
    return times


def raw_once(client: httpx.Client, plan: RequestPlan) -> float:
    """Seconds to send ``plan`` with bare httpx and read the stream to its end."""
    begin = time.perf_counter()
    with client.stream("POST", plan.url, headers=plan.headers, json=plan.body) as response:
        for _ in response.iter_bytes():
            pass
    return time.perf_counter() - begin


def ours_once(client: httpx.Client, variant: Variant, history: list[dict[str, str]]) -> float:
    """Seconds for the same request through the runner's path (events, reply builder, cost)."""
    begin = time.perf_counter()
    run_one(variant, history, stop=threading.Event(), client=client)
    return time.perf_counter() - begin


def overhead(vs: tuple[Variant, ...], count: int, client: httpx.Client) -> list[float]:
    """Paired (ours - raw httpx) seconds for the same requests to the unpaced server, alternating order."""
    diffs = []
    for i in range(count):
        variant = vs[i % 2]
        history = [{"role": "user", "content": f"Question {i}: {ASKS[i % 4]}"}]
        plan, events = open_stream(variant, history, client=client)
        events.close()
        if i % 2:
            raw = raw_once(client, plan)
            ours = ours_once(client, variant, history)
        else:
            ours = ours_once(client, variant, history)
            raw = raw_once(client, plan)
        diffs.append(ours - raw)
    return diffs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--pace", type=float, default=0.002, help="server seconds per token")
    parser.add_argument("--max-tokens", type=int, default=40)
    parser.add_argument("--sample", type=int, default=100, help="jobs timed alone for the ideal")
    parser.add_argument("--overhead-requests", type=int, default=200)
    args = parser.parse_args(argv)
    paced, paced_url = start_server(args.pace)
    fast, fast_url = start_server(0.0)
    client = httpx.Client(timeout=60, limits=httpx.Limits(max_connections=64, max_keepalive_connections=32))
    try:
        vs = variants(paced_url, args.max_tokens)
        run_set(vs, rows(20, start=10**6), args.concurrency, client)  # warm-up
        memory = [("after warm-up (20 rows)", rss_mib(paced.pid))]
        half = args.rows // 2
        first = run_set(vs, rows(half), args.concurrency, client)
        memory.append((f"after {half:,} rows", rss_mib(paced.pid)))
        begin = time.perf_counter()
        full = run_set(vs, rows(args.rows, start=half), args.concurrency, client)
        with_planning = time.perf_counter() - begin
        elapsed = full.progress().elapsed
        memory.append((f"after {half + args.rows:,} rows", rss_mib(paced.pid)))
        assert full.state == "finished" and all(c.outcome.error is None for c in full.cells + first.cells)
        singles = single_times(full, args.sample, client)
        ideal = statistics.fmean(singles) * len(full.jobs) / args.concurrency
        diffs = overhead(variants(fast_url, args.max_tokens), args.overhead_requests, client)
    finally:
        client.close()
        for proc in (paced, fast):
            proc.terminate()
            proc.wait()
    tokens = statistics.fmean(c.outcome.reply.usage.output_tokens for c in full.cells)
    busy = [c.outcome.reply.timings.total for c in full.cells]
    print(
        f"{args.rows:,} rows x 2 variants = {len(full.jobs):,} requests, concurrency {args.concurrency}, "
        f"pace {args.pace} s/token, max tokens {args.max_tokens} (mean {tokens:.1f} output tokens)"
    )
    print("| measure | value |\n|---|---:|")
    print(f"| single request, mean of {len(singles)} sent alone (s) | {statistics.fmean(singles):.4f} |")
    print(f"| ideal: sum of single-request times / {args.concurrency} (s) | {ideal:.2f} |")
    print(f"| run through EvalRun, start to last reply (s) | {elapsed:.2f} |")
    print(f"| same with planning (templates, cost bounds) (s) | {with_planning:.2f} |")
    print(f"| ratio to the ideal | {elapsed / ideal:.3f}x |")
    print(f"| single request inside the run, mean (s) | {statistics.fmean(busy):.4f} |")
    usage = sum(busy) / (args.concurrency * elapsed)
    print(f"| slots busy: sum of request times / ({args.concurrency} x run time) | {usage:.1%} |")
    print(
        f"| overhead per request vs raw httpx, median of {len(diffs)} pairs (ms) | "
        f"{statistics.median(diffs) * 1000:.2f} |"
    )
    print(f"| same, p90 (ms) | {statistics.quantiles(diffs, n=10)[-1] * 1000:.2f} |")
    for label, mib in memory:
        print(f"| server RSS {label} (MiB) | {mib:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
