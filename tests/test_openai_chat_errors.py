"""The Chat Completions client's errors: before any output, mid-stream (partial reply kept), key redaction."""

from __future__ import annotations

import httpx
import pytest
from loopback import LoopbackServer, Reply, json_reply, sse, sse_reply
from openai_chat_util import KEY, chunk, fail, no_sleep_fixture, server_fixture, shared_server_fixture  # noqa: F401 - fixtures

from playground.chat import errors as E
from playground.wire.retry import RetryNotice


@pytest.mark.parametrize(
    ("reply", "kind", "param"),
    [
        (
            json_reply(401, {"error": {"message": "Invalid API key", "type": "invalid_request_error"}}),
            E.AuthError,
            None,
        ),
        (
            json_reply(
                400,
                {
                    "code": "Client specified an invalid argument",
                    "error": "Argument not supported on this model: presencePenalty",
                },
            ),
            E.UnsupportedParameter,
            "presence_penalty",
        ),
        (
            json_reply(402, {"status": "error", "message": "Insufficient credits. Please add more credits."}),
            E.InsufficientCredits,
            None,
        ),
        (
            json_reply(404, {"error": {"message": "Model x does not exist", "code": "model_not_found"}}),
            E.UnknownModel,
            None,
        ),
        (
            json_reply(400, {"object": "error", "message": "This model's maximum context length is 8192 tokens"}),
            E.RequestTooLarge,
            None,
        ),
        (json_reply(200, {"status": "error", "messege": "Invalid API key"}), E.AuthError, None),
        (sse_reply(sse({"status": "error", "message": "Insufficient credits"})), E.InsufficientCredits, None),
        (
            sse_reply(
                [
                    b'event: error\ndata: {"type": "error", "error": {"type": "invalid_request_error", '
                    b'"message": "bad"}}\n\n'
                ]
            ),
            E.BadRequest,
            None,
        ),
        (sse_reply([b"event: error\ndata: something broke\n\n"]), E.ServerError, None),
        (Reply(200, {"Content-Type": "text/event-stream"}, b""), E.StreamBroken, None),
    ],
)
def test_errors_before_any_output(server: LoopbackServer, reply: Reply, kind: type, param: str | None) -> None:
    err = fail(server, reply)
    assert type(err) is kind, err.message
    assert err.param == param
    assert err.partial_text == "" and len(server.requests) == 1


MID_STREAM = [
    sse(
        {"error": {"message": "The server had an error while processing your request.", "type": "server_error"}},
        done=False,
    ),
    sse({"code": "Internal error", "error": "upstream failed"}, done=False),
    sse({"status": "error", "message": "Rate limit exceeded", "retry_after": 1}, done=False),
    sse({"object": "error", "message": "engine died"}, done=False),
    [b'event: error\ndata: {"error": {"message": "Overloaded"}}\n\n'],
    sse(chunk({"content": ""}, "error")),
    sse(chunk({"content": "!"}, "error", error={"code": 502, "message": "Provider disconnected"})),
]


@pytest.mark.parametrize("tail", MID_STREAM)
def test_errors_mid_stream_keep_the_partial_reply_and_do_not_retry(
    server: LoopbackServer, tail: list[bytes]
) -> None:
    head = sse(
        chunk({"reasoning_content": "Thinking"}), chunk({"content": "Part"}), chunk({"content": "ial"}), done=False
    )
    notices: list[RetryNotice] = []
    err = fail(server, sse_reply([*head, *tail]), on_retry=notices.append)
    assert isinstance(err, (E.ServerError, E.RateLimited)), err.message
    assert err.partial_text.startswith("Partial") and err.partial_reasoning == "Thinking"
    assert len(server.requests) == 1 and notices == []


def test_connection_cut_mid_stream_is_stream_broken_with_partial_text(server: LoopbackServer) -> None:
    err = fail(
        server, sse_reply(sse(chunk({"reasoning_content": "r"}), chunk({"content": "Half"}), done=False), cut=True)
    )
    assert isinstance(err, E.StreamBroken)
    assert (err.partial_text, err.partial_reasoning) == ("Half", "r")
    assert len(server.requests) == 1


def test_read_timeout_mid_stream_keeps_partial_text(server: LoopbackServer) -> None:
    slow = httpx.Client(timeout=httpx.Timeout(5.0, read=0.3))
    with slow:
        err = fail(server, sse_reply(sse(chunk({"content": "So far"}), done=False), stall=3), client=slow)
    assert isinstance(err, E.Timeout) and err.partial_text == "So far"


def test_the_key_never_appears_in_errors(server: LoopbackServer) -> None:
    leak = f"Incorrect API key provided: {KEY}"
    for reply in (
        json_reply(401, {"error": {"message": leak}}),
        json_reply(400, {"code": "x", "error": leak}),
        sse_reply([*sse(chunk({"content": "a"}), done=False), *sse({"error": {"message": leak}})]),
    ):
        err = fail(server, reply)
        for text in (str(err), err.message, repr(err), str(err.args)):
            assert KEY not in text
        assert "[redacted]" in err.message
