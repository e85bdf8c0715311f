"""Daily budgets: a reservation that would pass the limit is refused with the numbers, even under 20 writers."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from store_util import conversation

from playground.store import Store, new_id
from playground.store.engine import read_session
from playground.store.ledger import EVERYONE, HOLD_SECONDS, owner_scope
from playground.store.models import BudgetRow


@pytest.fixture
def store(db_url: str):
    opened = Store.open(url=db_url)
    opened.clock = lambda: datetime(2026, 4, 1, 12, tzinfo=UTC)
    yield opened
    opened.close()


def _held(store: Store, scope: str, day: date = date(2026, 4, 1)) -> tuple[Decimal, Decimal]:
    with read_session(store.engine) as s:
        row = s.get(BudgetRow, (scope, day))
        return (row.committed, row.reserved) if row else (Decimal(0), Decimal(0))


def test_refusal_carries_the_numbers(store: Store) -> None:
    first = store.reserve_budget(owner="ana", amount=Decimal("0.6"), global_limit=Decimal("1"))
    assert first.granted and first.scopes == (EVERYONE,)
    refused = store.reserve_budget(owner="ana", amount=Decimal("0.5"), global_limit=Decimal("1"))
    assert not refused.granted
    assert (refused.scope, refused.limit, refused.reserved, refused.left) == (
        "*",
        1,
        Decimal("0.6"),
        Decimal("0.4"),
    )
    store.record_spend(owner="ana", provider="p", model="m", cost=Decimal("0.25"), reservation=first)
    assert _held(store, EVERYONE) == (Decimal("0.25"), Decimal(0))
    assert store.reserve_budget(owner="ana", amount=Decimal("0.75"), global_limit=Decimal("1")).granted
    assert not store.reserve_budget(owner="bob", amount=Decimal("0.000001"), global_limit=Decimal("1")).granted


def test_a_reply_of_unknown_cost_is_charged_its_reservation(store: Store) -> None:
    held = store.reserve_budget(owner="ana", amount=Decimal("0.4"), global_limit=Decimal("1"))
    store.record_spend(owner="ana", provider="p", model="unpriced", cost=None, reservation=held)
    assert _held(store, EVERYONE) == (Decimal("0.4"), 0)  # counted at its predicted maximum
    assert store.spend_total(owner="ana") == 0  # while the ledger says what is known: no price
    assert store.reserve_budget(owner="ana", amount=Decimal("0.6"), global_limit=Decimal("1")).granted
    assert not store.reserve_budget(owner="ana", amount=Decimal("0.01"), global_limit=Decimal("1")).granted


def test_owner_limit_and_release(store: Store) -> None:
    held = store.reserve_budget(owner="ana", amount=Decimal("2"), limit=Decimal("2"), global_limit=Decimal("10"))
    assert held.granted and set(held.scopes) == {EVERYONE, owner_scope("ana")}
    refused = store.reserve_budget(
        owner="ana", amount=Decimal("0.01"), limit=Decimal("2"), global_limit=Decimal("10")
    )
    assert not refused.granted and refused.scope == owner_scope("ana")
    assert _held(store, EVERYONE) == (0, Decimal("2"))  # the refused request held nothing anywhere
    assert store.reserve_budget(
        owner="bob", amount=Decimal("2"), limit=Decimal("2"), global_limit=Decimal("10")
    ).granted
    store.release_budget(reservation=held)
    assert _held(store, owner_scope("ana")) == (0, 0)
    assert store.reserve_budget(owner="ana", amount=Decimal("2"), limit=Decimal("2")).granted


def test_a_hold_left_by_a_dead_process_is_given_back_once_it_expires(store: Store) -> None:
    start = store.clock()
    caps = {"limit": Decimal("1"), "global_limit": Decimal("5")}
    dead = store.reserve_budget(owner="ana", amount=Decimal("0.8"), **caps)  # its process dies: never recorded
    assert dead.granted and dead.hold_id
    assert not store.reserve_budget(owner="ana", amount=Decimal("0.5"), **caps).granted
    store.clock = lambda: start + timedelta(seconds=HOLD_SECONDS - 1)
    assert not store.reserve_budget(owner="ana", amount=Decimal("0.5"), **caps).granted  # not expired yet
    store.clock = lambda: start + timedelta(seconds=HOLD_SECONDS + 1)
    live = store.reserve_budget(owner="ana", amount=Decimal("0.5"), **caps)
    assert live.granted
    assert _held(store, owner_scope("ana")) == (0, Decimal("0.5"))
    assert _held(store, EVERYONE) == (0, Decimal("0.5"))  # swept in every scope the new reservation holds in
    # the "dead" process wakes after all: its spend is recorded, its hold (given back) is not given back twice
    store.record_spend(owner="ana", provider="p", model="m", cost=Decimal("0.1"), reservation=dead)
    assert _held(store, owner_scope("ana")) == (Decimal("0.1"), Decimal("0.5"))
    assert _held(store, EVERYONE) == (Decimal("0.1"), Decimal("0.5"))
    store.release_budget(reservation=dead)  # nor by a late release
    store.release_budget(reservation=live)
    assert _held(store, owner_scope("ana")) == (Decimal("0.1"), 0)
    assert _held(store, EVERYONE) == (Decimal("0.1"), 0)


def test_twenty_concurrent_writers_never_overspend(db_url: str) -> None:
    predicted = conversation(1).replies[0].cost.total  # each reply costs exactly its prediction
    limit = predicted * 30 + predicted / 2  # room for 30 of the 80 attempts
    stores = [Store.open(url=db_url) for _ in range(2)]  # two "replicas": separate engines on one database
    results: list[tuple[str, int, int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(20)

    def writer(n: int) -> None:
        store = stores[n % 2]
        cid, conv, granted, saved = new_id(), conversation(0), 0, 0
        try:
            start.wait()
            for turn in range(4):
                budget = store.reserve_budget(owner=f"user{n}", amount=predicted, global_limit=limit)
                if not budget.granted:
                    continue
                conv.add_user(f"question {turn} from {n}")
                granted += 1
                conv.add_assistant("answer", conversation(1).messages[1].reply)
                store.save_turn(
                    owner=f"user{n}",
                    conversation_id=cid,
                    conversation=conv,
                    reply=conv.replies[-1],
                    reservation=budget,
                )
                saved = len(conv.messages)
            results.append((f"user{n}", cid, granted, saved))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    store = stores[0]
    spent, granted = store.spend_total(owner=None), sum(g for _, _, g, _ in results)
    per_reply = conversation(1).replies[0].cost.total
    assert granted == 30  # exactly as many as fit: none lost, none over
    assert spent == per_reply * granted <= limit
    assert sum(d.replies for d in store.spend_by_day(owner=None)) == granted
    committed, reserved = _held(store, EVERYONE, store.clock().date())
    assert (committed, reserved) == (spent, 0)
    for owner, cid, g, saved in results:  # every granted reply is in its owner's saved conversation
        stored = store.load_conversation(owner=owner, conversation_id=cid)
        assert (stored.summary.message_count if stored else 0) == saved == 2 * g
    for s in stores:
        s.close()
