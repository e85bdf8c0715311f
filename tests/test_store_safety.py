"""No API key ever reaches the database, and a database made by the first schema keeps its data on upgrade."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text
from store_util import conversation, reply, total

from playground.chat.conversation import Conversation
from playground.chat.export import to_json
from playground.facts.params import GenerationParams
from playground.store import Preset, Store, new_id
from playground.store.convert import cost_json
from playground.store.engine import current_revision, head, make_engine, upgrade

SENTINEL = "xai-SENTINEL-9f8e7d6c5b4a39281706"
SERVER_KEY = "sk-or-SERVERKEY-0a1b2c3d4e5f60718293"


def _conversation_full_of_keys() -> Conversation:
    conv = conversation(1)
    params = GenerationParams(system=f"My key is {SENTINEL}")
    export = to_json(conv, params=params, model_id="m", provider_id="xai")  # the export before redaction
    conv.add_user(f"Why does {SENTINEL} fail? Here is my export: {export} and the server's {SERVER_KEY}")
    bad = reply(error=f"401: invalid key {SENTINEL}")
    bad.params = {**bad.params, "system": f"key {SENTINEL}", "api_key": SENTINEL}
    bad.usage = replace(bad.usage, raw={"note": SENTINEL})
    conv.add_assistant(f"Never paste {SENTINEL}", bad)
    return conv


def _fill(store: Store) -> None:
    cid = new_id()
    store.save_conversation(
        owner="ana",
        conversation_id=cid,
        conversation=_conversation_full_of_keys(),
        provider="xai",
        model="m",
        settings={"system": f"uses {SENTINEL}"},
        title=f"About {SENTINEL}",
        secrets=(SENTINEL,),
    )
    store.rename(owner="ana", conversation_id=cid, title=f"Renamed {SENTINEL}", secrets=(SENTINEL,))
    store.save_preset(
        owner="ana",
        preset=Preset(f"p {SENTINEL}", SENTINEL, {"k": SENTINEL}, "xai", "m", tools=[SENTINEL]),
        secrets=(SENTINEL,),
    )
    store.create_share(owner="ana", conversation_id=cid, secrets=(SENTINEL,))
    store.save_experiment(
        owner="ana", name="e", definition={"key": SENTINEL}, results=[SENTINEL], secrets=(SENTINEL,)
    )
    stored = store.load_conversation(owner="ana", conversation_id=cid)
    assert "[redacted]" in stored.conversation.messages[-1].reply.error  # the text is kept, only the key masked


def test_no_key_in_the_sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", SERVER_KEY)  # a server key is masked even when a call forgets it
    db = tmp_path / "p.db"
    store = Store.open(url=f"sqlite:///{db}")
    _fill(store)
    store.close()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"[redacted]" in data
    assert SENTINEL.encode() not in data and SERVER_KEY.encode() not in data


def test_no_key_in_a_postgresql_dump(postgres, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", SERVER_KEY)
    url = postgres.new_database()
    store = Store.open(url=url)
    _fill(store)
    store.close()
    dump = postgres.dump(url)
    # COPY format: the data is in the dump (the job queue's SQL functions, which hold INSERT statements, too)
    assert "[redacted]" in dump and "COPY public.messages" in dump and "INSERT INTO public." not in dump
    assert SENTINEL not in dump and SERVER_KEY not in dump


_FIRST_CONVERSATION = (
    "INSERT INTO conversations (id, owner, title, created_at, updated_at, provider, model, settings, shareable)"
    " VALUES (:id, 'ana', 'Old chat', :t, :t, 'xai', 'm', :settings, :yes)"
)
_FIRST_MESSAGE = (
    "INSERT INTO messages (conversation_id, position, digest, role, content, reasoning, served_model, provider,"
    " cost, cost_total, status) VALUES (:cid, :pos, 'x', :role, :content, :reasoning, :model, :provider, :cost,"
    " :total, :status)"
)


def _rows_at_first_schema(url: str) -> str:
    """A database at revision 0001 holding a conversation written with that schema's own columns."""
    engine = make_engine(url)
    upgrade(engine, revision="0001")
    assert current_revision(engine) == "0001"
    cid, r = "c" * 32, reply()
    answer = {
        "reasoning": r.reasoning,
        "model": r.model_id,
        "provider": r.provider_id,
        "status": "complete",
        "cost": json.dumps(cost_json(r.cost)),
        "total": int(r.cost.total * 10**12),
    }
    question = dict.fromkeys(answer) | {"reasoning": ""}
    with engine.begin() as conn:
        when = datetime(2026, 1, 2, 10, tzinfo=UTC)
        conn.execute(
            text(_FIRST_CONVERSATION), {"id": cid, "t": when, "settings": '{"system": "old"}', "yes": True}
        )
        for pos, (role, content, extra) in enumerate(
            [("user", "old question", question), ("assistant", "old answer", answer)]
        ):
            conn.execute(text(_FIRST_MESSAGE), {"cid": cid, "pos": pos, "role": role, "content": content, **extra})
    engine.dispose()
    return cid


def test_upgrade_from_the_first_schema_keeps_data(db_url: str) -> None:
    conv_id = _rows_at_first_schema(db_url)
    store = Store.open(url=db_url)  # migrates to head
    assert current_revision(store.engine) == head() == "0009"
    (listed,) = store.list_conversations(owner="ana")
    assert (listed.id, listed.title, listed.message_count) == (conv_id, "Old chat", 2)
    assert listed.total_cost == reply().cost.total and isinstance(listed.total_cost, Decimal)
    got = store.load_conversation(owner="ana", conversation_id=conv_id)
    assert [m.content for m in got.conversation.messages] == ["old question", "old answer"]
    assert got.conversation.messages[1].reply.cost == reply().cost and got.settings == {"system": "old"}
    assert store.list_conversations(owner="ana", sort="cost")[0].id == conv_id
    conv = got.conversation
    conv.add_user("new question")
    conv.add_assistant("new answer", reply())
    store.save_conversation(owner="ana", conversation_id=conv_id, conversation=conv, provider="xai", model="m")
    assert store.list_conversations(owner="ana")[0].total_cost == total(conv)
    store.close()
