"""``python -m playground.eval run EXPERIMENT.json --queue | status JOB | stop JOB``: test sets as jobs on the
team's PostgreSQL, run by ``python -m playground.worker`` processes, followed and stopped from anywhere.

``run --queue`` enqueues the run and prints the job id (stdout; the forecast on stderr); ``status`` prints the
job's progress as JSON (``state``, ``done``, ``total``, ``failed``, ``spent_usd`` …); ``stop`` asks it to stop
(requests in flight end at their next event; what finished is kept). Exit codes: 0 done, 1 the database could not
be reached, 2 bad input (an unknown job, ``--queue`` without PostgreSQL).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from playground.facts.workspace import LOCAL
from playground.store.config import resolve_url, safe_url
from playground.store.engine import make_engine, upgrade

from . import costs
from . import runner as r
from .experiment import Environment, ExperimentError, read_json

OK, FAILED, BAD_INPUT = 0, 1, 2
NEEDS_POSTGRES = (
    "--queue needs PostgreSQL: set PLAYGROUND_DATABASE_URL=postgresql+psycopg://user@host/db and start workers "
    "with python -m playground.worker (without --queue the run happens here)."
)


def add_parsers(sub: argparse._SubParsersAction, run: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """``--queue`` on ``run``, and the ``status`` and ``stop`` commands."""
    run.add_argument("--queue", action="store_true", help="enqueue as a job for the workers; print its id")
    run.add_argument("--owner", default=LOCAL, help="with --queue: whose History lists the job (default: local)")
    status = sub.add_parser("status", help="a job's progress as JSON")
    status.add_argument("job", help="the job id that run --queue printed")
    stop = sub.add_parser("stop", help="stop a job (what finished is kept)")
    stop.add_argument("job", help="the job id that run --queue printed")


class DatabaseDown(Exception):
    """The database could not be opened (exit 1)."""


def _engine(env: Environment, *, postgres: bool) -> Engine:
    url = resolve_url(secrets=env.secrets)
    if url is None or (postgres and not url.startswith("postgresql")):
        raise ExperimentError(NEEDS_POSTGRES if postgres else "Set PLAYGROUND_DATABASE_URL to the jobs' database.")
    try:
        engine = make_engine(url)
        upgrade(engine)
    except (SQLAlchemyError, OSError) as exc:
        raise DatabaseDown(f"Cannot open {safe_url(url)} ({exc.__class__.__name__}).") from None
    return engine


def enqueue_command(args: argparse.Namespace, env: Environment, out: TextIO, err: TextIO) -> int:
    """``run --queue``: check, forecast, enqueue, hand to the workers; print the job id."""
    from playground.jobs import launch, queue, spec

    from .cli import _cap, _say_forecast

    if args.baseline or args.json or args.junit:
        raise ExperimentError("--baseline, --json and --junit need the run here: leave out --queue for them.")
    doc = read_json(Path(args.experiment), "experiment")
    experiment = spec.read(doc, env=env, where=args.experiment)
    repeats = args.repeats if args.repeats is not None else experiment.repeats
    if not 1 <= repeats <= r.MAX_REPEATS:
        raise ExperimentError(f"--repeats must be from 1 to {r.MAX_REPEATS}.")
    cap = _cap(args.max_usd, experiment.cap)
    suite = experiment.suite
    cells = [(row, v) for row in range(len(suite.rows)) for v in range(len(suite.variants))]
    forecast = costs.forecast(suite, r.plan(suite, cells, repeats), env=env.env, secrets=env.secrets)
    if (refusal := forecast.refusal(cap)) is not None:
        raise ExperimentError(refusal)
    engine = _engine(env, postgres=True)
    _say_forecast(err, forecast, cap)
    try:
        queue.ensure_schema(engine)
        job_id = spec.enqueue(
            engine, owner=args.owner, doc=doc, experiment=experiment, repeats=repeats, cap=cap, backend="queue"
        )
        launch.launch(engine, job_id)
    except ValueError as exc:
        raise ExperimentError(str(exc)) from None
    out.write(job_id + "\n")
    err.write(
        f"Queued: workers (python -m playground.worker) run it. "
        f"Follow it with: python -m playground.eval status {job_id}\n"
    )
    return OK


def status_command(args: argparse.Namespace, env: Environment, out: TextIO, err: TextIO) -> int:
    from playground.jobs import reading

    found = reading.status(_engine(env, postgres=False), args.job)
    if found is None:
        raise ExperimentError(f"No job {args.job!r} in this database.")
    out.write(json.dumps(found.as_json(), ensure_ascii=False, indent=2) + "\n")
    return OK


def stop_command(args: argparse.Namespace, env: Environment, out: TextIO, err: TextIO) -> int:
    from playground.jobs import reading, store

    engine = _engine(env, postgres=False)
    if store.request_stop(engine, args.job, owner=None):
        out.write(f"Stopping job {args.job}: requests in flight end at their next event; what finished is kept.\n")
        return OK
    found = reading.status(engine, args.job)
    if found is None:
        raise ExperimentError(f"No job {args.job!r} in this database.")
    out.write(f"Job {args.job} is already over ({found.state}).\n")
    return OK


def jobs_main(args: argparse.Namespace, env: Environment, out: TextIO, err: TextIO) -> int:
    """The job commands; a database that cannot be reached is exit 1 with a one-line message."""
    command = {"status": status_command, "stop": stop_command}.get(args.command, enqueue_command)
    try:
        return command(args, env, out, err)
    except DatabaseDown as exc:
        err.write(f"Error: {exc}\n")
        return FAILED
