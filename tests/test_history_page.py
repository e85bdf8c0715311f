"""History, presets, share links, owners and budgets through the app (AppTest), on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from apptest_util import chat, new_app, run, send
from offline_util import offline_server_fixture  # noqa: F401 - the ``server`` fixture

from components import persist
from playground.money.pricing import format_usd
from playground.store import Store

HISTORY = "pages/history.py"
ISSUER = "https://accounts.example"  # signed-in users are keyed on issuer + subject


@pytest.fixture
def database(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The app's PLAYGROUND_DATABASE_URL for this test (a temporary SQLite file or a fresh PostgreSQL database)."""
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", db_url)
    return db_url


@pytest.fixture
def paid(server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A provider that is paid for: the operator's OpenAI-compatible URL (the offline engine's server on loopback
    standing in for it, so its replies are priced and counted like any provider's)."""
    monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
    monkeypatch.setenv("PLAYGROUND_BASE_URL", server)
    return server


def _flush() -> None:
    writer = persist.link().writer
    assert writer is not None and writer.flush(timeout=30)
    assert writer.health.state == "ok", writer.health.message


def _history(user: dict | None = None):
    at = new_app()
    if user is not None:
        at.user = user
    run(at)
    at.switch_page(HISTORY)
    return run(at)


def _titles(at) -> list[str]:
    """Titles in the history table (the Conversations tab's table comes first), or [] when none matched."""
    if any("No saved conversations match" in i.value for i in at.info):
        return []
    return list(at.dataframe[0].value["Title"])


def _chat(text: str, user: dict | None = None):
    at = new_app()
    if user is not None:
        at.user = user
    run(at)
    send(at, text)
    _flush()
    return at


def test_a_saved_conversation_is_listed_with_its_cost_in_a_fresh_session(database: str, paid: str) -> None:
    at = _chat("What is a budget?")
    assert chat(at)[1][0] == "assistant"
    fresh = _history()
    frame = fresh.dataframe[0].value
    assert list(frame["Title"]) == ["What is a budget?"]
    stored = Store.open(url=database)
    (summary,) = stored.list_conversations(owner="local")
    assert summary.total_cost > 0 and list(frame["Cost"]) == [format_usd(summary.total_cost)]
    assert stored.spend_total(owner="local") == summary.total_cost
    assert frame["Updated"][0].endswith(" UTC") and "+00:00" not in frame["Updated"][0]
    fresh.text_input(key="history_search").set_value("nothing like it")  # typed, then one click on Search
    fresh.button(key="history_search_go").click()
    run(fresh)
    assert _titles(fresh) == []  # filtered out
    stored.close()


def test_open_a_saved_conversation_and_continue_it(database: str) -> None:
    _chat("First question")
    at = _history()
    at.button(key="history_open").click()
    run(at)
    assert [role for role, _ in chat(at)] == ["user", "assistant"]  # st.switch_page ran the playground
    at.switch_page("pages/chat.py")  # AppTest's next run would go back to its own page; a browser stays
    run(at)
    send(at, "Second question")
    _flush()
    stored = Store.open(url=database)
    (summary,) = stored.list_conversations(owner="local")
    assert summary.message_count == 4  # continued, not copied
    stored.close()


def test_a_share_link_opens_a_read_only_copy(database: str) -> None:
    _chat("Shared question")
    owner = _history()
    owner.button(key="history_share").click()
    run(owner)
    link = owner.code[0].value
    share_id = link.split("share=")[1]
    viewer = new_app()
    viewer.user = {"is_logged_in": True, "iss": ISSUER, "sub": "viewer-7", "email": "viewer@example.com"}
    viewer.query_params["share"] = share_id
    run(viewer)
    assert [text for _, text in chat(viewer)][0] == "Shared question"
    send(viewer, "The viewer continues")
    _flush()
    stored = Store.open(url=database)
    (original,) = stored.list_conversations(owner="local")
    assert original.message_count == 2  # the original is unchanged
    (copy,) = stored.list_conversations(owner=f"user:{ISSUER}|viewer-7")
    assert copy.message_count == 4 and copy.id != original.id
    stored.close()


def test_login_separates_two_users(database: str) -> None:
    ana, bob = (
        {"is_logged_in": True, "iss": ISSUER, "sub": "ana-1", "email": "ana@example.com"},
        {"is_logged_in": True, "iss": ISSUER, "sub": "bob-2", "email": "bob@example.com"},
    )
    _chat("Ana's question", user=ana)
    _chat("Bob's question", user=bob)
    assert _titles(_history(ana)) == ["Ana's question"]
    assert _titles(_history(bob)) == ["Bob's question"]
    assert _titles(_history()) == []  # the local workspace sees neither


def test_public_mode_keeps_history_per_browser_session(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_PUBLIC", "1")
    at = _chat("Mine only")
    at.switch_page(HISTORY)
    run(at)
    assert _titles(at) == ["Mine only"]
    assert _titles(_history()) == []  # another browser session lists nothing


def test_budget_refuses_with_the_numbers(database: str, paid: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_DAILY_BUDGET_USD", "0.0001")
    at = run(new_app())
    send(at, "Too dear")
    messages = chat(at)
    assert [role for role, _ in messages] == ["user"]  # not sent; the prompt is kept
    text = " ".join(e.value for e in at.error)
    assert "could cost up to $0.0005" in text and "$0.0001" in text
    assert Store.open(url=database).spend_total(owner=None) == Decimal(0)


def test_history_off_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    at = _history()
    assert "History is off" in at.info[0].value


def test_rename_and_delete_after_confirming(database: str) -> None:
    _chat("Old title")
    at = _history()
    at.text_input(key=f"history_title_{at.selectbox(key='history_pick').value}").set_value("New title")
    at.button(key="history_rename").click()
    run(at)
    assert _titles(at) == ["New title"]
    assert not [b for b in at.button if b.key == "history_delete"]  # nothing deletes without confirming
    at.button(key="history_delete_ask").click()
    run(at)
    assert "for good?" in at.warning[0].value
    at.button(key="history_delete_cancel").click()
    run(at)
    assert _titles(at) == ["New title"] and not [b for b in at.button if b.key == "history_delete"]
    at.button(key="history_delete_ask").click()
    run(at)
    at.button(key="history_delete").click()
    run(at)
    assert _titles(at) == []
    assert Store.open(url=database).list_conversations(owner="local") == []


def test_a_database_that_is_down_gets_a_notice_and_the_chat_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", "postgresql+psycopg://postgres:pw-secret@127.0.0.1:9/none")
    at = run(new_app())
    send(at, "Still chatting")
    assert [role for role, _ in chat(at)] == ["user", "assistant"]
    notice = " ".join(w.value for w in at.warning)
    assert "History is not being saved" in notice and "pw-secret" not in notice
    history = _history()
    assert "History is not being saved" in " ".join(w.value for w in history.warning)


def test_a_budget_that_is_not_an_amount_refuses_plainly(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_DAILY_BUDGET_USD", "ten dollars")
    at = run(new_app())
    send(at, "Hello")
    assert [role for role, _ in chat(at)] == ["user"]
    assert "PLAYGROUND_DAILY_BUDGET_USD must be an amount in USD" in " ".join(e.value for e in at.error)


def test_filters_by_cost_and_sorts(database: str, paid: str) -> None:
    _chat("Short one")
    at = _chat("A second, longer question about budgets and costs")
    at.switch_page(HISTORY)
    run(at)
    stored = Store.open(url=database)
    cheap, dear = sorted(stored.list_conversations(owner="local"), key=lambda c: c.total_cost)
    stored.close()
    at.selectbox(key="history_sort").set_value("cost")
    run(at)
    assert _titles(at) == [dear.title, cheap.title]
    at.number_input(key="history_max_cost").set_value(float(cheap.total_cost))
    run(at)
    assert _titles(at) == [cheap.title]


def test_a_signed_in_users_own_budget(database: str, paid: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_USER_DAILY_BUDGET_USD", "0.0001")
    at = new_app()
    at.user = {"is_logged_in": True, "iss": ISSUER, "sub": "ana-1", "email": "ana@example.com"}
    run(at)
    send(at, "Too dear for Ana")
    assert [role for role, _ in chat(at)] == ["user"]
    assert "your daily budget is $0.0001" in " ".join(e.value for e in at.error)
    assert [role for role, _ in chat(_chat("Fine for the local workspace"))] == ["user", "assistant"]


def test_the_pricing_page_can_use_every_saved_reply(database: str) -> None:
    _chat("One")
    _chat("Two")
    at = run(new_app())
    at.switch_page("pages/pricing.py")
    run(at)
    assert at.button(key="pricing_measured").disabled  # this fresh session has no replies of its own
    button = at.button(key="measured_saved")
    assert "all 2 saved replies" in button.label
    button.click()
    run(at)
    expected = Store.open(url=database).measured(owner="local").workload
    assert at.session_state["pricing_input_tokens"] == expected.input_tokens > 0
    assert "saved in this workspace" in " ".join(c.value for c in at.caption)


def test_a_database_that_goes_down_later_never_breaks_a_page(postgres, monkeypatch: pytest.MonkeyPatch) -> None:
    import psycopg

    url = postgres.new_database()
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", url)
    at = _chat("Before the outage")
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(f"host=127.0.0.1 port={postgres.port} user=postgres", autocommit=True) as admin:
        admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        try:
            send(at, "During the outage")  # the sidebar's presets and the save fail; the chat does not
            assert [role for role, _ in chat(at)] == ["user", "assistant"] * 2
            persist.link().writer.flush(timeout=30)
            run(at)
            assert "History is not being saved right now" in " ".join(w.value for w in at.warning)
            history = _history()
            assert "cannot be reached" in " ".join(w.value for w in history.warning)
        finally:
            admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
    run(at)  # back up: the kept save goes through with the next one
    send(at, "After the outage")
    _flush()
    (saved,) = Store.open(url=url).list_conversations(owner="local")
    assert saved.message_count == 6


def test_continuing_a_compare_variant_starts_a_new_saved_chat(database: str) -> None:
    at = _chat("Saved before comparing")
    at.switch_page("pages/compare.py")
    run(at)
    at.text_area(key="cmp_prompt").set_value("Compared prompt")
    run(at)
    at.button(key="cmp_send").click()
    run(at)
    at.button(key="cmp_continue_0").click()
    run(at)
    at.switch_page("pages/chat.py")
    run(at)
    send(at, "Continuing the variant")
    _flush()
    titles = sorted(c.title for c in Store.open(url=database).list_conversations(owner="local"))
    assert titles == ["Compared prompt", "Saved before comparing"]  # the first chat was not overwritten


def test_the_share_link_is_the_apps_whole_address() -> None:
    from components.history.conversations import share_link

    assert share_link("http://localhost:8501/history", "abc") == "http://localhost:8501/?share=abc"
    assert share_link("https://team.example/play/history?x=1", "abc") == "https://team.example/play/?share=abc"
    assert share_link(None, "abc") == "?share=abc"


def test_offline_replies_are_not_spent_and_no_budget_stops_them(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAYGROUND_DAILY_BUDGET_USD", "0.0001")  # a paid request would be refused
    at = _chat("What does nothing cost?")
    assert [role for role, _ in chat(at)] == ["user", "assistant"]  # the offline engine is never refused
    assert not at.exception
    stored = Store.open(url=database)
    would = stored.offline_spend(owner="local")
    assert stored.spend_total(owner=None) == 0 and would.replies == 1 and would.would_cost > 0
    stored.close()
    history = _history()
    assert not history.exception
    metrics = {m.label: m.value for m in history.metric}
    assert metrics == {"Spent in all": "$0.00", "Offline replies (not spent)": "1"}
    notes = " ".join(c.value for c in history.caption)
    assert f"they would cost {format_usd(would.would_cost)} at the model's list prices" in notes
    assert list(history.dataframe[0].value["Cost"]) == ["$0.00"]  # the conversation's cost: nothing paid


def test_renaming_to_an_empty_title_says_what_is_missing(database: str) -> None:
    _chat("Kept title")
    at = _history()
    at.text_input(key=f"history_title_{at.selectbox(key='history_pick').value}").set_value("  ")
    at.button(key="history_rename").click()
    run(at)
    assert not at.exception
    assert [w.value for w in at.warning] == ["Type a title, then Rename."]
    assert _titles(at) == ["Kept title"]
