"""Offline replies are not spend (SQLite and PostgreSQL): the ledger marks them, totals and budgets leave them
out, and what they would have cost is reported apart."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text
from store_util import MODEL, conversation, reply, total

from playground.chat.conversation import Conversation
from playground.money.budget import Ledger, Limits
from playground.store import Store, new_id
from playground.store.engine import current_revision, head, make_engine, read_session, upgrade
from playground.store.ledger import EVERYONE
from playground.store.models import BudgetRow

DAY = date(2026, 4, 1)


@pytest.fixture
def store(db_url: str):
    opened = Store.open(url=db_url)
    opened.clock = lambda: datetime(2026, 4, 1, 12, tzinfo=UTC)
    yield opened
    opened.close()


def _offline(conv: Conversation) -> Conversation:
    for m in conv.messages:
        if m.reply is not None:
            m.reply = replace(m.reply, provider_id="offline")
    return conv


def _committed(store: Store, scope: str = EVERYONE) -> Decimal:
    with read_session(store.engine) as s:
        row = s.get(BudgetRow, (scope, DAY))
        return row.committed if row else Decimal(0)


def test_offline_replies_are_not_spend_but_say_what_they_would_cost(store: Store) -> None:
    paid, free = conversation(1), _offline(conversation(2))
    store.save_turn(owner="ana", conversation_id=new_id(), conversation=paid, reply=paid.replies[-1])
    cid = new_id()
    for i in (2, 4):  # two offline turns, saved as the chat saves them
        part = Conversation(free.messages[:i])
        store.save_turn(owner="ana", conversation_id=cid, conversation=part, reply=part.replies[-1])
    assert store.spend_total(owner="ana") == total(paid)
    assert [(d.cost, d.replies) for d in store.spend_by_day(owner="ana")] == [(total(paid), 1)]
    would = store.offline_spend(owner="ana")
    assert (would.replies, would.would_cost) == (2, total(free)) and would.would_cost > 0
    models = store.spend_by_model(owner="ana")
    assert [(m.offline, m.cost, m.replies) for m in models] == [(False, total(paid), 1), (True, total(free), 2)]
    listed = {c.id: c.total_cost for c in store.list_conversations(owner="ana")}
    assert listed[cid] == 0  # the history's cost column: nothing was paid for this chat
    assert store.offline_spend(owner="bob").replies == 0


def test_a_budget_is_not_consumed_by_offline_replies(store: Store) -> None:
    limits = Limits(everyone=Decimal("0.001"))
    ledger = Ledger(store=store, owner="ana", limits=limits)
    messages = [{"role": "user", "content": "Explain budgets."}]
    model_price = MODEL.price
    assert ledger.hold(price=model_price, messages=messages, max_tokens=1000, offline=True) is None
    for _ in range(50):  # far past the cap, had they counted
        ledger.record(reply=replace(reply(), provider_id="offline"), reservation=None)
    assert _committed(store) == 0
    held = ledger.hold(price=model_price, messages=messages, max_tokens=1000)
    assert not isinstance(held, str) and held is not None and held.granted  # the whole budget is still there
    ledger.record(reply=reply(), reservation=held)
    assert _committed(store) == reply().cost.total  # a paid reply still counts
    assert store.offline_spend(owner="ana").replies == 50


def test_an_offline_reply_gives_back_a_reservation_and_commits_nothing(store: Store) -> None:
    held = store.reserve_budget(owner="ana", amount=Decimal("0.4"), global_limit=Decimal("1"))
    store.record_spend(
        owner="ana", provider="offline", model="m", cost=Decimal("0.3"), reservation=held, offline=True
    )
    with read_session(store.engine) as s:
        row = s.get(BudgetRow, (EVERYONE, DAY))
        assert (row.committed, row.reserved) == (0, 0)
    assert store.reserve_budget(owner="ana", amount=Decimal("1"), global_limit=Decimal("1")).granted


def test_the_migration_marks_earlier_offline_rows(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, revision="0004")
    with engine.begin() as conn:
        for provider, pico in (("offline", 539_484_000_000), ("xai", 2_000_000)):
            conn.execute(
                text(
                    "INSERT INTO spend (owner, at, day, provider, model, tokens_in, tokens_out, tokens_reasoning, "
                    "tokens_cached, cost, estimated) VALUES ('local', :at, :day, :p, 'm', 1, 1, 0, 0, :c, :no)"
                ),
                {"at": datetime(2026, 4, 1, tzinfo=UTC), "day": DAY, "p": provider, "c": pico, "no": False},
            )
    engine.dispose()
    store = Store.open(url=db_url)
    assert current_revision(store.engine) == head() == "0009"
    assert store.spend_total(owner="local") == Decimal("0.000002")
    assert store.offline_spend(owner="local").would_cost == Decimal("0.539484")
    store.close()
