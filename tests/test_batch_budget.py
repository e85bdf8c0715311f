"""A batch job and the daily budget (SQLite and PostgreSQL): units are refused before the batch when the budget is
spent, each line's hold lasts until the line comes back (a day, not a live reply's 15 minutes) and is settled by
it, a line that never ran or a refused batch gives its hold back, and a user's own key is never charged."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from batch_loopback import BatchServer
from batch_util import DECLARED, ROWS, drive, enqueue, live_cost
from jobs_util import engine_for, env_for, units

from playground.experiments.run import budget_messages
from playground.jobs import batch, batch_record
from playground.jobs.batch_lines import plan_unit
from playground.money.budget import Ledger, Limits, predicted_max
from playground.store import Store
from playground.store.engine import read_session
from playground.store.ledger import EVERYONE
from playground.store.models import BudgetRow

DAY = datetime(2026, 4, 1, 12, tzinfo=UTC)
LIMIT = Decimal("1")


def committed_reserved(spend: Store, day: date | None = None) -> tuple[Decimal, Decimal]:
    """Everyone's budget for ``day`` (``DAY``'s by default): what was committed and what is still held."""
    with read_session(spend.engine) as s:
        row = s.get(BudgetRow, (EVERYONE, day or DAY.date()))
        return (row.committed, row.reserved) if row else (Decimal(0), Decimal(0))


def test_the_daily_budget_refuses_units_before_the_batch_and_records_what_came_back(db_url: str) -> None:
    engine = engine_for(db_url)
    spend = Store.open(url=db_url)
    spend.clock = lambda: DAY
    try:
        with BatchServer(polls=0) as server:
            job_id, suite = enqueue(engine, env_for(f"{server.url}/v1"))
            planned = plan_unit(suite, row=0, variant=0)
            v = planned.variant
            most = predicted_max(
                price=v.model.price, messages=budget_messages(v, planned.history), max_tokens=v.params.max_tokens
            )
            ledger = Ledger(store=spend, owner="tester", limits=Limits(everyone=most * 5 / 2))  # two fit
            drive(engine, job_id, suite, ledger=ledger)
            lines = len(server.batches["batch_1"]["_lines"])
        done = units(engine, job_id)
        refused = [u for u in done if u.state == "failed"]
        assert lines == 2 and len(refused) == ROWS * 2 - 2
        assert all(u.result["error"].startswith("Not sent: this request could cost up to") for u in refused)
        assert all(u.cost == 0 for u in refused)
        assert spend.spend_total(owner="tester", day=DAY.date()) == 2 * live_cost() / 2
        assert committed_reserved(spend) == (2 * live_cost() / 2, 0)  # the two lines settled their holds
    finally:
        spend.close()


def test_a_lines_hold_lasts_until_it_comes_back_and_a_line_that_never_ran_gives_it_back(db_url: str) -> None:
    engine = engine_for(db_url)
    spend = Store.open(url=db_url)
    now = [DAY]
    spend.clock = lambda: now[0]
    ledger = Ledger(store=spend, owner="tester", limits=Limits(everyone=LIMIT))
    try:
        with BatchServer(polls=2, expire_after=4) as server:
            job_id, suite = enqueue(engine, env_for(f"{server.url}/v1"))
            assert not batch.advance(engine, job_id, suite=suite, env=DECLARED, ledger=ledger)  # submitted
            held = batch_record.reservations(engine, job_id, list(range(ROWS * 2)))
            total = sum(b.amount for b in held.values())
            assert len(held) == ROWS * 2 and committed_reserved(spend) == (0, total) and total < LIMIT
            now[0] = DAY + timedelta(hours=13)  # far past a live reply's hold, on the next UTC day
            more = LIMIT - total + Decimal("0.000001")
            assert not spend.reserve_budget(owner="other", amount=more, global_limit=LIMIT, day=DAY.date()).granted
            drive(engine, job_id, suite, ledger=ledger)
        assert [u.state for u in units(engine, job_id)] == ["done"] * 4 + ["failed"] * (ROWS * 2 - 4)
        # the four lines that ran settled their holds at their batch cost on the day they were held; the two that
        # expired gave theirs back
        assert committed_reserved(spend) == (4 * live_cost() / 2, 0)
        assert committed_reserved(spend, (DAY + timedelta(hours=13)).date()) == (0, 0)
    finally:
        spend.close()


def test_a_refused_batch_gives_its_holds_back(db_url: str) -> None:
    engine = engine_for(db_url)
    spend = Store.open(url=db_url)
    spend.clock = lambda: DAY
    try:
        with BatchServer(refuse_create=True) as server:
            job_id, suite = enqueue(engine, env_for(f"{server.url}/v1"))
            drive(engine, job_id, suite, ledger=Ledger(store=spend, owner="tester", limits=Limits(everyone=LIMIT)))
        assert {u.state for u in units(engine, job_id)} == {"failed"}
        assert committed_reserved(spend) == (0, 0)
    finally:
        spend.close()


def test_a_users_own_key_is_recorded_for_them_and_never_charged_to_the_deployments_budget(db_url: str) -> None:
    engine = engine_for(db_url)
    spend = Store.open(url=db_url)
    spend.clock = lambda: DAY
    try:
        with BatchServer(polls=0) as server:
            job_id, suite = enqueue(engine, env_for(f"{server.url}/v1"))
            own = [replace(v, config=v.config.with_key("sk-own-7070", "session")) for v in suite.variants]
            suite = replace(suite, variants=tuple(own))
            drive(engine, job_id, suite, ledger=Ledger(store=spend, owner="tester", limits=Limits(everyone=LIMIT)))
            assert server.requests[-1].headers["Authorization"] == "Bearer sk-own-7070"
        assert {u.state for u in units(engine, job_id)} == {"done"}
        assert committed_reserved(spend) == (0, 0)
        assert spend.spend_by_day(owner="tester")[0].replies == ROWS * 2
    finally:
        spend.close()
