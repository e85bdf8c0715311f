"""Issue 21, findings 1 and 5: a daily budget nobody can dodge (unpriced models are held, fail closed) and nobody
can burn with their own server (a user's own key is not the operator's spend; a server's claims never commit more
than the request's hold). SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from experiments_util import known_usage_handler, variant
from hostile import HostileServer
from loopback import LoopbackServer

from playground.chat.errors import OverBudget
from playground.experiments.run import budget_messages, compare
from playground.facts.catalog import get_model
from playground.money.budget import UNPRICED, Ledger, Limits, dearest_price, flat_price, predicted_max
from playground.store import Store
from playground.store.engine import read_session
from playground.store.ledger import EVERYONE
from playground.store.models import BudgetRow

HISTORY = [{"role": "user", "content": "Why is the sky blue?"}]
DAY = datetime(2026, 4, 1, 12, tzinfo=UTC)
UNPRICED_MODELS = ("openai-gpt-5.5", "gemini-2.5-pro", "Qwen-Qwen2-1.5B", "a-model-from-v1-models")


@pytest.fixture
def store(db_url: str):
    opened = Store.open(url=db_url)
    opened.clock = lambda: DAY
    yield opened
    opened.close()


def _committed(store: Store, scope: str = EVERYONE) -> tuple[Decimal, Decimal]:
    with read_session(store.engine) as s:
        row = s.get(BudgetRow, (scope, DAY.date()))
        return (row.committed, row.reserved) if row else (Decimal(0), Decimal(0))


def _operator(server: LoopbackServer, model_id: str = "x-ai-grok-3-mini-beta", **params: object):
    """A variant paid by the operator: the deployment's key (environment) and base URL."""
    v = variant(server, **params)
    config = replace(v.config, key_source="environment", url_source="operator")
    return replace(v, config=config, model=get_model(model_id))


def _users_own(server: LoopbackServer, **params: object):
    """A variant on the user's own typed URL with the user's own typed key."""
    v = variant(server, **params)
    return replace(v, config=replace(v.config, key_source="session", url_source="user"))


def test_finding_1_unpriced_models_are_held_fail_closed(store: Store) -> None:
    ledger = Ledger(store=store, owner="ada", limits=Limits(everyone=Decimal("0.01")))
    for model_id in UNPRICED_MODELS:
        model = get_model(model_id)
        assert flat_price(model) is None  # tiered, unknown to genai-prices, or outside the catalogue
        refused = ledger.hold(price=flat_price(model), messages=HISTORY, max_tokens=4096)
        assert isinstance(refused, str) and refused.startswith("Not sent") and UNPRICED in refused
        held = ledger.hold(price=flat_price(model), messages=HISTORY, max_tokens=50)
        expected = predicted_max(price=dearest_price(), messages=HISTORY, max_tokens=50)
        assert not isinstance(held, str) and held is not None and held.granted and held.amount == expected
        store.release_budget(reservation=held)
    assert dearest_price().output >= Decimal(30)  # GPT-5.5's top tier, the dearest known output price
    with LoopbackServer(known_usage_handler()) as server:  # the same through a real comparison: never sent
        run = compare([_operator(server, "a-model-from-v1-models", max_tokens=4096)], HISTORY, ledger=ledger)
        assert run.wait(10)
        assert not server.requests
    assert isinstance(run.outcomes()[0].error, OverBudget)
    with LoopbackServer(known_usage_handler()) as server:  # a request that fits is sent and charged its hold
        v = _operator(server, "a-model-from-v1-models", max_tokens=50)
        hold = predicted_max(price=dearest_price(), messages=budget_messages(v, HISTORY), max_tokens=50)
        run = compare([v], HISTORY, ledger=ledger)
        assert run.wait(10)
        assert len(server.requests) == 1
    assert run.outcomes()[0].reply.cost is None  # a reply of unknown cost ...
    assert _committed(store) == (hold, 0)  # ... is charged at its hold


def test_finding_5_a_users_own_server_never_burns_the_shared_budget(store: Store) -> None:
    limits = Limits(everyone=Decimal("1"))
    ana = Ledger(store=store, owner="session:ana", limits=limits)
    with HostileServer("cost", cost=999999, tokens=100_000_000) as server:
        run = compare([_users_own(server, max_tokens=100)], HISTORY, ledger=ana)
        assert run.wait(10)
        assert len(server.requests) == 1
    assert _committed(store) == (0, 0)  # the user's own key and URL: not the operator's spend
    assert store.spend_by_day(owner="session:ana", since=None)[0].replies == 1  # yet recorded for the user
    assert Ledger(store=store, owner="bob", limits=limits).hold(price=None, messages=HISTORY, max_tokens=10)


def test_finding_5_an_untrusted_cost_never_commits_more_than_its_hold(store: Store) -> None:
    ledger = Ledger(store=store, owner="ada", limits=Limits(everyone=Decimal("1")))
    with HostileServer("cost", cost=999999, tokens=100_000_000) as server:
        v = _operator(server, max_tokens=100)
        hold = predicted_max(price=v.model.price, messages=budget_messages(v, HISTORY), max_tokens=100)
        run = compare([v], HISTORY, ledger=ledger)
        assert run.wait(10)
    reply = run.outcomes()[0].reply
    assert str(reply.usage.raw["cost"]) == "999999" and reply.usage.cost is None  # kept, not used as the price
    assert "reported a cost of $999,999.00" in reply.price_note and "past max tokens" in reply.price_note
    assert _committed(store) == (hold, 0)  # the hold, not $999,999 nor 100 M tokens
    assert ledger.hold(price=v.model.price, messages=HISTORY, max_tokens=100)  # everyone can still send
    with HostileServer("cost", cost=0, tokens=40) as server:  # the inverse: a gateway claiming it was free
        v = _operator(server, max_tokens=100)
        run = compare([v], HISTORY, ledger=ledger)
        assert run.wait(10)
    reply = run.outcomes()[0].reply
    assert reply.cost is not None and reply.cost.total > 0 and not reply.cost.from_provider
    assert _committed(store)[0] == hold + reply.cost.total


def test_finding_1_the_chat_holds_a_model_outside_the_catalogue(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apptest_util import answer_stream, chat, new_app, run, send

    from components import persist

    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", db_url)
    monkeypatch.setenv("PLAYGROUND_DAILY_BUDGET_USD", "0.01")
    with LoopbackServer(lambda req: answer_stream("Unbounded")) as server:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
        monkeypatch.setenv("PLAYGROUND_API_KEY", "sk-operator-key-1")  # the operator pays
        monkeypatch.setenv("PLAYGROUND_MODEL", "a-model-from-v1-models")  # no price anywhere
        at = run(new_app())
        send(at, "How much will this cost?")
        assert [role for role, _ in chat(at)] == ["user"]  # not sent; the prompt is kept
        text = " ".join(e.value for e in at.error)
        assert text.startswith("Not sent") and "dearest price known" in text
        assert not [r for r in server.requests if r.method == "POST"]
        at.slider(key="max_tokens").set_value(50)  # a request whose held maximum fits is sent
        run(at)
        send(at, "A short one, then")
        assert [role for role, _ in chat(at)] == ["user", "user", "assistant"]
    writer = persist.link().writer
    assert writer is not None and writer.flush(timeout=30)
    stored = Store.open(url=db_url)
    committed = stored.spend_by_day(owner=None)
    stored.close()
    assert committed and committed[0].replies == 1


def test_finding_5_the_chat_never_charges_a_users_own_server_to_everyone(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apptest_util import chat, new_app, run, send

    from components import persist

    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", db_url)
    monkeypatch.setenv("PLAYGROUND_DAILY_BUDGET_USD", "1")
    monkeypatch.setenv("PLAYGROUND_PUBLIC", "1")
    with HostileServer("cost", cost=999999, tokens=100_000_000) as server:
        monkeypatch.setenv("PLAYGROUND_ALLOWED_BASE_URLS", server.url + "/v1")  # this user's own server
        at = run(new_app())
        at.selectbox(key="provider").set_value("custom")
        run(at)
        at.text_input(key="base_url").set_value(server.url + "/v1")
        at.text_input(key="api_key_custom").set_value("sk-users-own-key-77")
        run(at)
        send(at, "Spend it all")
        assert [role for role, _ in chat(at)] == ["user", "assistant"]
        assert len([r for r in server.requests if r.method == "POST"]) == 1
    writer = persist.link().writer
    assert writer is not None and writer.flush(timeout=30)
    stored = Store.open(url=db_url)
    stored.clock = lambda: datetime.now(UTC)
    assert stored.spend_by_day(owner=None)[-1].replies == 1  # recorded for the user ...
    assert Ledger(store=stored, owner="bob", limits=Limits(everyone=Decimal("1"))).hold(
        price=get_model("x-ai-grok-3-mini-beta").price, messages=HISTORY, max_tokens=1000
    )  # ... and everyone else can still send: nothing was counted against the shared budget
    with read_session(stored.engine) as s:
        rows = s.query(BudgetRow).all()
        assert all(r.committed == 0 for r in rows)
    stored.close()
