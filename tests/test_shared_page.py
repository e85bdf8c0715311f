"""Issue 12 through the page (AppTest): each finding as a user of a shared deployment or a hostile server meets it.

Findings 6 (max_chars) and 8 (remote images) have their own page tests here too; the JSONL case of finding 6 is in
tests/test_batch.py, the upload limit in tests/test_upload_limit.py.
"""

from __future__ import annotations

import time

import pytest
from apptest_util import captions, chat, run, send, start_app
from hostile import PHISH, HostileServer
from loopback import LoopbackServer, sse, sse_reply

from playground.wire import http

SECRET = "sk-operator-SECRET-0123456789abcdef"
GOOD = sse({"choices": [{"delta": {"content": "Fine"}, "finish_reason": "stop"}]})
IMAGE = sse({"choices": [{"delta": {"content": "Chart: ![sales](https://img.example/c.png?d=1)"}}]})

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(autouse=True)
def fresh_clients():
    http.close_all()
    yield
    http.close_all()


def chats(server: LoopbackServer) -> list:
    """The chat requests a server received (the app may also read its model list)."""
    return [r for r in server.requests if r.path.endswith("/chat/completions")]


def errors(at) -> str:
    return "\n".join(e.value for e in at.error)


def custom_url(at, url: str):
    at.text_input(key="base_url").set_value(url)
    return run(at)


def operator(monkeypatch, server: LoopbackServer, key: str = SECRET) -> None:
    monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
    monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
    monkeypatch.setenv("PLAYGROUND_API_KEY", key)


def test_finding_1_the_operators_key_does_not_follow_a_typed_url(monkeypatch):
    with LoopbackServer(sse_reply(GOOD)) as good, LoopbackServer(sse_reply(GOOD)) as other:
        operator(monkeypatch, good)
        at = custom_url(start_app(), other.url + "/v1")
        assert "only sent to its own URL" in captions(at)
        send(at, "Hello")
        assert chat(at)[-1] == ("assistant", "Fine")
        assert all("Authorization" not in r.headers for r in other.requests) and chats(good) == []


def test_finding_2_public_mode_refuses_private_addresses_and_query_urls(monkeypatch):
    with LoopbackServer(sse_reply(GOOD)) as internal:
        monkeypatch.setenv("PLAYGROUND_PUBLIC", "1")
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        at = custom_url(start_app(), internal.url.replace("127.0.0.1", "localhost") + "/v1")
        send(at, "Read the metadata")
        assert "does not call private or internal addresses" in errors(at)
        at = custom_url(at, internal.url + "/v1#")
        send(at, "Again")
        assert internal.requests == [] and "the path the app appends" in errors(at)
        assert [m for m, _ in chat(at)] == ["user", "user"]  # the prompts are kept


def test_finding_3_key_with_crlf_works_and_a_bad_one_names_its_variable(monkeypatch):
    with LoopbackServer(sse_reply(GOOD)) as good:
        operator(monkeypatch, good, SECRET + "\r\n")
        send(start_app(), "Hello")
        assert chats(good)[-1].headers["Authorization"] == f"Bearer {SECRET}"
        operator(monkeypatch, good, SECRET + "\x7f")  # (a NUL cannot be set in the environment; see core tests)
        at = send(start_app(), "Hello")
        shown = errors(at) + "\n".join(w.value for w in at.warning)
        assert "PLAYGROUND_API_KEY" in shown and SECRET[:12] not in shown and len(chats(good)) == 1


def test_finding_3_a_typed_non_ascii_key_is_explained_not_a_crash(monkeypatch):
    with LoopbackServer(sse_reply(GOOD)) as good:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        at = custom_url(start_app(), good.url + "/v1")
        at.text_input(key="api_key_custom").set_value("sk-clé-123456")
        send(run(at), "Hello")
        assert "The API key in the sidebar cannot be used" in errors(at) and good.requests == []


def test_finding_4_a_dripping_reply_ends_at_the_deadline_and_a_second_stream_is_refused(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_REPLY_DEADLINE", "1.5")
    with HostileServer("drip", interval=0.2) as drip:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", drip.url + "/v1")
        at = send(start_app(), "Drip")
        assert "limit of 1.5 s" in errors(at) and chat(at)[-1] == ("assistant", "Drip")
        with at.session_state["stream_guard"].hold():  # a reply already streaming in this session
            send(at, "Another")
        assert "already streaming in this session" in errors(at)


@pytest.mark.parametrize(
    ("mode", "said"), [("huge_error", "Internal error: xxx"), ("huge_line", "1,048,576 bytes")]
)
def test_finding_5_huge_bodies_and_lines_are_cut_not_read_whole(monkeypatch, mode, said):
    with HostileServer(mode) as bad:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", bad.url + "/v1")
        at = send(start_app(), "Flood me")
        assert said in errors(at) and len(errors(at)) < 700
        time.sleep(0.5)
        assert bad.chunks_sent < 32  # of 64 MiB: the app hung up instead of reading it all


def test_finding_7_an_allowlisted_host_with_a_path_escape_is_refused(monkeypatch):
    with LoopbackServer(sse_reply(GOOD)) as allowed:
        monkeypatch.setenv("PLAYGROUND_ALLOWED_BASE_URLS", allowed.url + "/v1")
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        for trick in ("/v1/../../steal#", "/v1/%2e%2e/admin", "/v10"):
            at = custom_url(start_app(), allowed.url + trick)
            send(at, "Hello")
            assert errors(at) and allowed.requests == []


def test_finding_8_a_phishing_error_body_is_plain_text_and_images_wait_for_the_switch(monkeypatch):
    with HostileServer("phish") as phish, LoopbackServer(sse_reply(IMAGE)) as images:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        at = custom_url(start_app(), phish.url + "/v1")
        send(at, "Hello")
        box = errors(at)
        assert "Re-enter your key" in box and box.startswith("**` ") and " `** " in box  # one code span
        at = custom_url(at, images.url + "/v1")
        send(at, "Draw")
        assert "![" not in chat(at)[-1][1] and "image from img.example, not loaded" in chat(at)[-1][1]
        at.toggle(key="load_remote_images").set_value(True)
        assert "![sales](https://img.example/c.png?d=1)" in chat(run(at))[-1][1]
    assert PHISH.startswith("Session expired")


def test_finding_9_malformed_streams_give_text_and_a_flag_not_a_crash(monkeypatch):
    with HostileServer("wrong_types") as bad:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", bad.url + "/v1")
        at = send(start_app(), "Break it")
        role, shown = chat(at)[-1]
        assert role == "assistant" and shown.startswith("Still readable")  # (then the tool-call cards)
        assert "` impossible usage from the server" in captions(at) and "not priced" in captions(at)  # plain text
        bad.mode = "nested"
        at = send(start_app(), "Nest it")  # a new session: the first reply's tool calls wait for answers
        assert chat(at)[-1] == ("assistant", "Survived") and "malformed chunk" in errors(at)


def test_finding_10_a_key_echo_across_the_cut_is_masked_on_the_page(monkeypatch):
    with HostileServer("key_echo") as echo:
        operator(monkeypatch, echo)
        at = send(start_app(), "Hello")
        shown = errors(at)
        assert "[redacted]" in shown
        assert not any(SECRET[i : i + 6] in shown for i in range(len(SECRET) - 5))  # not even a cut-off piece
