"""Run a test set with several graders and repeats: each row × variant × repeat, judged, graded, under a cap.

The same engine as the page: every answer goes through ``playground.experiments.run.run_one`` (the playground's
request path, its pricing and the daily-budget ledger), the cap is ``playground.experiments.budget.Budget``: each
attempt reserves the high end of its answer *and* its judge requests before it starts and settles at what they
really cost, so the money spent never passes the cap. One ``Budget`` can be shared by several runs (the tuner's
rounds), so their sum never passes it either.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import httpx

from playground.chat.errors import (
    ConnectionFailed,
    RateLimited,
    ReplyTooLarge,
    ServerError,
    StreamBroken,
    Timeout,
)
from playground.experiments import template
from playground.experiments.budget import Bounds, Budget, request_bounds
from playground.experiments.run import Outcome, run_one
from playground.experiments.variant import Variant
from playground.money.budget import Ledger
from playground.money.pricing import ZERO
from playground.wire.retry import RetryNotice

from . import graders as g
from . import judge as j
from . import simulate

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_REPEATS = 10
MAX_CONCURRENCY = 32


@dataclass(frozen=True, slots=True)
class Suite:
    """What to run: variants, rows, the prompt template, graders with a threshold, the judge, the simulation."""

    variants: tuple[Variant, ...]
    rows: tuple[Mapping[str, str], ...]
    prompt: str
    graders: tuple[g.Grader, ...]
    threshold: float = g.DEFAULT_THRESHOLD
    judge: Variant | None = None  # None: the default judge on the first variant's provider
    judge_prompt: str = j.DEFAULT_PROMPT
    simulation: simulate.Simulation | None = None

    def judge_for(self) -> Variant:
        return self.judge if self.judge is not None else j.default_judge(self.variants[0])

    @property
    def rubrics(self) -> tuple[g.Grader, ...]:
        return tuple(x for x in self.graders if x.kind == "rubric")

    def check(self) -> None:
        """Raise ``TemplateError`` or ``GraderError`` when the suite cannot run on its rows."""
        columns = list(self.rows[0]) if self.rows else []
        if not self.rows:
            raise g.GraderError("The test set has no rows.")
        template.check(self.prompt, columns)
        g.validate(self.graders, columns)
        if self.rubrics:
            j.check_prompt(self.judge_prompt, columns)
        if not 0 < self.threshold <= 1:
            raise g.GraderError("The pass threshold must be more than 0 and at most 1.")


@dataclass(frozen=True, slots=True)
class Attempt:
    """One answer (row × variant × repeat): what came back, what it cost, and how it was graded."""

    row: int
    variant: int
    repeat: int
    output: str
    status: str
    error: str
    cost: Decimal | None
    seconds: float | None
    output_tokens: int | None
    grades: tuple[g.Grade, ...] = ()
    score: float = 0.0
    passed: bool = False
    verdicts: tuple[j.JudgeVerdict, ...] = ()
    simulated: bool = False
    retry_after: float | None = None  # a transient failure (rate limit, 5xx, connection): seconds asked, or 0
    slow_down: bool = False  # the failure was a 429 or a 503: fewer requests at once

    @property
    def transient(self) -> bool:
        """Failed in a way that sending again later may fix (a job retries it with backoff)."""
        return self.retry_after is not None

    @property
    def judge_cost(self) -> Decimal:
        return sum((v.cost for v in self.verdicts if v.cost is not None), ZERO)


@dataclass(frozen=True, slots=True)
class Job:
    row: int
    variant: int
    repeat: int
    answer: Bounds | None
    judges: tuple[Bounds | None, ...] = ()

    @property
    def high(self) -> Decimal:
        return sum((b.high for b in (self.answer, *self.judges) if b is not None), ZERO)


def plan(suite: Suite, cells: Sequence[tuple[int, int]], repeats: int) -> list[Job]:
    """Jobs for (row, variant) cells, each ``repeats`` times, with their answer's and judges' cost ranges."""
    judge = suite.judge_for()
    jobs = []
    for row, var in cells:
        record, variant = suite.rows[row], suite.variants[var]
        answer = request_bounds(variant, [{"role": "user", "content": template.render(suite.prompt, record)}])
        judges = tuple(
            j.judge_bounds(
                judge,
                variant,
                prompt=suite.judge_prompt,
                rubric=r.rubric,
                expected=str(record.get(r.expected or "", "")),
                row=record,
            )
            for r in suite.rubrics
        )
        jobs.extend(Job(row, var, k, answer, judges) for k in range(repeats))
    return jobs


@dataclass
class Batch:
    """Jobs running on worker threads under a shared budget; ``attempts`` fills as they finish."""

    suite: Suite
    jobs: list[Job]
    budget: Budget
    concurrency: int = 4
    client: httpx.Client | None = None
    allow: Callable[[str], bool] | None = None
    ledger: Ledger | None = None
    on_attempt: Callable[[Attempt], None] | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    attempts: list[Attempt] = field(default_factory=list)
    blocked: Job | None = None
    _workers: list[threading.Thread] = field(default_factory=list)
    _next: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self) -> list[Attempt]:
        """Run every job that fits the cap (blocking); returns the attempts in the order they finished."""
        self._workers = [
            threading.Thread(target=self._work, daemon=True, name="eval-worker")
            for _ in range(max(1, min(self.concurrency, MAX_CONCURRENCY, len(self.jobs))))
        ]
        for worker in self._workers:
            worker.start()
        return self.join()

    def join(self) -> list[Attempt]:
        """Wait for the workers (short joins, so Ctrl+C reaches the main thread); after ``stop`` they end at the
        running requests' next event."""
        for worker in self._workers:
            while worker.is_alive():
                worker.join(0.2)
        return self.attempts

    def _take(self) -> Job | None:
        with self._lock:
            if self.stop.is_set() or self.blocked is not None or self._next >= len(self.jobs):
                return None
            job = self.jobs[self._next]
            if not self.budget.reserve(job.high):
                self.blocked = job
                return None
            self._next += 1
            return job

    def _work(self) -> None:
        while (job := self._take()) is not None:
            try:
                attempt = attempt_job(
                    self.suite, job, stop=self.stop, client=self.client, allow=self.allow, ledger=self.ledger
                )
                spent = (attempt.cost or ZERO) + attempt.judge_cost
            except Exception as exc:  # noqa: BLE001 - one broken attempt must not end the run or leak its hold
                # what it cost is unknown: count its whole reservation as spent, so the cap still holds
                problem = f"Internal error ({exc.__class__.__name__}); nothing was graded."
                attempt = Attempt(job.row, job.variant, job.repeat, "", "error", problem, None, None, None)
                spent = job.high
            self.budget.settle(job.high, spent)
            with self._lock:
                self.attempts.append(attempt)
            if self.on_attempt is not None:
                self.on_attempt(attempt)


def attempt_job(
    suite: Suite,
    job: Job,
    *,
    stop: threading.Event,
    client: httpx.Client | None = None,
    allow: Callable[[str], bool] | None = None,
    ledger: Ledger | None = None,
    key: str | None = None,
    on_retry: Callable[[RetryNotice], None] | None = None,
) -> Attempt:
    """Send one answer request, simulate it where opted in, ask the judge for each rubric, and grade it.

    ``key`` is sent as the answer's ``Idempotency-Key`` (each judge request gets ``key`` + ``-judge`` + its
    number); ``on_retry`` hears the wire's retries."""
    variant, record = suite.variants[job.variant], suite.rows[job.row]
    history = [{"role": "user", "content": template.render(suite.prompt, record)}]
    send = dict(stop=stop, client=client, allow=allow, ledger=ledger, on_retry=on_retry)
    outcome = run_one(variant, history, headers=_key(key), **send)
    return grade_outcome(suite, job, outcome, key=key, **send)  # type: ignore[arg-type]


def grade_outcome(
    suite: Suite,
    job: Job,
    outcome: Outcome,
    *,
    stop: threading.Event | None = None,
    client: httpx.Client | None = None,
    allow: Callable[[str], bool] | None = None,
    ledger: Ledger | None = None,
    key: str | None = None,
    on_retry: Callable[[RetryNotice], None] | None = None,
) -> Attempt:
    """Grade an answer already received (a live request's, or a batch line's): simulate it where opted in, ask
    the judge for each rubric (live requests), and score it."""
    variant, record = suite.variants[job.variant], suite.rows[job.row]
    send = dict(stop=stop or threading.Event(), client=client, allow=allow, ledger=ledger, on_retry=on_retry)
    reply = outcome.reply
    spent = reply.cost.total if reply.cost is not None else None
    tokens = reply.usage.output_tokens if reply.usage is not None else None
    base = dict(row=job.row, variant=job.variant, repeat=job.repeat, cost=spent, seconds=reply.timings.total)
    if outcome.error is not None or reply.status == "stopped":
        error = str(outcome.error) if outcome.error is not None else "Stopped."
        status = reply.status or "error"
        return Attempt(
            **base,
            output=outcome.text,
            status=status,
            error=error,
            output_tokens=tokens,
            retry_after=_transient(outcome),
        )
    output, simulated = _output(suite, job, variant, outcome)
    measured = g.Measured(spent, reply.timings.total, tokens)
    grades, verdicts = [], []
    for number, grader in enumerate(suite.graders):
        if grader.kind in g.RULES:
            grades.append(g.grade_rule(grader, output, record))
        elif grader.kind in g.LIMITS:
            grades.append(g.grade_limit(grader, measured))
        else:
            headers = _key(f"{key}-judge{number}" if key else None)
            verdict = _judge(suite, grader, output, record, headers=headers, **send)
            verdicts.append(verdict)
            detail = verdict.error or f"{verdict.by}: {verdict.reason}"
            grades.append(g.Grade(grader.name, verdict.score, verdict.passed, detail))
    value = g.score(grades, suite.graders)
    return Attempt(
        **base,
        output=output,
        status=reply.status or "complete",
        error="",
        output_tokens=tokens,
        grades=tuple(grades),
        score=value,
        passed=g.passes(value, suite.threshold),
        verdicts=tuple(verdicts),
        simulated=simulated,
    )


def _key(key: str | None) -> dict[str, str] | None:
    return {IDEMPOTENCY_HEADER: key} if key else None


def _transient(outcome: Outcome) -> float | None:
    """Seconds the server asked to wait (0 when it did not say) for errors worth sending again later; else None."""
    error = outcome.error
    if isinstance(error, RateLimited | ServerError):
        return error.retry_after or 0.0
    if isinstance(error, ConnectionFailed | Timeout | StreamBroken) and not isinstance(error, ReplyTooLarge):
        return 0.0
    return None


def slows_down(error: object) -> bool:
    """A rate limit or an overloaded server (429, 503): a job's shared concurrency should come down."""
    return isinstance(error, RateLimited) or (isinstance(error, ServerError) and error.status == 503)


def _output(suite: Suite, job: Job, variant: Variant, outcome: Outcome) -> tuple[str, bool]:
    if suite.simulation is None or not j.is_offline(variant, outcome):
        return outcome.output(), False
    text = simulate.answer(suite.simulation, variant.params, row=job.row, repeat=job.repeat, rows=suite.rows)
    return text, True


def _judge(
    suite: Suite, grader: g.Grader, output: str, record: Mapping[str, str], **kwargs: object
) -> j.JudgeVerdict:
    expected = str(record.get(grader.expected or "", ""))
    text = j.judge_prompt(suite.judge_prompt, rubric=grader.rubric, output=output, expected=expected, row=record)
    return j.ask(suite.judge_for(), text, expected=expected, output=output, **kwargs)  # type: ignore[arg-type]
