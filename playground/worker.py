"""``python -m playground.worker``: run test-set jobs from the team's PostgreSQL, on any machine that reaches the
database and the provider.

Reads ``PLAYGROUND_DATABASE_URL`` (``postgresql+psycopg://…``; the environment, then ``.streamlit/secrets.toml``)
and the provider settings and keys of the app (``PLAYGROUND_PROVIDER``, ``XAI_API_KEY`` …): the job's experiment
never holds a key, each worker uses its own. Start as many as you like; they share every job. SIGTERM or Ctrl+C
stops it gracefully: requests in flight end, their units go back to pending for the other workers (or the next
start), and nothing finished is lost. ``PLAYGROUND_WORKER_QUIET`` (seconds, default 15) is how long a worker may
be silent before its units are handed to the others (a killed worker's).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence

import procrastinate

from playground.store.config import resolve_url, safe_url
from playground.store.engine import make_engine, upgrade

from .jobs import execute, queue

OK, FAILED, BAD_INPUT = 0, 1, 2
log = logging.getLogger("playground.worker")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m playground.worker", description=__doc__.splitlines()[0])
    top.add_argument(
        "--concurrency", type=int, default=8, help="requests in flight at once per job on this worker (1–32)"
    )
    top.add_argument("--jobs", type=int, default=2, help="jobs this worker works on at once (1–16)")
    top.add_argument("--verbose", action="store_true", help="log every task procrastinate runs")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("procrastinate").setLevel(logging.INFO if args.verbose else logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if not 1 <= args.concurrency <= 32 or not 1 <= args.jobs <= 16:
        log.error("--concurrency must be from 1 to 32 and --jobs from 1 to 16.")
        return BAD_INPUT
    env = queue.environment()
    url = resolve_url(secrets=env.secrets)
    if url is None or not url.startswith("postgresql"):
        log.error(
            "The worker needs PostgreSQL: set PLAYGROUND_DATABASE_URL=postgresql+psycopg://user@host/db (with the "
            "SQLite default, the app server runs jobs on its own threads)."
        )
        return BAD_INPUT
    try:
        engine = make_engine(url)
        upgrade(engine)
        queue.ensure_schema(engine)
    except Exception as exc:  # noqa: BLE001 - say which database and why, without a traceback or a password
        log.error("Cannot open %s: %s", safe_url(url), exc.__class__.__name__)
        return FAILED
    state = queue.WorkerState(engine=engine, url=url, env=env, lanes=args.concurrency)
    queue.spares(url, queue.live_jobs(engine))  # join the jobs already running (or left by a stopped worker)
    app = queue.make_app(url, pool={"max_size": args.jobs + 4})
    queue.register(app, state)
    log.info(
        "Worker %s on %s: %d jobs at once, %d requests each.",
        state.worker,
        safe_url(url),
        args.jobs,
        args.concurrency,
    )
    asyncio.run(_serve(app, state, jobs=args.jobs))
    log.info("Worker %s stopped.", state.worker)
    return OK


async def _serve(app: procrastinate.App, state: queue.WorkerState, *, jobs: int) -> None:
    """procrastinate's worker until SIGTERM or SIGINT, retrying the tasks of killed workers meanwhile."""
    quiet = execute.QUIET
    beat = min(10.0, quiet / 3)
    async with app.open_async():
        worker = asyncio.create_task(
            app.run_worker_async(
                queues=[queue.QUEUE],
                name=state.worker,
                concurrency=jobs,
                install_signal_handlers=False,
                delete_jobs="successful",
                update_heartbeat_interval=beat,
                stalled_worker_timeout=quiet,
                shutdown_graceful_timeout=60.0,
                fetch_job_polling_interval=min(5.0, queue.LATER),
            )
        )

        def stop() -> None:
            log.info("Stopping: the requests in flight end and their units go back to pending.")
            state.shutdown.set()
            worker.cancel()

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop)
        stalled = asyncio.create_task(_retry_stalled(app, quiet=quiet))
        try:
            await worker
        except asyncio.CancelledError:
            pass
        finally:
            stalled.cancel()


async def _retry_stalled(app: procrastinate.App, *, quiet: float) -> None:
    while True:
        try:
            count = await queue.retry_stalled(app, quiet=quiet)
            if count:
                log.info("Retried %d tasks of workers not heard from for %.0f s.", count, quiet)
        except Exception as exc:  # noqa: BLE001 - a failed look is tried again next time
            log.warning("Could not look for stalled tasks (%s).", exc.__class__.__name__)
        await asyncio.sleep(quiet)


if __name__ == "__main__":
    sys.exit(main())
