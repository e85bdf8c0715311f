"""Jobs on a task queue (issue 23): 10,000 units on PostgreSQL through ``python -m playground.worker`` processes.

Run from the repository root (needs PostgreSQL's binaries, as the tests; it starts its own throwaway cluster):

    python -m benchmarks.bench_jobs [--units 10000] [--pace 0.05] [--concurrency 16] [--overhead-units 1000]

1. enqueue: reading the experiment and writing the job with its ``--units`` units (``spec.read`` +
   ``spec.enqueue``), and handing it to the workers (``launch``), best of 3;
2. throughput: the same ``--units`` job on one worker, then on two (each ``--concurrency`` lanes; the experiment's
   concurrency, the shared ceiling, is twice that), against the offline server paced at ``--pace`` seconds per
   token (so the provider's latency, not our CPU, is the limit, as with a real API); units per second from the
   job's own start and finish times, the workers' CPU seconds, their resident memory sampled every second;
3. overhead: one worker with one lane on ``--overhead-units`` units against the unpaced offline server, against
   the same number of bare ``httpx`` streaming requests, one at a time, with the same body: milliseconds per unit;
   and the floor under it, the bookkeeping alone (claim with the cap reserved, commit) with no request; and the
   paced server's bare latency, which makes the ideal throughput of ``--concurrency`` lanes.

The machine's load average is printed with each part: the 2 cores are shared.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the tests' helpers import each other by bare name

import httpx  # noqa: E402
import pg  # noqa: E402
from browser_servers import Server, start_offline_server  # noqa: E402
from jobs_util import engine_for, env_for  # noqa: E402
from queue_workers import experiment, start_worker  # noqa: E402

from benchmarks.bench_eval_throughput import cpu_seconds, rss_mib  # noqa: E402
from playground.jobs import launch, reading, spec, store, units  # noqa: E402
from playground.jobs.queue import ensure_schema  # noqa: E402

MAX_TOKENS = 16


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (1 min), {five:.1f} (5 min)"


def _doc(units: int, concurrency: int) -> dict[str, Any]:
    return experiment(rows=units // 2, max_tokens=MAX_TOKENS, concurrency=min(32, concurrency))


def _database(cluster: pg.Cluster) -> tuple[str, Any]:
    url = cluster.new_database()
    engine = engine_for(url)
    ensure_schema(engine)
    return url, engine


def enqueue(cluster: pg.Cluster, server: Server, units: int) -> dict[str, float]:
    times: dict[str, list[float]] = {"read": [], "enqueue": [], "launch": []}
    for _ in range(3):
        _url, engine = _database(cluster)
        doc = _doc(units, 16)
        t0 = time.perf_counter()
        found = spec.read(doc, env=env_for(server.url))
        t1 = time.perf_counter()
        job_id = spec.enqueue(
            engine, owner="bench", doc=doc, experiment=found, repeats=1, cap=None, backend="queue"
        )
        t2 = time.perf_counter()
        launch.launch(engine, job_id, copies=2)
        t3 = time.perf_counter()
        times["read"].append(t1 - t0)
        times["enqueue"].append(t2 - t1)
        times["launch"].append(t3 - t2)
        engine.dispose()
    return {k: min(v) for k, v in times.items()}


def run_job(cluster: pg.Cluster, server: Server, *, units: int, workers: int, lanes: int, ceiling: int) -> dict:
    url, engine = _database(cluster)
    doc = _doc(units, ceiling)
    found = spec.read(doc, env=env_for(server.url))
    job_id = spec.enqueue(engine, owner="bench", doc=doc, experiment=found, repeats=1, cap=None, backend="queue")
    logs = Path(f"/tmp/bench_jobs_logs/{job_id}")
    procs = [start_worker(url, server.url, log_dir=logs, name=f"w{n}", concurrency=lanes) for n in range(workers)]
    samples: list[tuple[int, float]] = []  # (units done, MiB of the first worker)
    try:
        while launch.workers_alive(engine) < workers:
            time.sleep(0.2)
        before = load()
        cpu0 = [cpu_seconds(p.proc.pid) for p in procs]
        launch.launch(engine, job_id, copies=workers)
        while True:
            status = reading.status(engine, job_id)
            samples.append((status.done, rss_mib(procs[0].proc.pid)))
            if not status.live:
                break
            if not all(p.alive() for p in procs):
                raise RuntimeError("a worker died: see " + str(logs))
            time.sleep(1.0)
        cpu = sum(cpu_seconds(p.proc.pid) - c for p, c in zip(procs, cpu0, strict=True))
        after = load()
    finally:
        for p in procs:
            p.stop()
    assert status.state == "finished" and status.failed == 0, status
    seconds = (status.finished_at - status.started_at).total_seconds()
    engine.dispose()
    return {
        "workers": workers,
        "lanes": lanes,
        "seconds": seconds,
        "per_second": status.done / seconds,
        "ms_per_unit": seconds / status.done * 1000,
        "cpu_ms_per_unit": cpu / status.done * 1000,
        "rss": samples,
        "load": f"{before} → {after}",
    }


def bare(server: Server, units: int) -> float:
    """Milliseconds per bare streaming request, one at a time, the body a unit sends, read up to ``[DONE]``."""
    body = {
        "model": "x-ai-grok-3-mini-beta",
        "messages": [
            {"role": "user", "content": "What is the capital of France? Answer with the city's name only."}
        ],
        "max_tokens": MAX_TOKENS,
        "reasoning_effort": "low",
        "temperature": 1.0,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    with httpx.Client(timeout=60) as client:
        t0 = time.perf_counter()
        for n in range(units):
            with client.stream(
                "POST", server.url + "/chat/completions", json=body, headers={"Idempotency-Key": str(n)}
            ) as r:
                for line in r.iter_lines():
                    if line == "data: [DONE]":  # done, as a client reading the stream is (not the chunked end)
                        break
        return (time.perf_counter() - t0) / units * 1000


def bookkeeping(cluster: pg.Cluster, count: int) -> float:
    """Milliseconds per unit of the bookkeeping alone, one at a time, no request: claim with the cap reserved
    (``units.take``) and commit (``units.commit``), two transactions on PostgreSQL."""
    _url, engine = _database(cluster)
    doc = _doc(count, 1)
    found = spec.read(doc, env=env_for("http://127.0.0.1:9/v1"))
    job_id = spec.enqueue(engine, owner="bench", doc=doc, experiment=found, repeats=1, cap=None, backend="queue")
    store.start(engine, job_id)
    hold_of = spec.holds(found.suite)
    t0 = time.perf_counter()
    for _ in range(count):
        unit = units.take(engine, job_id, worker="bench", hold_of=hold_of)
        assert isinstance(unit, units.Unit)
        units.commit(engine, unit, worker="bench", result={}, cost=Decimal("0.0001"), seconds=0.1, failed=False)
    took = (time.perf_counter() - t0) / count * 1000
    engine.dispose()
    return took


def rss_line(samples: list[tuple[int, float]], total: int) -> str:
    def at(fraction: float) -> float:
        return next((mib for done, mib in samples if done >= fraction * total), samples[-1][1])

    return (
        f"{at(0.1):.0f} MiB at 10 %, {at(0.5):.0f} MiB at 50 %, {at(0.9):.0f} MiB at 90 %, "
        f"max {max(m for _, m in samples):.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--pace", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--overhead-units", type=int, default=1000)
    parser.add_argument("--part", choices=("all", "enqueue", "throughput", "overhead"), default="all")
    args = parser.parse_args()
    os.environ["PLAYGROUND_DATABASE_URL"] = "none"
    cluster = pg.start_cluster()
    paced = start_offline_server(pace=args.pace)
    unpaced = start_offline_server(pace=0.0)
    out: dict[str, Any] = {}
    try:
        if args.part in ("all", "enqueue"):
            print(f"enqueue ({load()}):", flush=True)
            out["enqueue"] = enqueue(cluster, paced, args.units)
            print("  ", {k: f"{v:.3f} s" for k, v in out["enqueue"].items()}, flush=True)
        if args.part in ("all", "throughput"):
            for workers in (1, 2):
                got = run_job(
                    cluster,
                    paced,
                    units=args.units,
                    workers=workers,
                    lanes=args.concurrency,
                    ceiling=2 * args.concurrency,
                )
                out[f"workers_{workers}"] = got
                print(
                    f"{workers} worker(s) × {got['lanes']} lanes: {got['per_second']:.1f} units/s "
                    f"({got['seconds']:.1f} s), worker CPU {got['cpu_ms_per_unit']:.2f} ms/unit; "
                    f"RSS {rss_line(got['rss'], args.units)}; {got['load']}",
                    flush=True,
                )
            ratio = out["workers_2"]["per_second"] / out["workers_1"]["per_second"]
            print(f"two workers / one: {ratio:.2f}x", flush=True)
        if args.part in ("all", "overhead"):
            n = args.overhead_units
            plain = bare(unpaced, n)
            got = run_job(cluster, unpaced, units=n, workers=1, lanes=1, ceiling=1)
            floor = bookkeeping(cluster, n)
            paced_ms = bare(paced, 50)
            out["overhead"] = {"bare_ms": plain, "unit_ms": got["ms_per_unit"], "bookkeeping_ms": floor}
            print(
                f"overhead: bare httpx {plain:.1f} ms/request, a unit on one lane {got['ms_per_unit']:.1f} ms: "
                f"{got['ms_per_unit'] - plain:+.1f} ms per unit; worker CPU {got['cpu_ms_per_unit']:.2f} ms/unit; "
                f"bookkeeping alone (claim + commit) {floor:.1f} ms/unit; {got['load']}",
                flush=True,
            )
            print(
                f"paced server: bare {paced_ms:.0f} ms/request, so the ideal is "
                f"{args.concurrency / paced_ms * 1000:.1f} units/s per {args.concurrency} lanes; {load()}",
                flush=True,
            )
    finally:
        paced.stop()
        unpaced.stop()
        cluster.stop()
    Path("/tmp/bench_jobs.json").write_text(json.dumps(out, default=str, indent=1))


if __name__ == "__main__":
    main()
