"""bench_eval's throughput part: a test set with repeats and a judged rubric through the runner vs the ideal."""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from pathlib import Path

from playground.eval import graders as g
from playground.eval import judge as j
from playground.eval import runner as r
from playground.experiments.budget import Budget
from playground.experiments.variant import Variant
from playground.facts.catalog import GROK_3_MINI
from playground.facts.params import GenerationParams
from playground.facts.providers import CUSTOM, ProviderConfig
from tests.browser_servers import start_offline_server

PROMPT = "Question {{n}}: what is {{n}} plus one? Answer with the number."


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (``/proc/PID/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def suite(url: str, rows: int, *, rubric: bool = True) -> r.Suite:
    config = ProviderConfig(CUSTOM, url, auth="none")
    variants = tuple(
        Variant(f"Effort {e}", config, GROK_3_MINI, GenerationParams(reasoning_effort=e, max_tokens=40))
        for e in ("low", "high")
    )
    judge = j.with_verdict_format(
        Variant(
            "Judge", config, GROK_3_MINI, GenerationParams(temperature=0, reasoning_effort="low", max_tokens=40)
        )
    )
    graders = (g.Grader("contains", 1.0, "answer"), g.Grader("rubric", 1.0, "answer", rubric="The sum is right."))
    graders = graders if rubric else graders[:1]
    records = tuple({"n": str(i), "answer": str(i + 1)} for i in range(rows))
    return r.Suite(variants, records, PROMPT, graders, threshold=0.5, judge=judge)


def throughput(args: argparse.Namespace) -> None:
    server = start_offline_server(pace=args.pace)
    try:
        s = suite(server.url, args.rows, rubric=not args.no_judge)
        cells = [(row, v) for row in range(args.rows) for v in range(2)]
        jobs = r.plan(s, cells, args.repeats)
        step = max(1, len(jobs) // args.sample)
        singles = []
        for job in jobs[::step][: args.sample]:  # each attempt alone: answer then judge, as the runner does
            started = time.perf_counter()
            r.attempt_job(s, job, stop=threading.Event())
            singles.append(time.perf_counter() - started)
        warm = rss_mib(server.proc.pid)
        half: list[float] = []
        done = [0]

        def seen(_attempt: r.Attempt) -> None:
            done[0] += 1
            if done[0] == len(jobs) // 2:
                half.append(rss_mib(server.proc.pid))

        batch = r.Batch(s, jobs, Budget(None), concurrency=args.concurrency, on_attempt=seen)
        server_cpu, own_cpu = cpu_seconds(server.proc.pid), time.process_time()
        started = time.perf_counter()
        batch.run()
        elapsed = time.perf_counter() - started
        server_cpu, own_cpu = cpu_seconds(server.proc.pid) - server_cpu, time.process_time() - own_cpu
        end = rss_mib(server.proc.pid)
    finally:
        server.stop()
    ideal = statistics.fmean(singles) * len(jobs) / args.concurrency
    requests = len(jobs) * (1 if args.no_judge else 2)
    print("\n| measure | result |\n|---|---|")
    shape = f"{args.rows:,} × 2 × {args.repeats} = {len(jobs):,}"
    print(f"| rows × variants × repeats (answers; each also judged) | {shape} |")
    print(f"| HTTP requests (answers and judge requests) | {requests:,} |")
    print(f"| concurrency, pace | {args.concurrency}, {args.pace} s per token |")
    single = statistics.fmean(singles) * 1000
    print(f"| one attempt alone (answer + judge), mean of {len(singles)} | {single:.0f} ms |")
    print(f"| ideal: mean single attempt × attempts / concurrency | {ideal:.1f} s |")
    print(f"| measured | {elapsed:.1f} s |")
    print(f"| ratio to the ideal | {elapsed / ideal:.3f}x |")
    print(f"| CPU during the run: offline server, this process | {server_cpu:.1f} s, {own_cpu:.1f} s |")
    print(f"| errors | {sum(1 for a in batch.attempts if a.error)} |")
    middle = half[0] if half else float("nan")
    print(f"| offline server RSS: warm, half, end | {warm:.1f} / {middle:.1f} / {end:.1f} MiB |")
