"""The background writer: saves off the caller's thread, survives a database outage, says so in plain words."""

from __future__ import annotations

import threading
import time

import psycopg
from store_util import conversation

from playground.store import BackgroundWriter, Store, new_id
from playground.store.config import resolve_url, safe_url

PASSWORD = "hunter2-db-password"


def _save_job(owner: str, cid: str, turns: int):
    conv = conversation(turns, text=f"secret question of {owner}")

    def job(store: Store) -> None:
        store.save_turn(owner=owner, conversation_id=cid, conversation=conv, reply=conv.replies[-1])

    return job


def test_jobs_run_in_order_off_the_calling_thread(db_url: str) -> None:
    store = Store.open(url=db_url)
    writer = BackgroundWriter(store=store)
    threads: list[str] = []
    writer.submit(lambda s: threads.append(threading.current_thread().name))
    cid = new_id()
    for turns in (1, 2, 3):
        assert writer.submit(_save_job("ana", cid, turns))
    assert writer.flush(timeout=30)
    assert threads == ["playground-store-writer"]
    assert store.load_conversation(owner="ana", conversation_id=cid).summary.message_count == 6
    assert len(store.spend_by_day(owner="ana")) == 1 and store.spend_by_day(owner="ana")[0].replies == 3
    assert writer.health.state == "ok"
    writer.stop()
    store.close()


def test_a_full_queue_drops_and_says_so(tmp_path) -> None:
    store = Store.open(url=f"sqlite:///{tmp_path / 'p.db'}")
    writer = BackgroundWriter(store=store, capacity=1)
    gate = threading.Event()
    writer.submit(lambda s: gate.wait(10))
    time.sleep(0.05)  # the writer is now blocked in the first job
    assert writer.submit(lambda s: None)
    assert not writer.submit(lambda s: None)
    assert writer.health.state == "down" and "dropped" in writer.health.message
    gate.set()
    assert writer.flush(timeout=10)
    writer.stop()


def test_an_outage_keeps_the_chat_going_and_loses_nothing(postgres) -> None:
    url = postgres.new_database()
    name = url.rsplit("/", 1)[1]
    with_password = url.replace("postgres@", f"postgres:{PASSWORD}@")  # trust auth ignores it; messages must too
    store = Store.open(url=with_password)
    writer = BackgroundWriter(store=store)
    admin = psycopg.connect(f"host=127.0.0.1 port={postgres.port} user=postgres dbname=postgres", autocommit=True)
    admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
    admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
    first, second = new_id(), new_id()
    assert writer.submit(_save_job("ana", first, 1))  # returns at once even though the database is down
    assert writer.submit(_save_job("ana", second, 2))
    assert writer.flush(timeout=60)
    health = writer.health
    assert health.state == "down" and health.pending == 2
    assert "Saving failed, the chat goes on" in health.message
    for leaked in (PASSWORD, "secret question", "INSERT"):
        assert leaked not in health.message
    admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
    writer.submit(lambda s: None)  # the next job retries the kept ones first, in order
    assert writer.flush(timeout=60)
    assert writer.health.state == "ok" and writer.health.pending == 0
    assert [c.id for c in store.list_conversations(owner="ana", sort="oldest")] == [first, second]
    assert store.spend_by_day(owner="ana")[0].replies == 2
    admin.close()
    writer.stop()
    store.close()


def test_url_settings(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("PLAYGROUND_DATABASE_URL")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert resolve_url() == f"sqlite:///{tmp_path}/grok-playground/playground.db"
    assert (tmp_path / "grok-playground").is_dir()  # created on first use
    assert (
        resolve_url(secrets={"PLAYGROUND_DATABASE_URL": "postgresql+psycopg://h/db"})
        == "postgresql+psycopg://h/db"
    )
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", "none")
    assert resolve_url(secrets={"PLAYGROUND_DATABASE_URL": "sqlite:///x"}) is None
    assert Store.open() is None
    assert safe_url("postgresql+psycopg://u:pw@h:5432/db") == "postgresql+psycopg://u:***@h:5432/db"
