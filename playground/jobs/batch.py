"""A job in batch mode: its pending units sent as Batch API batches, polled by a worker, read back into the units.

``advance(engine, job_id, suite=...)`` is what a worker (or the app server's thread) calls every ``POLL`` seconds:
it submits the pending units (each held on the job's cap by ``units.take``, the live units' reservation, under
the pseudo-worker ``batch:<job id>`` so no live lane or reclaim touches them), one batch per provider URL, key
and model, each line's ``custom_id`` the unit's idempotency key; then it polls the batches, and once they have
ended writes every line back with ``units.commit`` (the live units' result JSON, priced at the batch price; a
failed or expired line is a failed unit) and settles the job. A stop cancels the batches in flight; what they
finished is kept and the rest goes back to pending. The job's ``batch`` column holds the batches' ids and states
(never a key); a second caller while one submits does nothing, so a job is submitted once.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import Engine

from playground.chat.errors import (
    ConnectionFailed,
    NotAllowed,
    OverBudget,
    PlaygroundError,
    RateLimited,
    ServerError,
    Timeout,
)
from playground.eval import runner as r
from playground.eval.report import attempt_json
from playground.facts.batch import BatchSupport, batch_support
from playground.facts.providers import ProviderConfig
from playground.money.budget import Ledger
from playground.money.pricing import ZERO
from playground.store.records import Budget
from playground.wire import batch_api
from playground.wire.retry import backoff

from . import batch_record as rec
from . import store, units
from .batch_lines import Planned, budget_hold, group_key, outcome_from, plan_unit
from .execute import MAX_TRIES
from .spec import holds

POLL = 10.0  # seconds between a worker's looks at a batch job
MAX_UNITS = batch_api.MAX_LINES  # units claimed per look (one input file holds at most this many)
TRANSIENT = (RateLimited, ServerError, ConnectionFailed, Timeout)


def supports(
    suite: r.Suite, env: Mapping[str, str], secrets: Mapping[str, object] | None = None
) -> list[BatchSupport] | str:
    """Each variant's Batch API, or why the job cannot run as a batch."""
    found = []
    for v in suite.variants:
        support = batch_support(v.config, env, secrets) if v.protocol == "openai" else None
        if support is None:
            where = f"{v.label} ({v.config.provider.label})"
            return f"Batch pricing needs a Batch API for every variant; {where} has none."
        found.append(support)
    return found


def advance(
    engine: Engine,
    job_id: str,
    *,
    suite: r.Suite,
    client: httpx.Client | None = None,
    env: Mapping[str, str] | None = None,
    secrets: Mapping[str, object] | None = None,
    ledger: Ledger | None = None,
    allow: Callable[[str], bool] | None = None,
) -> bool:
    """Move a batch job on by one look (submit, poll, or read back); True when the job has ended."""
    state = store.start(engine, job_id)
    if state is None or state in store.ENDED_STATES:
        return True
    found = supports(suite, os.environ if env is None else env, secrets)
    if isinstance(found, str):
        store.fail(engine, job_id, note=found)
        return True
    token = uuid.uuid4().hex
    record = rec.lease(engine, job_id, token)
    if record is None:
        return False  # another caller is at it
    try:
        if record["cut_off"] and record.get("phase") == "submitting":
            rec.give_back_held(engine, job_id, ledger=ledger)
        if record.get("batches"):
            stopping = state == "stopping"
            polled = _poll(
                engine, job_id, suite, record, found, stopping=stopping, client=client, ledger=ledger, allow=allow
            )
            if not polled:
                return False
        elif state == "running":
            _submit(engine, job_id, suite, found, client=client, allow=allow, ledger=ledger)
    finally:
        rec.release(engine, job_id, token)
    return store.settle(engine, job_id) in store.ENDED_STATES


def _claim(engine: Engine, job_id: str, suite: r.Suite) -> list[units.Unit]:
    hold_of, claimed = holds(suite), []
    while len(claimed) < MAX_UNITS:
        got = units.take(engine, job_id, worker=rec.holder(job_id), hold_of=hold_of)
        if not isinstance(got, units.Unit):
            break
        claimed.append(got)
    return claimed


def _submit(
    engine: Engine,
    job_id: str,
    suite: r.Suite,
    found: list[BatchSupport],
    *,
    client: httpx.Client | None,
    allow: Callable[[str], bool] | None,
    ledger: Ledger | None,
) -> None:
    """Claim the pending units (each held on the cap and the daily budget) and send them as batches; the record
    says what flies, and each unit's row keeps its budget reservation until its line comes back."""
    rec.write(engine, job_id, {**rec.record_of(engine, job_id), "phase": "submitting", "batches": []})
    groups: dict[tuple[str, str, str], list[tuple[units.Unit, Planned]]] = {}
    held: dict[int, Budget | None] = {}  # every claimed unit: a reservation left by an earlier look is replaced
    for unit in _claim(engine, job_id, suite):
        planned = plan_unit(suite, row=unit.row, variant=unit.variant)
        got = budget_hold(ledger, planned)
        if isinstance(got, str):  # as a live unit: not sent, failed with the budget's numbers
            _not_sent(engine, job_id, suite, [unit], OverBudget(got))
            continue
        held[unit.idx] = got
        groups.setdefault(group_key(planned), []).append((unit, planned))
    rec.keep_reservations(engine, job_id, held)
    batches = []
    for members in groups.values():
        config = members[0][1].variant.config
        items = [(unit.key, planned.plan) for unit, planned in members]
        try:
            if not config.provider.offline and allow is not None and not allow(config.base_url):
                raise NotAllowed(f"This deployment does not allow requests to {config.base_url}.")
            info = batch_api.submit(config, items=items, client=client, metadata={"playground_job": job_id})
        except PlaygroundError as err:
            if ledger is not None:
                for unit, _ in members:
                    ledger.release(held.get(unit.idx))
            _not_sent(engine, job_id, suite, [u for u, _ in members], err)
            continue
        variant = members[0][0].variant
        batches.append({"variant": variant, "units": [u.idx for u, _ in members], **info.as_json()})
    history = rec.record_of(engine, job_id).get("history", [])
    rec.write(engine, job_id, {"phase": "running" if batches else "idle", "batches": batches, "history": history})


def _not_sent(engine: Engine, job_id: str, suite: r.Suite, them: list[units.Unit], err: PlaygroundError) -> None:
    """A batch the provider refused: a transient refusal goes back to pending (sent again later), any other is
    every unit's failure (nothing was sent, nothing spent)."""
    for unit in them:
        if isinstance(err, TRANSIENT) and unit.tries < MAX_TRIES:
            wait = err.retry_after if err.retry_after is not None else backoff(unit.tries - 1)
            units.give_back(engine, unit, worker=rec.holder(job_id), retry_in=wait)
            continue
        attempt = r.Attempt(unit.row, unit.variant, unit.repeat, "", "error", str(err), ZERO, None, None)
        labels = [v.label for v in suite.variants]
        units.commit(
            engine, unit, worker=rec.holder(job_id), result=attempt_json(attempt, labels), cost=ZERO, seconds=None,
            failed=True,
        )  # fmt: skip


def _poll(
    engine: Engine,
    job_id: str,
    suite: r.Suite,
    record: dict[str, Any],
    found: list[BatchSupport],
    *,
    stopping: bool,
    client: httpx.Client | None,
    ledger: Ledger | None,
    allow: Callable[[str], bool] | None,
) -> bool:
    """Look at every batch in flight; once all have ended, write their lines back. True when none is in flight."""
    batches, ended = [], True
    for entry in record["batches"]:
        config = suite.variants[entry["variant"]].config
        try:
            info = batch_api.retrieve(config, batch_id=entry["id"], client=client)
            if stopping and not info.done and not record.get("cancelled"):
                info = _cancel(config, info, client=client)
        except PlaygroundError as err:
            if isinstance(err, TRANSIENT):
                return False  # asked again at the next look
            info = batch_api.BatchInfo(entry["id"], "failed", errors=(err.message,))
        batches.append({**entry, **info.as_json()})
        ended = ended and info.done
    rec.write(
        engine, job_id, {**record, "batches": batches, "cancelled": stopping or record.get("cancelled", False)}
    )
    if not ended:
        return False
    for entry in batches:
        _read_back(
            engine, job_id, suite, entry, found[entry["variant"]], client=client, ledger=ledger, allow=allow
        )
    history = [*record.get("history", []), *({k: e[k] for k in ("id", "status")} for e in batches)]
    rec.write(engine, job_id, {"phase": "idle", "batches": [], "history": history[-100:]})
    return True


def _cancel(
    config: ProviderConfig, info: batch_api.BatchInfo, *, client: httpx.Client | None
) -> batch_api.BatchInfo:
    """Ask the provider to cancel (a batch that ended meanwhile refuses: the next look reads it as it ended)."""
    try:
        return batch_api.cancel(config, batch_id=info.id, client=client)
    except PlaygroundError:
        return info


def _read_back(
    engine: Engine,
    job_id: str,
    suite: r.Suite,
    entry: Mapping[str, Any],
    support: BatchSupport,
    *,
    client: httpx.Client | None,
    ledger: Ledger | None,
    allow: Callable[[str], bool] | None,
) -> None:
    """Write every unit of an ended batch: its line's outcome graded and priced (or, after a stop, to pending)."""
    config = suite.variants[entry["variant"]].config
    info = batch_api.batch_info(entry)
    try:
        lines = (
            batch_api.results(config, info=info, client=client)
            if info.output_file_id or info.error_file_id
            else {}
        )
    except PlaygroundError as err:
        lines, info = {}, batch_api.BatchInfo(info.id, "failed", errors=(err.message,))
    idxs = [int(i) for i in entry["units"]]
    members, held = rec.held_units(engine, job_id, idxs), rec.reservations(engine, job_id, idxs)
    why = batch_api.missing(info, lines, [u.key for u in members])
    labels = [v.label for v in suite.variants]
    for number, unit in enumerate(members, start=1):
        if number % 200 == 0:
            rec.renew(engine, job_id)
        line, reservation = lines.get(unit.key), held.get(unit.idx)
        if line is None and ledger is not None:
            ledger.release(reservation)  # it never ran: nothing to pay
        if line is None and info.status == "cancelled":
            units.give_back(engine, unit, worker=rec.holder(job_id))  # stopped before it ran: still to do
            continue
        try:
            planned = plan_unit(suite, row=unit.row, variant=unit.variant)
            outcome = outcome_from(planned, line, support=support, why=why.get(unit.key, ""))
            if ledger is not None and line is not None:
                ledger.record(reply=outcome.reply, reservation=reservation)
            job = r.Job(unit.row, unit.variant, unit.repeat, None)
            attempt = r.grade_outcome(suite, job, outcome, key=unit.key, ledger=ledger, client=client, allow=allow)
            cost: Decimal | None = (attempt.cost or ZERO) + attempt.judge_cost
        except Exception as exc:  # noqa: BLE001 - one broken unit must not end the job (its hold counts as spent)
            problem = f"Internal error ({exc.__class__.__name__}); nothing was graded."
            attempt = r.Attempt(unit.row, unit.variant, unit.repeat, "", "error", problem, None, None, None)
            cost = None
        failed = attempt.status == "error"
        units.commit(
            engine, unit, worker=rec.holder(job_id), result=attempt_json(attempt, labels), cost=cost, seconds=None,
            failed=failed,
        )  # fmt: skip


def run(
    engine: Engine,
    job_id: str,
    *,
    suite: r.Suite,
    stop: Callable[[], bool] = lambda: False,
    poll: float | None = None,
    **kwargs: Any,
) -> None:
    """Advance the job every ``poll`` seconds until it ends or ``stop()`` (a thread's loop; a worker may instead
    call ``advance`` from its own schedule)."""
    while not stop() and not advance(engine, job_id, suite=suite, **kwargs):
        deadline = time.monotonic() + (POLL if poll is None else poll)
        while time.monotonic() < deadline and not stop():
            time.sleep(0.05)
