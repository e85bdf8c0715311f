"""A test set through every variant: bounded concurrency, progress, Stop, and a cost cap that is never passed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import httpx
import pandas as pd

from playground.money.budget import Ledger
from playground.money.pricing import ZERO, format_usd

from . import checks, template
from .budget import Bounds, Budget, CapError, Prediction, predict, request_bounds
from .run import Outcome, run_one
from .variant import Variant

DEFAULT_CONCURRENCY = 4
MAX_CONCURRENCY = 32
WAIT = 0.5  # seconds a worker waits for room under the cap before it looks again (a settle wakes it)


@dataclass(frozen=True, slots=True)
class Job:
    """One request: a row through a variant."""

    row: int
    variant: int
    prompt: str
    bounds: Bounds | None


@dataclass(frozen=True, slots=True)
class Cell:
    """One finished request: where it sits in the grid, what came back, and its check."""

    row: int
    variant: int
    prompt: str
    outcome: Outcome
    verdict: checks.Verdict | None


@dataclass(frozen=True, slots=True)
class Progress:
    """How far the run is: requests done of the total, seconds elapsed and (roughly) left, money spent."""

    done: int
    total: int
    elapsed: float
    left: float | None
    spent: Decimal
    reserved: Decimal


class EvalRun:
    """Every row of ``rows`` (filled into ``prompt``) through every variant, row by row.

    Raises ``template.TemplateError`` or ``checks.CheckError`` at once when the set cannot run.
    """

    def __init__(
        self,
        *,
        variants: Sequence[Variant],
        rows: pd.DataFrame,
        prompt: str,
        check: checks.Check | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        cap: Decimal | None = None,
        history: Sequence[Mapping[str, str]] = (),
        client: httpx.Client | None = None,
        allow: Callable[[str], bool] | None = None,
        ledger: Ledger | None = None,
    ) -> None:
        columns = [str(c) for c in rows.columns]
        template.check(prompt, columns)
        if check is not None:
            checks.validate(check, columns)
        self.variants, self.check, self.history = list(variants), check, list(history)
        self.template = prompt
        self.records: list[dict[str, str]] = rows.to_dict("records")
        self.concurrency = max(1, min(int(concurrency), MAX_CONCURRENCY))
        self.client, self.allow, self.ledger = client, allow, ledger
        self.jobs = list(self._plan(prompt))
        self.prediction: Prediction = predict([(variants[j.variant].label, j.bounds) for j in self.jobs])
        self.budget = Budget(cap)
        self.cells: list[Cell] = []
        self.state = "ready"  # running, finished, stopped (by the user) or capped
        self.blocked: Job | None = None  # the first request the cap kept from starting
        self.stop_event = threading.Event()
        self._lock = threading.Condition()  # a settled request wakes the workers waiting for room under the cap
        self._next = 0
        self._running = 0  # requests sent and not yet settled
        self._threads: list[threading.Thread] = []
        self._started = self._ended = 0.0

    def _plan(self, prompt: str) -> Iterator[Job]:
        for i, record in enumerate(self.records):
            text = template.render(prompt, record)
            history = [*self.history, {"role": "user", "content": text}]
            for j, variant in enumerate(self.variants):
                yield Job(i, j, text, request_bounds(variant, history))

    def start(self) -> EvalRun:
        """Start the workers; raise ``CapError`` when the prediction says the run cannot fit the cap."""
        reason = self.prediction.refusal(self.budget.cap)
        if reason is not None:
            raise CapError(reason)
        self.state, self._started = "running", time.perf_counter()
        for _ in range(min(self.concurrency, len(self.jobs)) or 1):
            thread = threading.Thread(target=self._work, daemon=True, name="testset-worker")
            self._threads.append(thread)
            thread.start()
        return self

    def _take(self) -> Job | None:
        """The next job, with its high end reserved; None when done, stopped or the cap is reached.

        A job whose worst case does not fit beside the running ones waits for them to settle and tries again;
        the cap stops the run only when nothing is running and the next worst case still does not fit.
        """
        with self._lock:
            while True:
                if self.stop_event.is_set() or self.blocked is not None or self._next >= len(self.jobs):
                    return None
                job = self.jobs[self._next]
                if self.budget.reserve(job.bounds.high if job.bounds else ZERO):
                    self._next += 1
                    self._running += 1
                    return job
                if self._running == 0:
                    self.blocked = job
                    self._lock.notify_all()
                    return None
                self._lock.wait(WAIT)

    def _work(self) -> None:
        while (job := self._take()) is not None:
            variant = self.variants[job.variant]
            history = [*self.history, {"role": "user", "content": job.prompt}]
            outcome = run_one(
                variant, history, stop=self.stop_event, client=self.client, allow=self.allow, ledger=self.ledger
            )
            verdict = None
            if self.check is not None and outcome.error is None and outcome.reply.status != "stopped":
                check = variant_check(self.check, variant)
                verdict = checks.run(check, outcome.output(), self.records[job.row])
            cost = outcome.reply.cost.total if outcome.reply.cost is not None else ZERO
            with self._lock:
                self.budget.settle(job.bounds.high if job.bounds else ZERO, cost)
                self._running -= 1
                self.cells.append(Cell(job.row, job.variant, job.prompt, outcome, verdict))
                self._lock.notify_all()
                if len(self.cells) == self._next and (self._next == len(self.jobs) or self._halted()):
                    self._finish()
        with self._lock:  # the cap or a stop may leave nothing running when this worker found no job
            if self.state == "running" and len(self.cells) == self._next:
                self._finish()

    def _halted(self) -> bool:
        return self.stop_event.is_set() or self.blocked is not None

    def _finish(self) -> None:
        if self.state != "running":
            return
        self._ended = time.perf_counter()
        if self.stop_event.is_set():
            self.state = "stopped"
        else:
            self.state = "capped" if self.blocked is not None else "finished"

    def stop(self) -> None:
        """Stop launching requests and stop the running ones at their next event."""
        self.stop_event.set()
        with self._lock:
            self._lock.notify_all()
            if self.state == "running" and len(self.cells) == self._next:
                self._finish()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for every worker; True when the run has ended."""
        for thread in self._threads:
            thread.join(timeout)
        return self.done

    @property
    def done(self) -> bool:
        return self.state in ("finished", "stopped", "capped")

    def progress(self) -> Progress:
        """Requests done, time elapsed and left (from the pace so far), and money spent and held."""
        done, total = len(self.cells), len(self.jobs)
        end = self._ended if self.done else time.perf_counter()
        elapsed = max(0.0, end - self._started) if self._started else 0.0
        left = None if not done else (0.0 if self.done else elapsed / done * (total - done))
        return Progress(done, total, elapsed, left, self.budget.spent, self.budget.reserved)

    def summary(self) -> str:
        """What ran, in one or two sentences."""
        done, total = len(self.cells), len(self.jobs)
        spent = format_usd(self.budget.spent)
        if self.state == "capped" and self.blocked is not None and self.blocked.bounds is not None:
            cap = self.budget.cap or ZERO
            return (
                f"Stopped at the cap of {format_usd(cap)}: {done:,} of {total:,} requests ran and cost {spent}, "
                f"leaving {format_usd(cap - self.budget.spent)}; the next (row {self.blocked.row + 1}, "
                f"{self.variants[self.blocked.variant].label}) could cost up to "
                f"{format_usd(self.blocked.bounds.high)}, more than is left. Raise the cap or lower Max tokens "
                "to run the rest."
            )
        if self.state == "stopped":
            return f"Stopped: {done:,} of {total:,} requests ran and cost {spent}."
        return f"{done:,} of {total:,} requests ran and cost {spent}."


def variant_check(check: checks.Check, variant: Variant) -> checks.Check:
    """``check`` for one variant: a JSON check with no schema of its own checks against the variant's response
    schema when it asks for one (so each variant's output is held to the format it requested)."""
    fmt = variant.tools.response_format
    if check.kind == "json" and check.schema is None and fmt.kind == "json_schema" and fmt.schema is not None:
        return checks.Check("json", schema=fmt.schema)
    return check
