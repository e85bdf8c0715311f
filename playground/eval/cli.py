"""``python -m playground.eval run|tune|status|stop``: test sets and the autotuner from the command line, for CI.

Exit codes: 0 when the checks pass (every variant reaches the experiment's target pass rate, and nothing regressed
against ``--baseline``; for ``tune``, a setting is recommended), 1 when not (or the cap stopped the run first),
2 on bad input (a clear message on stderr, nothing sent). Providers and keys come from the same settings as the
app (``PLAYGROUND_PROVIDER``, ``XAI_API_KEY``, ``PLAYGROUND_BASE_URL`` ..., then ``.streamlit/secrets.toml``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO

from playground.experiments.budget import Budget
from playground.money.pricing import format_usd

from . import costs, jobs_cli, report, simulate, summary
from . import runner as r
from .baseline import BASELINE_SCHEMA, MAX_SHOWN, Regression, against_baseline
from .experiment import Environment, Experiment, ExperimentError, check_schema, load, load_secrets, read_json

OK, FAILED, BAD_INPUT = 0, 1, 2


class Progress:
    """A progress bar on stderr: redrawn in place on a terminal, a line per tenth elsewhere (CI logs)."""

    def __init__(self, total: int, budget: Budget, *, stream: TextIO | None = None, what: str = "answers") -> None:
        self.total, self.budget, self.what = total, budget, what
        self.stream = stream or sys.stderr
        self.done = 0
        self.tty = self.stream.isatty()
        self._lock = threading.Lock()
        self._shown = -1

    def __call__(self, _attempt: object = None) -> None:
        with self._lock:
            self.done += 1
            tenth = self.done * 10 // max(1, self.total)
            if self.tty or tenth != self._shown or self.done == self.total:
                self._shown = tenth
                self._draw()

    def _draw(self) -> None:
        filled = self.done * 30 // max(1, self.total)
        bar = "█" * filled + "░" * (30 - filled)
        text = f"{bar} {self.done:,}/{self.total:,} {self.what} · {format_usd(self.budget.spent)} spent"
        end = "" if self.tty and self.done < self.total else "\n"
        self.stream.write(("\r" if self.tty else "") + text + end)
        self.stream.flush()


def _cap(value: str | None, fallback: Decimal | None) -> Decimal | None:
    if value is None:
        return fallback
    try:
        cap = Decimal(value)
    except InvalidOperation:
        raise ExperimentError(f"--max-usd must be a number of US dollars, not {value!r}.") from None
    if not cap.is_finite() or cap <= 0:
        raise ExperimentError("--max-usd must be more than 0.")
    return cap


def _write(path: str | None, data: bytes) -> None:
    if path:
        try:
            Path(path).write_bytes(data)
        except OSError as exc:
            raise ExperimentError(f"{path}: cannot write ({exc.strerror or exc.__class__.__name__}).") from None


def _environment() -> Environment:
    return Environment(dict(os.environ), load_secrets())


def run_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    env = _environment()
    experiment = load(Path(args.experiment), env=env)
    repeats = args.repeats if args.repeats is not None else experiment.repeats
    if not 1 <= repeats <= r.MAX_REPEATS:
        raise ExperimentError(f"--repeats must be from 1 to {r.MAX_REPEATS}.")
    cap = _cap(args.max_usd, experiment.cap)
    baseline = None
    if args.baseline:
        baseline = read_json(Path(args.baseline), "baseline")
        check_schema(baseline, where=args.baseline, against=BASELINE_SCHEMA)
    say_notices(err, experiment)
    suite = experiment.suite
    cells = [(row, v) for row in range(len(suite.rows)) for v in range(len(suite.variants))]
    jobs = r.plan(suite, cells, repeats)
    forecast = costs.forecast(suite, jobs, env=env.env, secrets=env.secrets)
    refusal = forecast.refusal(cap)
    if refusal is not None:
        raise ExperimentError(refusal)
    _say_forecast(err, forecast, cap)
    budget = Budget(cap)
    batch = r.Batch(
        suite,
        jobs,
        budget,
        concurrency=experiment.concurrency,
        allow=env.allow,
        on_attempt=Progress(len(jobs), budget, stream=err),
    )
    state = _run(batch, err)
    labels = [v.label for v in suite.variants]
    summaries = summary.summarize(batch.attempts, labels, seed=experiment.seed)
    differences = summary.compare_all(summaries, repeats=repeats, forecast=forecast, seed=experiment.seed)
    regressions = against_baseline(summaries, batch.attempts, baseline, seed=experiment.seed) if baseline else []
    note = judge_line(batch.attempts, forecast)
    failed = _print_run(
        out, summaries, differences, regressions, experiment, state, len(batch.attempts), len(jobs), note
    )
    doc = report.result_json(
        source=args.experiment,
        suite=suite,
        repeats=repeats,
        target=experiment.target,
        attempts=batch.attempts,
        summaries=summaries,
        differences=differences,
        forecast=forecast,
        spent=budget.spent,
        cap=cap,
        state=state,
        regressions=regressions,
    )
    _write(args.json, json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8"))
    _write(
        args.junit,
        report.junit(suite, batch.attempts, summaries, target=experiment.target, regressions=regressions),
    )
    return FAILED if failed else OK


def say_notices(err: TextIO, experiment: Experiment) -> None:
    """Provider notices, and the simulation's rule when the experiment opts in."""
    for notice in experiment.notices:
        err.write(f"Note: {notice}\n")
    if experiment.suite.simulation is not None:
        err.write(
            f"Note: on the offline engine only (real providers are graded as they answer): {simulate.RULE}\n"
        )


def _say_forecast(err: TextIO, forecast: costs.Forecast, cap: Decimal | None) -> None:
    judges = f" and {forecast.judges.requests:,} judge requests" if forecast.judges.requests else ""
    limit = f" (cap {format_usd(cap)})" if cap is not None else ""
    err.write(
        f"{forecast.answers.requests:,} answers{judges}: predicted cost {format_usd(forecast.low)} to "
        f"{format_usd(forecast.high)}{limit}.\n"
    )
    if forecast.batch_low is not None and forecast.batch_high is not None:
        err.write(
            f"As one batch ({'; '.join(forecast.batch_sources)}): {format_usd(forecast.batch_low)} to "
            f"{format_usd(forecast.batch_high)} (judge requests at the live price).\n"
        )


def _run(batch: r.Batch, err: TextIO) -> str:
    """Run the batch; Ctrl+C stops it (what finished is kept). Returns finished, capped or stopped."""
    try:
        batch.run()
    except KeyboardInterrupt:
        batch.stop.set()
        err.write("\nStopping: waiting for the running requests to end…\n")
        batch.join()
    if batch.stop.is_set():
        return "stopped"
    return "capped" if batch.blocked is not None else "finished"


def judge_line(attempts: Sequence[r.Attempt], forecast: costs.Forecast) -> str:
    """Who judged, how many requests, what they cost against their prediction (empty with no rubric)."""
    verdicts = [v for a in attempts for v in a.verdicts]
    if not verdicts:
        return ""
    by = ", ".join(dict.fromkeys(v.by for v in verdicts))
    spent = sum((v.cost for v in verdicts if v.cost is not None), Decimal(0))
    return (
        f"Judge ({by}): {len(verdicts):,} requests cost {format_usd(spent)} "
        f"(predicted {format_usd(forecast.judges.low)} to {format_usd(forecast.judges.high)}).\n"
    )


def _print_run(
    out: TextIO,
    summaries: Sequence[summary.VariantSummary],
    differences: Sequence[summary.Difference],
    regressions: Sequence[Regression],
    experiment: Experiment,
    state: str,
    done: int,
    total: int,
    note: str = "",
) -> bool:
    """Print the table, the sentences, ``note`` and the verdict; True when the run failed."""
    out.write(report.table(summaries) + "\n\n" + note)
    for d in differences:
        out.write(d.sentence + "\n")
    for reg in regressions:
        out.write(reg.sentence() + "\n")
        for shift in (reg.cost, reg.latency):
            if shift is not None:
                out.write(f"  {shift.sentence()}\n")
        for change in reg.changed[:MAX_SHOWN]:
            out.write(f"  {change.line()}\n")
        if len(reg.changed) > MAX_SHOWN:
            out.write(f"  … and {len(reg.changed) - MAX_SHOWN:,} more rows (all of them in --json).\n")
    problems = [
        f"{s.label} passes {summary.percent(s.pass_rate.estimate)}, "
        f"under the target of {experiment.target * 100:.0f} %"
        for s in summaries
        if not s.pass_rate.rows or s.pass_rate.estimate < experiment.target
    ]
    problems += [f"{reg.label} regressed against the baseline" for reg in regressions if reg.regressed]
    if state != "finished":
        problems.insert(0, f"the run {state} after {done:,} of {total:,} answers")
    if problems:
        out.write("\nFAILED: " + "; ".join(problems) + ".\n")
        return True
    out.write(f"\nPASSED: every variant reaches {experiment.target * 100:.0f} %.\n")
    return False


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m playground.eval", description=__doc__.splitlines()[0])
    sub = top.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a test set with its graders and repeats")
    run.add_argument("experiment", help="the experiment JSON (see playground/eval/experiment.schema.json)")
    run.add_argument("--repeats", type=int, help="each row × variant this many times (1–10)")
    run.add_argument("--max-usd", help="spend cap in US dollars (default: the experiment's cap)")
    run.add_argument("--baseline", help="a result JSON from an earlier run: exit 1 when a variant regressed")
    run.add_argument("--json", help="write the result JSON here (a later run's baseline)")
    run.add_argument("--junit", help="write JUnit XML here")
    jobs_cli.add_parsers(sub, run)  # --queue, status, stop: jobs on PostgreSQL (playground/eval/jobs_cli.py)
    tune = sub.add_parser("tune", help="find the cheapest setting that passes, within a spend cap")
    tune.add_argument("experiment")
    tune.add_argument("--space", required=True, help="the search space JSON (see examples/space.json)")
    tune.add_argument("--max-usd", required=True, help="spend cap in US dollars (never passed)")
    tune.add_argument("--json", help="write the frontier, the recommendation and the log here")
    return top


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # argparse printed its usage message
        return OK if exc.code == 0 else BAD_INPUT
    try:
        if args.command in ("status", "stop") or (args.command == "run" and args.queue):
            return jobs_cli.jobs_main(args, _environment(), out, err)
        if args.command == "run":
            return run_command(args, out, err)
        from .tune_cli import tune_command

        return tune_command(args, out, err)
    except ExperimentError as exc:
        err.write(f"Error: {exc}\n")
        return BAD_INPUT


def run_main() -> Any:  # pragma: no cover - the module entry point
    sys.exit(main())
