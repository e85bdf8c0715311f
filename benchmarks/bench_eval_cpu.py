"""bench_eval's cpu part: CPU per evaluated attempt (answer + judge request) in the client and the offline server.

Run from the repository root:

    python -m benchmarks.bench_eval --part cpu [--before DIR] [--rounds 5] [--cpu-attempts 400]
        [--concurrency 8] [--pace 0.002] [--profile 15]

Each round runs ``--cpu-attempts`` attempts of the throughput part's suite (2 variants, contains + a judged rubric,
max tokens 40) through ``playground.eval.runner.Batch`` at ``--concurrency`` against a fresh paced offline server
(``python -m playground.offline.server``), in a child process started in each tree: ``DIR`` (for example the
commit before a change, from ``git archive``) and this one, interleaved, so both see the same machine. A child
reports its own CPU (user + system, ``time.process_time``) and the server's (``/proc/PID/stat``) per attempt;
the table gives the medians over rounds. ``--profile N`` then profiles 300 attempts one at a time against an
unpaced server in each tree (``cProfile`` with a CPU clock) and prints the top ``N`` functions by own time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Where the client's CPU goes, by the cumulative time of one function each: (label, file, function).
AREAS = (
    ("the answer and judge requests (run_one)", "experiments/run.py", "run_one"),
    ("sending: the request and its response headers (httpx send)", "httpx/_client.py", "send"),
    ("new TCP connections (httpcore connect)", "httpcore/_sync/connection.py", "_connect"),
    ("reading the body below our parser (httpx iter_raw)", "httpx/_models.py", "iter_raw"),
    ("httpx's identity decoder step (iter_bytes)", "httpx/_models.py", "iter_bytes"),
    ("SSE events to typed events (events_from_objects)", "wire/openai_events.py", "events_from_objects"),
    ("limits read from the environment (Limits.from_env)", "wire/limits.py", "from_env"),
    ("usage read and checked (usage_event)", "wire/openai_events.py", "usage_event"),
    ("the reply record: price, timings (ReplyBuilder.finish)", "chat/turn.py", "finish"),
    ("cookies (httpx extract_cookies)", "httpx/_models.py", "extract_cookies"),
)
SCRIPT = Path(__file__).resolve()


def _child(argv: list[str]) -> None:
    """In the tree that is the working directory: measure one round (or a profile) and print it as JSON."""
    sys.path.insert(0, os.getcwd())
    import threading
    import time

    from benchmarks.bench_eval_throughput import cpu_seconds, suite
    from playground.eval import runner as r
    from playground.experiments.budget import Budget
    from tests.browser_servers import start_offline_server

    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=400)
    parser.add_argument("--pace", type=float, default=0.002)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--profile", type=int, default=0)
    args = parser.parse_args(argv)
    server = start_offline_server(pace=0 if args.profile else args.pace)
    try:
        rows = args.attempts // 2 + 20
        s = suite(server.url, rows)
        jobs = r.plan(s, [(row, v) for row in range(rows) for v in range(2)], 1)
        for job in jobs[:20]:  # warm: imports, caches, the first connections
            r.attempt_job(s, job, stop=threading.Event())
        jobs = jobs[20 : 20 + args.attempts]
        if args.profile:
            print(json.dumps(_profile(s, jobs, args.profile)))
            return
        server_cpu, own_cpu, started = cpu_seconds(server.proc.pid), time.process_time(), time.perf_counter()
        batch = r.Batch(s, jobs, Budget(None), concurrency=args.concurrency)
        batch.run()
        wall = time.perf_counter() - started
        own_cpu, server_cpu = time.process_time() - own_cpu, cpu_seconds(server.proc.pid) - server_cpu
        errors = sum(1 for a in batch.attempts if a.error)
        per = 1000 / len(jobs)
        print(json.dumps({"client": own_cpu * per, "server": server_cpu * per, "wall": wall, "errors": errors}))
    finally:
        server.stop()


def _profile(s: object, jobs: list[object], top: int) -> dict[str, object]:
    import cProfile
    import pstats
    import threading
    import time

    from playground.eval import runner as r

    prof = cProfile.Profile(time.process_time)
    started = time.process_time()
    prof.enable()
    for job in jobs[:300]:
        r.attempt_job(s, job, stop=threading.Event())  # type: ignore[arg-type]
    prof.disable()
    cpu = time.process_time() - started
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in stats.values())
    rows = sorted(stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    items = [
        {
            "function": f"{Path(path).parent.name}/{Path(path).name}:{name}" if path != "~" else name,
            "calls": row[1],
            "share": row[2] / total,
        }  # fmt: skip
        for (path, _line, name), row in rows
    ]
    calls = sum(row[1] for row in stats.values())
    areas = [
        {
            "area": label,
            "calls": sum(row[1] for key, row in found),
            "share": sum(row[3] for key, row in found) / total,
        }
        for label, where, name in AREAS
        for found in [[(key, row) for key, row in stats.items() if key[0].endswith(where) and key[2] == name]]
    ]
    per = min(300, len(jobs))
    return {"cpu_ms": cpu / per * 1000, "calls": calls / per, "top": items, "areas": areas}


def _run(tree: Path, extra: list[str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--child", *extra], cwd=tree, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(f"the round in {tree} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median(rounds: list[dict[str, float]], key: str) -> float:
    return statistics.median(r["client"] + r["server"] if key == "both" else r[key] for r in rounds)


def cpu(args: argparse.Namespace) -> None:
    trees = {"before": Path(args.before).resolve()} if args.before else {}
    trees["this tree"] = ROOT
    extra = [
        "--attempts",
        str(args.cpu_attempts),
        "--pace",
        str(args.pace),
        "--concurrency",
        str(args.concurrency),
    ]
    got: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            got[name].append(_run(tree, extra))
    print(
        f"\n{args.cpu_attempts} attempts × {args.rounds} rounds, concurrency {args.concurrency}, pace {args.pace}"
    )
    print("\n| CPU per attempt (median of rounds) | " + " | ".join(trees) + " |")
    print("|---|" + "---|" * len(trees))
    for key, label in (
        ("client", "client (the runner's process)"),
        ("server", "offline server"),
        ("both", "both"),
    ):
        print(f"| {label} | " + " | ".join(f"{_median(got[n], key):.2f} ms" for n in trees) + " |")
    print("| wall time of a round | " + " | ".join(f"{_median(got[n], 'wall'):.1f} s" for n in trees) + " |")
    print("| errors | " + " | ".join(f"{sum(r['errors'] for r in got[n]):.0f}" for n in trees) + " |")
    for name in trees:
        print(f"\n{name}: client ms per attempt by round: " + ", ".join(f"{r['client']:.2f}" for r in got[name]))
    if args.before:
        client = _median(got["this tree"], "client") / _median(got["before"], "client")
        both = _median(got["this tree"], "both") / _median(got["before"], "both")
        print(f"\nthis tree / before: client {client:.2f}x, client + server {both:.2f}x")
    for name, tree in trees.items() if args.profile else ():
        prof = _run(tree, ["--attempts", "300", "--profile", str(args.profile)])
        print(f"\n{name}: profile of 300 attempts one at a time, unpaced server, CPU clock")
        print(f"({prof['cpu_ms']:.1f} ms per attempt under the profiler, {prof['calls']:,.0f} calls per attempt)")
        print("\n| area (cumulative) | share of the client's CPU | calls per attempt |\n|---|---|---|")
        for area in prof["areas"]:
            print(f"| {area['area']} | {area['share'] * 100:.1f} % | {area['calls'] / 300:.1f} |")
        print("\n| own time | calls per attempt | function |\n|---|---|---|")
        for item in prof["top"]:  # type: ignore[attr-defined]
            print(f"| {item['share'] * 100:.1f} % | {item['calls'] / 300:.1f} | `{item['function']}` |")


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    _child(sys.argv[2:])
