"""Issue 21, findings 10, 11, 14 and 16: what one user of a shared deployment could do to another.

Each test is named after its finding; servers are real HTTP servers on 127.0.0.1, databases real files.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile import HostileServer
from loopback import LoopbackServer, sse, sse_reply

from playground.chat.errors import Busy
from playground.chat.events import TextDelta
from playground.chat.state import ChatState
from playground.facts import catalog, providers
from playground.facts.params import DEFAULTS
from playground.facts.providers import ProviderConfig
from playground.facts.workspace import LOCAL, workspace
from playground.wire import http
from playground.wire.openai_chat import stream_chat
from playground.wire.protocols import build_plan

ROOT = Path(__file__).resolve().parent.parent
MODEL = catalog.get_model(catalog.DEFAULT_MODEL_ID)
GOOD = sse({"choices": [{"delta": {"content": "Fine"}, "finish_reason": "stop"}]})


@pytest.fixture(autouse=True)
def fresh_clients():
    http.close_all()
    yield
    http.close_all()


def events(url: str, *, session: str, source: str = "user"):
    """A reply streamed from ``url`` for ``session`` (the generator: ``next`` sends the request)."""
    config = ProviderConfig(providers.CUSTOM, url + "/v1", "", url_source=source, session=session)
    plan = build_plan(ChatState(config, MODEL, DEFAULTS, [{"role": "user", "content": "hi"}]))
    return stream_chat(plan, config=config)


# Finding 11: 16 per host, 64 in the pool, and a "host" is just a port: four slow ports took all 64 and every other
# user's typed URL failed "busy".


@pytest.mark.parametrize("source", ["user", "operator"])  # the typed URLs' pool, and the trusted one
def test_finding_11_one_session_cannot_take_the_pool_from_the_others(monkeypatch, source: str):
    monkeypatch.setenv("PLAYGROUND_MAX_CONNECTIONS_PER_SESSION", "1000")  # set too high: half the pool still holds
    monkeypatch.setenv("PLAYGROUND_MAX_CONNECTIONS", "16")
    monkeypatch.setenv("PLAYGROUND_POOL_WAIT", "0.5")
    monkeypatch.setenv("PLAYGROUND_REPLY_DEADLINE", "2")
    ports = [HostileServer("drip", interval=0.1) for _ in range(4)]
    held = []
    try:
        for server in ports:
            server.__enter__()
        for i in range(8):  # the session's share: half of 16
            held.append(events(ports[i % 4].url, session="hog", source=source))
            assert next(held[-1]) == TextDelta("Drip ")
        started = time.monotonic()
        with pytest.raises(Busy) as info:
            next(events(ports[0].url, session="hog", source=source))
        assert "This session already has 8 requests in progress" in info.value.message
        assert time.monotonic() - started < 10
        with LoopbackServer(sse_reply(GOOD)) as good:  # everyone else still gets through at once
            others = [e for e in events(good.url, session="another", source=source) if isinstance(e, TextDelta)]
        assert others == [TextDelta("Fine")]
        held.pop().close()  # a finished reply gives the session its slot back
        again = events(ports[1].url, session="hog", source=source)
        assert next(again) == TextDelta("Drip ")
        held.append(again)
    finally:
        for stream in held:
            stream.close()
        for server in ports:
            server.__exit__(None, None, None)


# Finding 14: the signed-in owner was keyed on email before sub, and email_verified was never read.


def test_finding_14_the_owner_is_issuer_and_subject_never_an_unverified_email():
    google = {
        "is_logged_in": True,
        "iss": "https://accounts.google.com",
        "sub": "1001",
        "email": "ana@example.com",
    }
    other = {**google, "iss": "https://login.example", "sub": "1001"}
    same_email = {**google, "sub": "2002", "email_verified": True}
    owners = {workspace(user=u, public=True, session_id="s").owner for u in (google, other, same_email)}
    assert owners == {
        "user:https://accounts.google.com|1001",
        "user:https://login.example|1001",
        "user:https://accounts.google.com|2002",
    }  # one email, three people: the email names none of them
    unverified = {"is_logged_in": True, "email": "ceo@example.com"}
    claimed = {**unverified, "email_verified": "true"}  # only the boolean true counts
    for user in (unverified, claimed):
        ws = workspace(user=user, public=True, session_id="s9")
        assert (ws.owner, ws.signed_in) == ("session:s9", False)
        assert workspace(user=user, public=False, session_id="s9").owner == LOCAL
    verified = workspace(user={**unverified, "email_verified": True}, public=True, session_id="s")
    assert (verified.owner, verified.signed_in) == ("user:ceo@example.com", True)
    long_sub = workspace(
        user={"is_logged_in": True, "iss": "https://i", "sub": "x" * 400}, public=True, session_id="s"
    )
    assert long_sub.owner.startswith("user:sha256:") and len(long_sub.owner) <= 320


# Finding 16: several processes opening one fresh SQLite file: all but one failed ("database is locked", or
# "duplicate column" as two ran the migrations at once).

_OPEN = """
import sys, time
from pathlib import Path
from playground.store import Store
start = Path(sys.argv[2])
while not start.exists():
    time.sleep(0.005)
store = Store.open(url=sys.argv[1])
print(len(store.list_conversations(owner="local")))
store.close()
"""


def test_finding_16_processes_opening_one_fresh_sqlite_file_take_turns_migrating(tmp_path: Path):
    database, start = tmp_path / "fresh.db", tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _OPEN, f"sqlite:///{database}", str(start)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    time.sleep(3)  # every process has imported the app and waits at the line
    start.touch()
    results = [p.communicate(timeout=120) for p in procs]
    failures = [err.strip().splitlines()[-1] for p, (_, err) in zip(procs, results, strict=True) if p.returncode]
    assert not failures
    assert [out.strip() for out, _ in results] == ["0"] * 6
    assert (tmp_path / "fresh.db.migrate.lock").exists()


# Finding 10: share links could not be revoked, and "Delete for good" left them readable forever.


def test_finding_10_only_the_owner_revokes_and_deleting_ends_every_link(tmp_path: Path):
    from playground.chat.conversation import Conversation
    from playground.store import Store

    store = Store.open(url=f"sqlite:///{tmp_path / 'links.db'}")
    conv = Conversation()
    conv.add_user("Shared twice")
    store.save_conversation(owner="ana", conversation_id="c1", conversation=conv, provider="xai", model="m")
    first, second = (store.create_share(owner="ana", conversation_id="c1") for _ in range(2))
    assert [link.id for link in store.list_shares(owner="ana", conversation_id="c1")] == [first, second]
    assert store.list_shares(owner="bob", conversation_id="c1") == []
    assert not store.revoke_share(owner="bob", share_id=first)  # not his link
    assert store.open_share(share_id=first) is not None
    assert store.revoke_share(owner="ana", share_id=first)
    assert store.open_share(share_id=first) is None and store.open_share(share_id=second) is not None
    assert store.delete(owner="ana", conversation_id="c1")
    assert store.open_share(share_id=second) is None
    store.close()
