"""Compare and test-set requests go through the same daily budget and spend ledger as the chat (SQLite and
PostgreSQL): a refused request is never sent and says why, a sent one is recorded at its exact cost."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import Decimal

import pandas as pd
import pytest
from experiments_util import known_cost, known_usage_handler, variant
from loopback import LoopbackServer

from playground.chat.errors import OverBudget
from playground.experiments.run import budget_messages, compare, run_one
from playground.experiments.testrun import EvalRun
from playground.experiments.variant import STARTING_SETS
from playground.money.budget import Ledger, Limits, predicted_max
from playground.store import Store

HISTORY = [{"role": "user", "content": "Why is the sky blue?"}]
DAY = datetime(2026, 4, 1, 12, tzinfo=UTC)


@pytest.fixture
def store(db_url: str):
    opened = Store.open(url=db_url)
    opened.clock = lambda: DAY
    yield opened
    opened.close()


def one_request_max(server: LoopbackServer, history: list[dict[str, str]] = HISTORY) -> Decimal:
    v = variant(server)
    return predicted_max(price=v.model.price, messages=budget_messages(v, history), max_tokens=v.params.max_tokens)


def test_every_reply_is_recorded_at_its_exact_cost(store: Store) -> None:
    ledger = Ledger(store=store, owner="ada", limits=Limits())  # no budget: spend is still recorded
    with LoopbackServer(known_usage_handler()) as server:
        low, high = STARTING_SETS["Reasoning effort low vs high"](variant(server))
        run = compare([low, high], HISTORY, ledger=ledger)
        assert run.wait(10)
    assert store.spend_total(owner="ada", day=DAY.date()) == known_cost(100) + known_cost(1340)
    assert store.spend_total(owner="bob", day=DAY.date()) == 0


def test_the_daily_budget_refuses_before_sending(store: Store) -> None:
    with LoopbackServer(known_usage_handler(delay=0.3)) as server:  # all four hold their maximum at once
        most = one_request_max(server)
        ledger = Ledger(store=store, owner="ada", limits=Limits(everyone=most * 5 / 2))  # room for two, not three
        variants = [variant(server, f"V{i}") for i in range(4)]
        run = compare(variants, HISTORY, ledger=ledger)
        assert run.wait(10)
        sent = len(server.requests)
    outcomes = run.outcomes()
    refused = [o for o in outcomes if isinstance(o.error, OverBudget)]
    assert sent == 2 and len(refused) == 2
    assert all(
        o.reply.status == "error" and o.reply.error.startswith("Not sent: this request could cost up to")
        for o in refused
    )
    assert store.spend_total(owner=None, day=DAY.date()) == 2 * known_cost(0)


def test_a_test_set_stops_spending_at_the_daily_budget(store: Store) -> None:
    frame = pd.DataFrame({"q": [f"question {i}" for i in range(5)]})
    with LoopbackServer(known_usage_handler()) as server:
        most = one_request_max(server, [{"role": "user", "content": "question 0"}])
        each = known_cost(0)  # what a finished request really costs: settled at that, not at its maximum
        ledger = Ledger(store=store, owner="ada", limits=Limits(everyone=most + 2 * each))  # three fit, not four
        run = EvalRun(variants=[variant(server)], rows=frame, prompt="{{q}}", concurrency=1, ledger=ledger)
        run.start()
        assert run.wait(20)
        assert len(server.requests) == 3
    assert [c.outcome.error is None for c in sorted(run.cells, key=lambda c: c.row)] == [True] * 3 + [False] * 2


def test_no_database_with_a_budget_refuses_even_without_a_price() -> None:
    with LoopbackServer(known_usage_handler()) as server:
        v = variant(server)
        down = Ledger(store=None, owner="ada", limits=Limits(everyone=Decimal(1)))
        out = run_one(v, HISTORY, stop=threading.Event(), ledger=down)
        assert isinstance(out.error, OverBudget) and "database" in out.error.message
        assert server.requests == []
    got = down.hold(price=None, messages=HISTORY, max_tokens=100)  # issue 21 #1: an unpriced model fails closed
    assert isinstance(got, str) and "database" in got
