"""Issue 21, findings 9, 10 and 13 through the app (AppTest), on SQLite and PostgreSQL.

9: a sharer's title reached the app's own notice (and History's delete confirmation) as Markdown: a working link
and an image. 10: share links could not be revoked and outlived "Delete for good". 11: one session could take a
whole pool. 13: a refused upload was kept and parsed again on every rerun.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from apptest_util import chat, new_app, run
from experiments_util import known_usage_handler
from loopback import LoopbackServer
from test_compare_page import open_compare
from test_compare_page import send as send_compare
from test_compare_rows import _view
from test_history_page import _chat, _history

from components.compare import rows as compare_rows
from playground.experiments import rows
from playground.store import Store
from playground.text import plain
from playground.wire import http


@pytest.fixture
def database(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The app's PLAYGROUND_DATABASE_URL for this test (a temporary SQLite file or a fresh PostgreSQL database)."""
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", db_url)
    return db_url


PHISH_TITLE = "Urgent [Re-enter your key](https://phish.example/login) ![t](https://track.example/p.png)"


def _shared(database: str, title: str) -> tuple[str, str]:
    """A saved conversation renamed to ``title`` and shared: (conversation id, share id)."""
    _chat("A question worth sharing")
    stored = Store.open(url=database)
    (summary,) = stored.list_conversations(owner="local")
    stored.rename(owner="local", conversation_id=summary.id, title=title)
    share_id = stored.create_share(owner="local", conversation_id=summary.id)
    stored.close()
    return summary.id, share_id


def _open_link(share_id: str):
    viewer = new_app()
    viewer.query_params["share"] = share_id
    return run(viewer)


def _ask_delete(at):
    """History's Delete…: a toggle here, a button with a confirmation in another branch (either is clicked)."""
    toggles = [t for t in at.toggle if t.key == "history_delete_arm"]
    if toggles:
        toggles[0].set_value(True)
    else:
        at.button(key="history_delete_ask").click()
    return run(at)


def _notices(at) -> list[str]:
    return [n.value for n in [*at.info, *at.warning]]


def test_finding_9_a_sharers_title_is_plain_text_in_the_share_notice_and_the_delete_confirmation(database: str):
    _, share_id = _shared(database, PHISH_TITLE)
    viewer = _open_link(share_id)
    notice = next(n for n in _notices(viewer) if "read-only copy" in n)
    assert notice == f"A read-only copy of {plain(PHISH_TITLE)}: anything you add is saved as your own chat."
    assert [text for _, text in chat(viewer)][0] == "A question worth sharing"
    owner = _ask_delete(_history())
    (confirm,) = [w.value for w in owner.warning if "for good" in w.value]
    assert confirm.startswith(f"Delete {plain(PHISH_TITLE)} for good?") and "share links stop working" in confirm


def test_finding_10_a_share_link_can_be_revoked_from_history(database: str):
    _, share_id = _shared(database, "Shared plan")
    assert [t for _, t in chat(_open_link(share_id))][0] == "A question worth sharing"
    owner = _history()
    assert any(e.label == "Share links (1)" for e in owner.expander)
    owner.button(key=f"share_revoke_{share_id}").click()
    run(owner)
    assert any(e.label == "Share links (0)" for e in owner.expander)
    viewer = _open_link(share_id)
    assert chat(viewer) == [] and any("does not open anything" in n for n in _notices(viewer))


def test_finding_10_delete_for_good_ends_the_conversations_links(database: str):
    _, share_id = _shared(database, "Soon gone")
    owner = _ask_delete(_history())
    owner.button(key="history_delete").click()
    run(owner)
    viewer = _open_link(share_id)
    assert chat(viewer) == [] and any("does not open anything" in n for n in _notices(viewer))


def test_finding_10_a_new_link_can_carry_an_expiry(database: str):
    _chat("Short-lived")
    owner = _history()
    owner.selectbox(key="history_share_expiry").set_value("1 day")
    run(owner)
    owner.button(key="history_share").click()
    run(owner)
    share_id = owner.code[0].value.split("share=")[1]
    stored = Store.open(url=database)
    (summary,) = stored.list_conversations(owner="local")
    (link,) = stored.list_shares(owner="local", conversation_id=summary.id)
    assert link.id == share_id and link.expires_at - link.created_at == timedelta(days=1)
    assert stored.open_share(share_id=share_id) is not None
    later = Store(engine=stored.engine, url=database, clock=lambda: link.created_at + timedelta(days=1, seconds=1))
    assert later.open_share(share_id=share_id) is None
    assert later.list_shares(owner="local", conversation_id=summary.id) == []
    stored.close()


def test_finding_13_a_refused_upload_is_dropped_and_not_parsed_again_on_rerun(monkeypatch: pytest.MonkeyPatch):
    parsed: list[str] = []
    real = rows.read_rows
    monkeypatch.setattr(rows, "read_rows", lambda data, name: parsed.append(name) or real(data, name))
    at = _view(open_compare(), "Test set")
    wide = (",".join(f"c{i}" for i in range(5000)) + "\n" + "," * 4999 + "\n").encode()
    at.file_uploader(key="ts_upload").set_value(("wide.csv", wide, "text/csv"))
    run(at)
    assert any(e.value == "More than 200 columns." for e in at.error)
    assert compare_rows.KEPT_FILE not in at.session_state  # the refused bytes are not kept
    run(at)  # any other rerun: the uploader still holds the file
    assert any(e.value == "More than 200 columns." for e in at.error)
    assert parsed == ["wide.csv"]  # parsed once, not on every rerun


def test_finding_11_a_pages_requests_count_toward_its_sessions_share(monkeypatch: pytest.MonkeyPatch):
    """Compare's lanes (and the chat, and test sets) send with the session's config: with a pool of 2, one session
    may hold 1 connection, so its second lane waits for the first instead of taking the rest of the pool."""
    active, peak, lock = [0], [0], threading.Lock()
    answer = known_usage_handler()

    def slow(req):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.6)
        with lock:
            active[0] -= 1
        return answer(req)

    monkeypatch.setenv("PLAYGROUND_MAX_CONNECTIONS", "2")
    with LoopbackServer(slow) as server:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
        http.close_all()
        at = open_compare()
        send_compare(at, "Two lanes, one session")
        frame = at.dataframe[0].value
        assert frame["Status"].tolist() == ["Complete", "Complete"]  # the second lane waited, it did not fail
        assert len(server.requests) == 2 and peak[0] == 1
    http.close_all()
