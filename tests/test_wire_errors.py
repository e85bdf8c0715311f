"""Error classification: every provider's error shape becomes the right typed error, with no key in it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from playground.chat import errors as E
from playground.wire.classify import (
    error_from_exception,
    error_from_response,
    is_error_payload,
    retry_after_seconds,
    snake_case,
)

KEY = "sk-test-SECRET-0123456789"


def classify(status: int, body: object, headers: dict[str, str] | None = None) -> E.PlaygroundError:
    raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return error_from_response(status, raw, headers or {}, secrets=[KEY])


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (401, {"error": {"message": "Invalid API key", "type": "invalid_request_error"}}, E.AuthError),
        (403, {"status": "error", "message": "Your plan does not include this feature"}, E.AuthError),
        (
            400,
            {
                "code": "Client specified an invalid argument",
                "error": "Incorrect API key provided: xa***yz. You can obtain an API key from https://console.x.ai.",
            },
            E.AuthError,
        ),
        (400, {"error": "Bad request. The request is invalid or an invalid API key is provided."}, E.AuthError),
        (
            402,
            {"status": "error", "message": "Insufficient credits. Please add more credits to continue."},
            E.InsufficientCredits,
        ),
        (402, {"error": {"code": 402, "message": "Insufficient credits"}}, E.InsufficientCredits),
        (
            429,
            {"error": {"message": "You exceeded your current quota", "type": "insufficient_quota"}},
            E.InsufficientCredits,
        ),
        (
            429,
            {"status": "error", "message": "Rate limit exceeded. Maximum 5 queued requests allowed."},
            E.RateLimited,
        ),
        (
            400,
            {
                "code": "Client specified an invalid argument",
                "error": "Argument not supported on this model: presencePenalty",
            },
            E.UnsupportedParameter,
        ),
        (
            400,
            {"error": {"message": "Model grok-3-mini does not support parameter presencePenalty."}},
            E.UnsupportedParameter,
        ),
        (
            400,
            {"error": {"message": "Unrecognized request argument supplied", "param": "top_k"}},
            E.UnsupportedParameter,
        ),
        (
            404,
            {"error": {"message": "The model `grok-9` does not exist", "code": "model_not_found"}},
            E.UnknownModel,
        ),
        (
            400,
            {"error": "The model grok-3-mini-beta does not exist or your team does not have access to it."},
            E.UnknownModel,
        ),
        (
            404,
            {"error": {"message": "No endpoints found for x-ai/grok-3-mini-beta.", "code": 404}},
            E.UnknownModel,
        ),
        (404, "<html><title>404 Not Found</title><body>nginx</body></html>", E.BadRequest),
        (413, "Request Entity Too Large", E.RequestTooLarge),
        (
            400,
            {
                "error": {
                    "message": "This model's maximum context length is 131072 tokens. However, you requested "
                    "200000 tokens.",
                    "code": "context_length_exceeded",
                }
            },
            E.RequestTooLarge,
        ),
        (
            400,
            {"object": "error", "message": "The prompt is too long for this model", "code": 400},
            E.RequestTooLarge,
        ),
        (408, {"error": {"message": "Request timed out", "code": 408}}, E.Timeout),
        (500, {"error": {"message": "Internal error"}}, E.ServerError),
        (502, "Bad Gateway", E.ServerError),
        (503, {"error": {"message": "No provider available", "code": 503}}, E.ServerError),
        (504, "", E.ServerError),
        (529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}, E.ServerError),
        (400, {"error": {"message": "Invalid value for temperature: must be at most 2"}}, E.BadRequest),
        (422, {"detail": "messages: field required"}, E.BadRequest),
        (415, "Unsupported Media Type", E.BadRequest),
        (
            400,
            {
                "error": {
                    "message": "Invalid 'messages[1].content': string too long.",
                    "param": "messages[1].content",
                }
            },
            E.BadRequest,
        ),
        (400, {"error": {"message": "Invalid key in JSON body"}}, E.BadRequest),
        (
            400,
            {
                "error": {
                    "message": "max_tokens is too large: 200000. This model supports at most 131072 completion "
                    "tokens",
                    "param": "max_tokens",
                }
            },
            E.RequestTooLarge,
        ),
        (
            400,
            {
                "error": {
                    "message": "Unsupported value: 'temperature' does not support 0.5 with this model.",
                    "param": "temperature",
                }
            },
            E.UnsupportedParameter,
        ),
        (400, {"error": {"message": "reasoning_effort is not supported by this model"}}, E.UnsupportedParameter),
        (503, {"error": {"message": "The engine is currently overloaded"}}, E.ServerError),
        (
            403,
            {
                "error": {
                    "code": 403,
                    "message": "Your input was flagged by moderation",
                    "metadata": {"reasons": ["violence"]},
                }
            },
            E.BadRequest,
        ),
    ],
)
def test_http_error_shapes(status: int, body: object, kind: type) -> None:
    err = classify(status, body)
    assert type(err) is kind, (err, err.message)
    assert err.status == status
    assert err.message and err.action


def test_unsupported_parameter_names_come_out_in_snake_case() -> None:
    assert (
        classify(400, {"error": "Argument not supported on this model: presencePenalty"}).param
        == "presence_penalty"
    )
    assert (
        classify(400, {"error": {"message": "Model x does not support parameter frequencyPenalty"}}).param
        == "frequency_penalty"
    )
    assert (
        classify(
            400,
            {
                "error": {
                    "message": "Unsupported parameter: 'stop' is not supported with this model.",
                    "param": "stop",
                }
            },
        ).param
        == "stop"
    )
    assert snake_case("reasoningEffort") == "reasoning_effort"
    assert snake_case("presence_penalty") == "presence_penalty"


def test_the_servers_words_are_quoted_briefly() -> None:
    err = classify(400, {"error": {"message": "Something odd " + "x" * 1000}})
    assert "Something odd" in err.message
    assert len(err.message) < 500
    assert "HTTP 400" in err.message


def test_a_404_about_the_url_points_at_the_base_url() -> None:
    err = classify(404, "Not Found")
    assert "base URL" in err.message and "base URL" in err.action


def test_retry_after_header_in_seconds_and_as_a_date() -> None:
    assert classify(429, {"error": {"message": "slow down"}}, {"Retry-After": "7"}).retry_after == 7
    later = datetime.now(UTC) + timedelta(seconds=120)
    wait = classify(429, "Too Many Requests", {"retry-after": format_datetime(later, usegmt=True)}).retry_after
    assert wait is not None and 100 < wait <= 121
    assert retry_after_seconds({"Retry-After": "soon"}) is None
    assert retry_after_seconds({}) is None


def test_modelslab_retry_after_in_the_body() -> None:
    err = classify(429, {"status": "error", "message": "Rate limit exceeded.", "retry_after": 30})
    assert isinstance(err, E.RateLimited) and err.retry_after == 30


def test_in_stream_errors_under_http_200() -> None:
    assert isinstance(classify(200, {"status": "error", "messege": "Invalid API key"}), E.AuthError)
    rate = classify(200, {"status": "error", "message": "Rate limit exceeded", "retry_after": 3})
    assert isinstance(rate, E.RateLimited) and rate.retry_after == 3
    openrouter = classify(200, {"error": {"code": 502, "message": "Provider returned error"}})
    assert isinstance(openrouter, E.ServerError) and openrouter.status == 502
    generic = classify(
        200,
        {"error": {"message": "The server had an error while processing your request.", "type": "server_error"}},
    )
    assert isinstance(generic, E.ServerError)
    assert isinstance(classify(200, {"object": "error", "message": "boom"}), E.ServerError)


def test_is_error_payload() -> None:
    assert is_error_payload({"error": {"message": "x"}})
    assert is_error_payload({"code": "c", "error": "x"})
    assert is_error_payload({"status": "error", "message": "x"})
    assert is_error_payload({"object": "error", "message": "x"})
    assert not is_error_payload({"choices": [], "error": None})
    assert not is_error_payload({"object": "chat.completion.chunk", "choices": []})
    assert not is_error_payload(["error"])


@pytest.mark.parametrize("status", [400, 401, 402, 404, 429, 500])
def test_the_key_never_appears_in_an_error(status: int) -> None:
    body = {"error": {"message": f"Incorrect API key provided: {KEY}. Also {KEY}", "param": KEY}}
    err = classify(status, body)
    for text in (str(err), err.message, repr(err), err.action, str(err.param), str(err.args)):
        assert KEY not in text
    assert "[redacted]" in err.message


def test_transport_errors() -> None:
    request = httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions")
    assert isinstance(error_from_exception(httpx.ConnectTimeout("t", request=request)), E.Timeout)
    assert isinstance(error_from_exception(httpx.ReadTimeout("t", request=request)), E.Timeout)
    assert isinstance(error_from_exception(httpx.ConnectError("refused", request=request)), E.ConnectionFailed)
    broken = httpx.RemoteProtocolError("peer closed connection without sending complete message body")
    assert isinstance(error_from_exception(broken, started=True), E.StreamBroken)
    assert isinstance(error_from_exception(broken, started=False), E.ConnectionFailed)
    assert isinstance(error_from_exception(httpx.UnsupportedProtocol("ftp")), E.BadRequest)
    leaked = error_from_exception(httpx.ConnectError(f"failed for {KEY}"), secrets=[KEY])
    assert KEY not in str(leaked) and KEY not in repr(leaked)


def test_a_malformed_base_url_is_a_bad_request_not_a_connection_failure() -> None:
    err = error_from_exception(httpx.InvalidURL("Invalid port: 'x'"))
    assert isinstance(err, E.BadRequest) and "base URL" in err.action
