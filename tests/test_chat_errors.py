"""Errors and stops on the playground page: a clear message with its fix, prompt and history kept."""

import pytest
from apptest_util import answer_stream, captions, chat, run, send, start_app
from loopback import LoopbackServer, json_reply, sse, sse_reply
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from components.chat import generation


class Script:
    """A server whose replies are taken in order from a list (the last one repeats)."""

    def __init__(self, *replies):
        self.replies = list(replies)

    def __call__(self, req):
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]


@pytest.fixture
def serve(monkeypatch):
    servers = []

    def start(*replies):
        server = LoopbackServer(Script(*replies)).__enter__()
        servers.append(server)
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
        monkeypatch.setattr("playground.wire.openai_chat._sleep", lambda s: None, raising=False)
        return server

    yield start
    for server in servers:
        server.__exit__()


def errors(at):
    return "\n".join(e.value for e in at.error)


def test_401_says_check_the_key_and_keeps_the_prompt(serve):
    serve(json_reply(401, {"error": {"message": "Invalid API key", "type": "authentication_error"}}))
    at = start_app()
    send(at, "Hello?")
    assert "key" in errors(at).lower()
    assert chat(at) == [("user", "Hello?")]


def test_402_says_add_credits(serve):
    serve(json_reply(402, {"status": "error", "message": "Insufficient credits. Please add more credits."}))
    at = start_app()
    send(at, "Hello?")
    assert "credits" in errors(at).lower()
    assert chat(at) == [("user", "Hello?")]


def test_429_says_how_long_to_wait_and_retry_then_works(serve):
    server = serve(
        json_reply(429, {"status": "error", "message": "Rate limit exceeded.", "retry_after": 30}),
        answer_stream("Now it works"),
    )
    at = start_app()
    send(at, "Hello?")
    assert "Rate limit" in errors(at)
    assert at.button(key="retry").label == "Retry (wait 30 s first)"
    at.button(key="retry").click()
    run(at)
    assert chat(at)[-1][1].endswith("Now it works") and not at.error
    assert [r.json()["messages"][-1]["content"] for r in server.requests] == ["Hello?", "Hello?"]


def test_unsupported_parameter_offers_one_retry_naming_its_family_which_then_succeeds(serve):
    """Grok 3 Mini is an xAI reasoning model: the rejected presence_penalty belongs to a documented family, so one
    button names the whole family (there used to be a second one for presence_penalty alone)."""
    server = serve(
        json_reply(
            400,
            {
                "code": "Client specified an invalid argument",
                "error": "Argument not supported on this model: presencePenalty",
            },
        ),
        answer_stream("Fine without it"),
    )
    at = start_app()
    send(at, "Hello?")
    assert "presence_penalty" in errors(at)
    retries = [b for b in at.button if b.key and b.key.startswith("retry_without")]
    assert [b.label for b in retries] == ["Retry without presence_penalty, frequency_penalty, stop"]
    retries[0].click()
    run(at)
    assert chat(at)[-1][1].endswith("Fine without it")
    assert "presence_penalty" in server.requests[0].json()
    assert "presence_penalty" not in server.requests[1].json()
    assert "frequency_penalty" not in server.requests[1].json()
    assert at.slider(key="presence_penalty").disabled  # it stays off for this model
    send(at, "And again")
    assert "presence_penalty" not in server.requests[2].json()


def test_an_unsupported_parameter_outside_any_family_gets_one_retry_without_it(serve):
    server = serve(
        json_reply(400, {"code": "x", "error": "Argument not supported on this model: top_p"}),
        answer_stream("Fine without it"),
    )
    at = start_app()
    send(at, "Hello?")
    retries = [b for b in at.button if b.key and b.key.startswith("retry_without")]
    assert [b.label for b in retries] == ["Retry without top_p"]
    retries[0].click()
    run(at)
    assert chat(at)[-1][1].endswith("Fine without it")
    assert "top_p" in server.requests[0].json() and "top_p" not in server.requests[1].json()
    assert "presence_penalty" in server.requests[1].json()


def test_a_broken_stream_keeps_its_partial_text_and_the_next_message_works(serve):
    chunks = sse({"choices": [{"index": 0, "delta": {"content": "Partial answer"}}]}, done=False)
    serve(sse_reply(chunks, cut=True), answer_stream("Complete"))
    at = start_app()
    send(at, "Tell me")
    assert chat(at)[-1] == ("assistant", "Partial answer")
    assert "Interrupted" in captions(at) and errors(at)
    send(at, "Again")
    assert chat(at)[-1][1].endswith("Complete") and not at.error


def test_a_stopped_reply_keeps_its_partial_text(serve, monkeypatch):
    words = [{"choices": [{"index": 0, "delta": {"content": f"word{i} "}}]} for i in range(200)]
    server = serve(sse_reply(sse(*words), delay=0.01))
    real_show = generation._Live.show

    def show_then_stop(self, builder, *, final=False):
        real_show(self, builder, final=final)
        if len(builder.text_parts) >= 3:
            raise StopException()  # what the chat input's stop button does at the next st call

    monkeypatch.setattr(generation._Live, "show", show_then_stop)
    at = start_app()
    send(at, "Write a lot")
    monkeypatch.setattr(generation._Live, "show", real_show)
    run(at)
    role, text = chat(at)[-1]
    assert role == "assistant" and text.startswith("word0 word1 word2")
    assert "Stopped" in captions(at)
    assert server.chunks_sent < 150  # the HTTP stream was closed, not read to the end
