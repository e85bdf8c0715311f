"""The fault matrix through the playground page: every fault gives one clear message with its fix, keeps the prompt
and any partial text (marked), and the next message works. Retries happen only before the stream starts."""

from __future__ import annotations

import pytest
from apptest_util import captions, chat, run, send, start_app
from faults import ANSWER, PARTIAL, REASONING, FaultServer

from components.chat import generation
from playground.wire import http

PROMPT = "What is 2 + 2?"
FOLLOW_UP = "And 3 + 3?"
GOOD = ("assistant", f"{REASONING}\n{ANSWER}")  # the thinking block, then the answer
KEPT = ("assistant", f"{REASONING}\n{PARTIAL}")

# fault -> (words of the message, words of the fix, requests the fault costs when it repeats on every attempt)
HTTP_CASES = {
    "400": ("rejected the request (HTTP 400)", "Check the parameters", 1),
    "401": ("API key was not accepted (HTTP 401)", "Check the API key", 1),
    "402": ("run out of credits (HTTP 402)", "Add credits", 1),
    "403": ("API key was not accepted (HTTP 403)", "Check the API key", 1),
    "404": ("Nothing answers at this address (HTTP 404)", "Check the base URL", 1),
    "408": ("timed out handling the request (HTTP 408)", "did not answer in time", 1),
    "413": ("too large for the model (HTTP 413)", "Shorten the conversation", 1),
    "429": ("rate-limiting requests (HTTP 429)", "Wait a moment and retry", 3),
    "500": ("server error (HTTP 500)", "retry in a little while", 1),
    "502": ("server error (HTTP 502)", "retry in a little while", 3),
    "503": ("server error (HTTP 503)", "retry in a little while", 3),
    "529": ("server error (HTTP 529)", "retry in a little while", 1),
}


class _NoticeRecorder:
    """Stands in for the live reply's notice slot, recording every notice written into it."""

    def __init__(self, slot, shown: list[str]) -> None:
        self.slot, self.shown = slot, shown

    def info(self, body: str, **kwargs):
        self.shown.append(body)
        return self.slot.info(body, **kwargs)

    def empty(self):
        return self.slot.empty()


@pytest.fixture
def server(monkeypatch):
    """A fault server the app talks to as its custom provider, with short timeouts and retries that do not wait."""
    sleeps: list[float] = []
    with FaultServer() as srv:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", srv.url + "/v1")
        monkeypatch.setenv("PLAYGROUND_CONNECT_TIMEOUT", "0.5")
        monkeypatch.setenv("PLAYGROUND_READ_TIMEOUT", "1")
        monkeypatch.setattr("playground.wire.openai_chat._sleep", sleeps.append)
        srv.sleeps = sleeps
        http.close_all()  # the next request builds a client with these timeouts
        yield srv
    http.close_all()


@pytest.fixture
def notices(monkeypatch) -> list[str]:
    """Every notice the live reply showed (the retry announcements)."""
    shown: list[str] = []
    real_init = generation._Live.__init__

    def init(self):
        real_init(self)
        self.notice = _NoticeRecorder(self.notice, shown)

    monkeypatch.setattr(generation._Live, "__init__", init)
    return shown


def errors(at) -> str:
    return "\n".join(e.value for e in at.error)


def last_prompt(request) -> str:
    return request.json()["messages"][-1]["content"]


def assert_next_message_works(at, server, *, history: list[tuple[str, str]]) -> None:
    """A new message after the fault gets a complete reply, sent with the history kept so far."""
    before = len(server.chat_requests)
    send(at, FOLLOW_UP)
    assert not at.error
    assert chat(at) == [*history, ("user", FOLLOW_UP), GOOD]
    assert len(server.chat_requests) == before + 1
    sent = [m["content"] for m in server.chat_requests[-1].json()["messages"] if m["role"] != "system"]
    assert sent == [text.split("\n")[-1] for _role, text in history] + [FOLLOW_UP]


@pytest.mark.parametrize("fault", list(HTTP_CASES))
def test_http_error(server, notices, fault):
    message, fix, attempts = HTTP_CASES[fault]
    server.script(*[fault] * attempts)
    at = start_app()
    send(at, PROMPT)
    assert message in errors(at) and fix in errors(at)
    assert len(at.error) == 1
    assert chat(at) == [("user", PROMPT)]  # the prompt stays; no empty reply is added
    assert [last_prompt(r) for r in server.chat_requests] == [PROMPT] * attempts
    assert len(notices) == attempts - 1  # each automatic retry was announced
    at.button(key="retry").click()  # the prompt is kept for a retry, which now succeeds
    run(at)
    assert not at.error and chat(at) == [("user", PROMPT), GOOD]
    assert last_prompt(server.chat_requests[-1]) == PROMPT
    assert_next_message_works(at, server, history=[("user", PROMPT), GOOD])


# stream faults that break the reply: the words of the message, and of the fix
BROKEN_STREAMS = {
    "cut": ("connection broke in the middle of the reply", "partial reply is kept"),
    "error_event": ("server error", "Upstream provider disconnected."),
    "read_timeout": ("stopped sending before the reply was complete", "did not answer in time"),
}


@pytest.mark.parametrize("fault", list(BROKEN_STREAMS))
def test_broken_stream_keeps_partial_text_marked(server, notices, fault):
    message, fix = BROKEN_STREAMS[fault]
    server.script(fault)
    at = start_app()
    send(at, PROMPT)
    assert message in errors(at) and fix in errors(at) and len(at.error) == 1
    assert chat(at) == [("user", PROMPT), KEPT]
    assert "Interrupted" in captions(at)
    assert len(server.chat_requests) == 1 and notices == []  # never retried after the first token
    assert_next_message_works(at, server, history=[("user", PROMPT), KEPT])


def test_malformed_chunk_keeps_the_rest_and_says_a_piece_is_missing(server, notices):
    server.script("malformed")
    at = start_app()
    send(at, PROMPT)
    assert "1 malformed chunk(s) that could not be read" in errors(at) and "partial reply is kept" in errors(at)
    kept = ("assistant", f"{REASONING}\n{PARTIAL} and more")  # the chunks before and after the broken one
    assert chat(at) == [("user", PROMPT), kept]
    assert "Interrupted" in captions(at) and "may have gaps" in captions(at)
    assert len(server.chat_requests) == 1 and notices == []
    assert_next_message_works(at, server, history=[("user", PROMPT), kept])


# stream faults the client rides out: the reply is complete and nothing is lost
@pytest.mark.parametrize("fault", ["keepalive", "bytewise", "no_done"])
def test_tolerated_stream_fault_gives_the_whole_reply(server, fault):
    server.script(fault)
    at = start_app()
    send(at, PROMPT)
    assert not at.error and "Interrupted" not in captions(at)
    assert chat(at) == [("user", PROMPT), GOOD]
    assert "tokens in 20" in captions(at)  # the usage chunk was read too
    assert_next_message_works(at, server, history=[("user", PROMPT), GOOD])


def test_connect_timeout_is_retried_then_says_so_and_retry_works_once_the_server_answers(server, notices):
    server.block()
    at = start_app()
    send(at, PROMPT)
    assert "Could not connect to the provider in time" in errors(at)
    assert len(notices) == 2  # the request never reached the server: safe to retry, and each retry announced
    assert chat(at) == [("user", PROMPT)] and server.chat_requests == []
    server.unblock()
    at.button(key="retry").click()
    run(at)
    assert not at.error and chat(at) == [("user", PROMPT), GOOD]
    assert_next_message_works(at, server, history=[("user", PROMPT), GOOD])


# ---- retry policy -------------------------------------------------------------------------------------------


def test_connection_error_before_the_stream_is_retried_and_announced(server, notices):
    server.script("drop")
    at = start_app()
    send(at, PROMPT)
    assert not at.error and chat(at) == [("user", PROMPT), GOOD]
    assert server.served == ["drop", "ok"]
    assert len(notices) == 1 and "Could not reach the provider" in notices[0]
    assert f"Retrying in {server.sleeps[0]:.1f} s" in notices[0]
    assert 0.25 <= server.sleeps[0] <= 0.5  # backoff with jitter: half fixed, half random


def test_connection_errors_are_retried_twice_with_growing_backoff_then_reported(server, notices):
    server.script("drop", "drop", "drop")
    at = start_app()
    send(at, PROMPT)
    assert "Could not reach the provider" in errors(at) and "Check the base URL" in errors(at)
    assert server.served == ["drop"] * 3 and len(notices) == 2
    assert 0.25 <= server.sleeps[0] <= 0.5 and 0.5 <= server.sleeps[1] <= 1.0
    assert chat(at) == [("user", PROMPT)]


def test_short_429_is_retried_after_its_retry_after_and_the_wait_is_shown(server, notices):
    server.retry_after = "3"
    server.script("429")
    at = start_app()
    send(at, PROMPT)
    assert not at.error and chat(at) == [("user", PROMPT), GOOD]
    assert server.served == ["429", "ok"] and server.sleeps == [3.0]
    assert notices == [  # the server's words as a code span: plain text, never Markdown (issue 12, finding 8)
        '` The provider is rate-limiting requests (HTTP 429). The server said: "Rate limit reached '
        'for requests." ` Retrying in 3 s (attempt 2).'
    ]


def test_long_429_is_not_retried_and_the_retry_button_says_how_long_to_wait(server, notices):
    server.retry_after = "30"
    server.script("429")
    at = start_app()
    send(at, PROMPT)
    assert "rate-limiting" in errors(at) and notices == [] and server.served == ["429"]
    assert at.button(key="retry").label == "Retry (wait 30 s first)"


@pytest.mark.parametrize("fault", ["502", "503"])
def test_502_and_503_are_retried_with_backoff(server, notices, fault):
    server.script(fault)
    at = start_app()
    send(at, PROMPT)
    assert not at.error and chat(at) == [("user", PROMPT), GOOD]
    assert server.served == [fault, "ok"] and len(notices) == 1 and f"HTTP {fault}" in notices[0]
    assert 0.25 <= server.sleeps[0] <= 0.5


@pytest.mark.parametrize("fault", ["400", "401", "402", "403", "404", "408", "413", "500", "529"])
def test_other_errors_are_not_retried(server, notices, fault):
    server.script(fault)
    at = start_app()
    send(at, PROMPT)
    assert at.error and server.served == [fault] and notices == [] and server.sleeps == []


@pytest.mark.parametrize("fault", ["cut", "error_event"])
def test_nothing_is_retried_after_the_first_token(server, notices, fault):
    server.script(fault, fault, fault)  # a retry would hit the same fault again and show up here
    at = start_app()
    send(at, PROMPT)
    assert server.served == [fault] and notices == [] and server.sleeps == []
    assert chat(at)[-1] == KEPT
