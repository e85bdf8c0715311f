"""Reload keeps the chat (AppTest, SQLite and PostgreSQL): ``?chat=<id>`` reopens the owner's saved chat; an
unknown id or another owner's opens a fresh chat with a note; Clear says what really happens."""

from __future__ import annotations

import pytest
from apptest_util import chat, new_app, run, send

from components import persist
from playground.store import Store


@pytest.fixture
def database(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", db_url)
    return db_url


def _flush() -> None:
    writer = persist.link().writer
    assert writer is not None and writer.flush(timeout=30)


def _reload(chat_id: str, user: dict | None = None):
    """A fresh browser session on the playground's address with ``?chat=<id>``."""
    at = new_app()
    if user is not None:
        at.user = user
    at.query_params["chat"] = chat_id
    return run(at)


def _ask_clear(at) -> None:
    """More → Clear conversation: the question comes in a dialog."""
    at.button(key="clear").click()
    run(at)


def _infos(at) -> str:
    return " ".join(i.value for i in at.info)


def test_a_reload_reopens_the_chat_that_was_open(database: str) -> None:
    at = run(new_app())
    send(at, "Remember me after a reload")
    _flush()
    run(at)
    (saved,) = Store.open(url=database).list_conversations(owner="local")
    assert at.query_params["chat"] == saved.id  # the address names the saved chat
    again = _reload(saved.id)
    assert [role for role, _ in chat(again)] == ["user", "assistant"]
    assert "Remember me after a reload" in chat(again)[0][1]
    send(again, "And continue it")
    _flush()
    (same,) = Store.open(url=database).list_conversations(owner="local")
    assert same.id == saved.id and same.message_count == 4


def test_another_owners_or_an_unknown_chat_opens_a_fresh_one_with_a_note(database: str) -> None:
    ana = {"is_logged_in": True, "iss": "https://id.example", "sub": "ana-1", "email": "ana@example.com"}
    at = new_app()
    at.user = ana
    run(at)
    send(at, "Ana's secret plans")
    _flush()
    (saved,) = Store.open(url=database).list_conversations(owner="user:https://id.example|ana-1")
    assert [role for role, _ in chat(_reload(saved.id, ana))] == ["user", "assistant"]
    for other in (
        _reload(saved.id, {"is_logged_in": True, "iss": "https://id.example", "sub": "bob-2"}),
        _reload("f" * 32),
    ):
        assert chat(other) == []  # never someone else's chat
        assert "cannot be opened (it is not one of your saved chats): this is a new chat" in _infos(other)
        assert "chat" not in other.query_params
    assert "Ana's secret plans" not in str(_reload("not-an-id").main)


def test_clear_says_the_chat_stays_in_history_when_saving_is_on(database: str) -> None:
    at = run(new_app())
    send(at, "Keep me")
    _ask_clear(at)
    assert "Start a new chat? This one stays in History." in [m.value for m in at.markdown]


def test_clear_says_it_is_gone_when_saving_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", "none")
    at = run(new_app())
    send(at, "Gone soon")
    _ask_clear(at)
    assert any("Saving is off here, so it cannot be brought back" in m.value for m in at.markdown)
    assert "chat" not in at.query_params
