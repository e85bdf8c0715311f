"""The store on SQLite and on a real PostgreSQL: round trip, list and search, presets, shares, owners."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from store_util import conversation, reply, total

from playground.chat.conversation import Conversation
from playground.store import Preset, Store, new_id


@pytest.fixture
def store(db_url: str):
    opened = Store.open(url=db_url)
    yield opened
    opened.close()


def _save(store: Store, conv: Conversation, *, owner: str = "ana", title: str | None = None, model: str = "m1"):
    cid = new_id()
    store.save_conversation(
        owner=owner,
        conversation_id=cid,
        conversation=conv,
        provider="modelslab",
        model=model,
        settings={"system": "Be brief.", "temperature": 0.7},
        title=title,
    )
    return cid


def test_round_trip_keeps_every_field(store: Store) -> None:
    conv = conversation(3)
    cid = _save(store, conv)
    got = store.load_conversation(owner="ana", conversation_id=cid)
    assert got is not None
    assert got.conversation.messages == conv.messages  # dataclass equality: every field of message and reply
    first = got.conversation.replies[0]
    assert isinstance(first.cost.total, Decimal) and first.cost == conv.replies[0].cost
    assert first.usage.raw == conv.replies[0].usage.raw
    assert got.settings == {"system": "Be brief.", "temperature": 0.7}
    assert got.summary.total_cost == total(conv) and got.summary.message_count == 6
    assert got.summary.title == "What is 12 times 7? (turn 0)"


def test_saving_again_updates_changed_and_removed_messages(store: Store) -> None:
    conv = conversation(3)
    cid = _save(store, conv)
    ids = _message_ids(store, cid)
    assert conv.history_tokens() > 0  # fills each message's token cache: not a change
    store.save_conversation(owner="ana", conversation_id=cid, conversation=conv, provider="xai", model="m2")
    assert _message_ids(store, cid) == ids  # nothing rewritten
    conv.truncate(3)
    conv.messages[0].content = "edited question"
    conv.add_assistant("new answer", reply(prompt=10))
    store.save_conversation(owner="ana", conversation_id=cid, conversation=conv, provider="xai", model="m2")
    got = store.load_conversation(owner="ana", conversation_id=cid)
    fields = [(m.role, m.content, m.reply) for m in conv.messages]  # the token cache was filled above
    assert [(m.role, m.content, m.reply) for m in got.conversation.messages] == fields
    assert got.summary.message_count == 4 and got.summary.model == "m2" and got.summary.total_cost == total(conv)


def _message_ids(store: Store, cid: str) -> list[int]:
    from sqlalchemy import select

    from playground.store.engine import read_session
    from playground.store.models import MessageRow

    with read_session(store.engine) as s:
        query = select(MessageRow.id).where(MessageRow.conversation_id == cid).order_by(MessageRow.position)
        return list(s.scalars(query))


def test_list_search_filter_sort(store: Store) -> None:
    clock = datetime(2026, 3, 1, tzinfo=UTC)
    ids = {}
    for i, (words, model, turns) in enumerate(
        [("apple pie", "m1", 1), ("banana 100% bread", "m2", 3), ("cherry", "m1", 2)]
    ):
        store.clock = lambda i=i: clock + timedelta(days=i)
        ids[words] = _save(store, conversation(turns, text=f"Recipe for {words}"), model=model)
    ids["titled"] = _save(store, conversation(1, text="plain"), title="Zebra facts")
    listed = store.list_conversations(owner="ana")
    assert [c.id for c in listed][:3] == [ids["titled"], ids["cherry"], ids["banana 100% bread"]]
    assert [c.id for c in store.list_conversations(owner="ana", search="BANANA")] == [ids["banana 100% bread"]]
    assert [c.id for c in store.list_conversations(owner="ana", search="100%")] == [ids["banana 100% bread"]]
    assert store.list_conversations(owner="ana", search="1_0") == []  # LIKE wildcards are literal
    assert [c.id for c in store.list_conversations(owner="ana", search="zebra")] == [ids["titled"]]
    assert [c.id for c in store.list_conversations(owner="ana", search="It is 84. ✓ turn 2")] == [
        ids["banana 100% bread"]
    ]
    assert {c.id for c in store.list_conversations(owner="ana", model="m2")} == {ids["banana 100% bread"]}
    window = store.list_conversations(
        owner="ana", since=clock + timedelta(hours=12), until=clock + timedelta(days=2)
    )
    assert [c.id for c in window] == [ids["banana 100% bread"]]
    by_cost = store.list_conversations(owner="ana", sort="cost")
    assert by_cost[0].id == ids["banana 100% bread"]
    assert by_cost[0].total_cost > by_cost[1].total_cost > by_cost[-1].total_cost
    cheap = store.list_conversations(owner="ana", max_cost=by_cost[-1].total_cost)
    assert {c.total_cost for c in cheap} == {by_cost[-1].total_cost}
    assert {c.id for c in store.list_conversations(owner="ana", min_cost=by_cost[0].total_cost)} == {by_cost[0].id}
    assert [c.title for c in store.list_conversations(owner="ana", sort="title")][-1] == "Zebra facts"
    assert [c.id for c in store.list_conversations(owner="ana", sort="oldest", limit=1)] == [ids["apple pie"]]
    assert store.models_used(owner="ana") == ["m1", "m2"]


def test_rename_and_delete(store: Store) -> None:
    cid = _save(store, conversation(2))
    assert store.rename(owner="ana", conversation_id=cid, title="  Multiplication  ")
    assert store.list_conversations(owner="ana")[0].title == "Multiplication"
    assert not store.delete(owner="bob", conversation_id=cid)
    assert store.delete(owner="ana", conversation_id=cid)
    assert store.load_conversation(owner="ana", conversation_id=cid) is None
    assert store.list_conversations(owner="ana") == []


def test_owners_see_only_their_own(store: Store) -> None:
    mine = _save(store, conversation(1, text="ana's secret plan"), owner="ana")
    theirs = _save(store, conversation(1, text="bob's plan"), owner="bob")
    assert [c.id for c in store.list_conversations(owner="ana", search="plan")] == [mine]
    assert [c.id for c in store.list_conversations(owner="bob")] == [theirs]
    assert store.load_conversation(owner="bob", conversation_id=mine) is None
    assert not store.rename(owner="bob", conversation_id=mine, title="stolen")
    with pytest.raises(PermissionError):
        store.save_conversation(
            owner="bob", conversation_id=mine, conversation=Conversation(), provider="p", model="m"
        )
    assert store.load_conversation(owner="ana", conversation_id=mine).summary.title == "ana's secret plan (turn 0)"
    store.save_preset(owner="ana", preset=Preset("mine", "s", {}, "xai", "m"))
    assert store.list_presets(owner="bob") == []
    assert store.create_share(owner="bob", conversation_id=mine) is None


def test_presets_crud_and_survive_reopen(store: Store, db_url: str) -> None:
    preset = Preset(
        "JSON helper",
        "Answer in JSON.",
        {"temperature": 0.2, "stop": ["END"]},
        "xai",
        "x-ai-grok-3-mini-beta",
        response_format={"type": "json_object"},
        tools=[{"type": "function", "function": {"name": "f"}}],
    )
    store.save_preset(owner="ana", preset=preset)
    store.save_preset(owner="ana", preset=Preset("Another", "", {}, "offline", "m"))
    again = Store.open(url=db_url)
    assert again.list_presets(owner="ana") == [Preset("Another", "", {}, "offline", "m"), preset]
    store.save_preset(owner="ana", preset=Preset("JSON helper", "Changed.", {}, "xai", "m"))
    assert again.load_preset(owner="ana", name="JSON helper").system == "Changed."
    assert again.delete_preset(owner="ana", name="JSON helper")
    assert [p.name for p in store.list_presets(owner="ana")] == ["Another"]
    again.close()


def test_share_is_a_frozen_copy(store: Store) -> None:
    conv = conversation(2)
    cid = _save(store, conv, title="Shared maths")
    share_id = store.create_share(owner="ana", conversation_id=cid)
    assert share_id and len(share_id) >= 32
    assert store.create_share(owner="ana", conversation_id=cid) != share_id
    conv.add_user("a later question")
    store.save_conversation(owner="ana", conversation_id=cid, conversation=conv, provider="p", model="m")
    store.rename(owner="ana", conversation_id=cid, title="Renamed")
    shared = store.open_share(share_id=share_id)
    assert shared.title == "Shared maths" and len(shared.conversation.messages) == 4
    assert shared.conversation.messages == conversation(2).messages
    shared.conversation.add_user("the viewer continues")  # an independent copy: the snapshot is unchanged
    assert len(store.open_share(share_id=share_id).conversation.messages) == 4
    assert store.open_share(share_id="not-a-share") is None and store.open_share(share_id="") is None


def test_experiments(store: Store) -> None:
    eid = store.save_experiment(owner="ana", name="Effort", definition={"prompts": ["a"]}, results=[{"cost": "1"}])
    store.save_experiment(owner="ana", name="Effort 2", definition={"prompts": ["b"]}, experiment_id=eid)
    (got,) = store.list_experiments(owner="ana")
    assert (got.id, got.name, got.definition, got.results) == (eid, "Effort 2", {"prompts": ["b"]}, None)
    assert store.list_experiments(owner="bob") == []
    (entry,) = store.experiment_index(owner="ana")
    assert (entry.id, entry.name, entry.kind, entry.created_at) == (eid, "Effort 2", "", got.created_at)
    assert store.load_experiment(owner="ana", experiment_id=eid) == got
    assert store.load_experiment(owner="bob", experiment_id=eid) is None  # not theirs
    typed = store.save_experiment(owner="ana", name="Typed", definition={"kind": "testset", "rows": []})
    assert [e.kind for e in store.experiment_index(owner="ana") if e.id == typed] == ["testset"]
    assert not store.delete_experiment(owner="bob", experiment_id=eid)
    assert store.delete_experiment(owner="ana", experiment_id=eid)


def test_spend_ledger(store: Store) -> None:
    day1 = datetime(2026, 3, 1, 23, 59, tzinfo=UTC)
    for at, model, amount in [
        (day1, "a", "0.25"),
        (day1, "b", "0.000000075"),
        (day1 + timedelta(minutes=2), "a", "1"),
    ]:
        store.record_spend(
            owner="ana", provider="xai", model=model, usage=reply().usage, cost=Decimal(amount), at=at
        )
    store.record_spend(owner="bob", provider="xai", model="a", cost=Decimal("5"), at=day1)
    days = store.spend_by_day(owner="ana")
    assert [(d.day.isoformat(), d.cost, d.replies) for d in days] == [
        ("2026-03-01", Decimal("0.250000075"), 2),
        ("2026-03-02", Decimal("1"), 1),
    ]
    models = store.spend_by_model(owner="ana")
    assert [(m.model, m.cost, m.replies) for m in models] == [
        ("a", Decimal("1.25"), 2),
        ("b", Decimal("7.5E-8"), 1),
    ]
    assert models[0].tokens_in == 240 and models[0].tokens_out == 130
    assert store.spend_total(owner=None) == Decimal("6.250000075")


def test_most_expensive(store: Store) -> None:
    cheap, dear = _save(store, conversation(1)), _save(store, conversation(4))
    assert [c.id for c in store.most_expensive(owner="ana", limit=2)] == [dear, cheap]
    assert store.most_expensive(owner="bob") == []


def test_save_turn_records_spend(store: Store) -> None:
    conv = conversation(1)
    cid = new_id()
    store.save_turn(owner="ana", conversation_id=cid, conversation=conv, reply=conv.replies[-1])
    assert store.list_conversations(owner="ana")[0].total_cost == total(conv)
    assert store.spend_total(owner="ana") == total(conv)


def test_search_folds_case_in_every_script(store: Store) -> None:
    """SQLite's LIKE folds ASCII letters only: "über" did not find "Über", nor "ΣΟΦΊΑ" "σοφία"."""
    german = _save(store, conversation(1, text="Über die Straße gehen"))
    greek = _save(store, conversation(1, text="ΣΟΦΊΑ και γνώση"), title="Ελληνικά")
    titled = _save(store, conversation(1, text="plain"), title="Ärger im Büro")
    _save(store, conversation(1, text="Zuber die Katze, Berger"), title="Zuber die")  # ASCII parts only
    for query, expected in (
        ("über", german),
        ("ÜBER DIE", german),  # the trigram probe finds "BER DIE" in the Zuber one too: the whole text decides
        ("σοφία", greek),
        ("ελληνικά", greek),
        ("ärger", titled),
        ("BÜRO", titled),
    ):
        assert [c.id for c in store.list_conversations(owner="ana", search=query)] == [expected], query


def test_search_finds_rare_and_common_words_in_order(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from playground.store import search

    monkeypatch.setattr(search, "CHUNK", 3)  # chunks of 3, then 12, ... over ten conversations
    monkeypatch.setattr(search, "FTS_CAP", 1)  # and SQLite's index path gives way to the chunked scan
    start = datetime(2026, 5, 1, tzinfo=UTC)
    ids = []
    for i in range(10):
        store.clock = lambda i=i: start + timedelta(hours=i)
        ids.append(_save(store, conversation(1, text=f"common words {'unusual' if i in (1, 8) else ''}")))
    newest_first = ids[::-1]
    assert [c.id for c in store.list_conversations(owner="ana", search="COMMON", limit=4)] == newest_first[:4]
    assert [
        c.id for c in store.list_conversations(owner="ana", search="common", limit=4, offset=4)
    ] == newest_first[4:8]
    two = store.list_conversations(owner="ana", search="unusual", limit=2)  # found in the first and second chunk
    assert [c.id for c in two] == [ids[8], ids[1]]
    assert [c.id for c in store.list_conversations(owner="ana", search="unusual", sort="oldest")] == [
        ids[1],
        ids[8],
    ]
    assert store.list_conversations(owner="ana", search="absent") == []


def test_measured_workload_averages_every_recorded_reply(store: Store) -> None:
    from playground.money.pricing import Workload, measure_replies

    replies = [reply(prompt=100, completion=40, reasoning=20), reply(prompt=301, completion=10, reasoning=5)]
    for r in replies:
        store.record_spend(owner="ana", provider="p", model="m", usage=r.usage, cost=r.cost.total)
    store.record_spend(owner="bob", provider="p", model="m", usage=reply(prompt=9999).usage, cost=Decimal(1))
    got = store.measured(owner="ana")
    assert got == measure_replies(replies)  # the same averages as the session's own replies give
    assert got.workload == Workload(input_tokens=201, cached_tokens=16, output_tokens=25, reasoning_tokens=13)
    assert store.measured(owner="nobody") is None


def test_tool_calls_tool_results_and_checks_round_trip(store: Store) -> None:
    from playground.chat.conversation import Message
    from playground.tools.calls import ToolCall
    from playground.tools.paths import Problem
    from playground.tools.response_format import ReplyCheck

    conv = conversation(1)
    calls = (
        ToolCall(0, "call_1", "get_weather", '{"city": "Oslo"}', {"city": "Oslo"}),
        ToolCall(1, "call_2", "get_weather", "{bad", None, Problem("$", "not JSON")),
    )
    conv.messages.append(Message("assistant", "", reply(), tool_calls=calls))
    conv.messages.append(Message("tool", '{"temp": 3}', tool_call_id="call_1", name="get_weather"))
    conv.messages.append(
        Message("assistant", '{"a": 1}', reply(), check=ReplyCheck(False, Problem("$.a", "wrong"), {"a": 1}))
    )
    cid = _save(store, conv)
    got = store.load_conversation(owner="ana", conversation_id=cid).conversation
    assert got.messages == conv.messages
    assert got.messages[2].tool_calls[1].problem == Problem("$", "not JSON")
    assert got.messages[4].check.label == "Invalid: $.a: wrong"
