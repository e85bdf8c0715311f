"""Typed errors the UI can explain: each carries a plain message and the action that fixes it."""

from __future__ import annotations

import json
from urllib.parse import quote


class PlaygroundError(Exception):
    """Base of every error the core raises towards the UI.

    Args:
        message: what went wrong, in plain words (never contains an API key).
        action: what the user can do about it.
        status: the HTTP status, when there was one.
        retry_after: seconds to wait before retrying, when the server said so.
        param: the request parameter the server rejected, when it named one.
        partial_text: answer text received before the failure.
        partial_reasoning: reasoning text received before the failure.
    """

    kind = "error"
    default_action = "Try again, or pick another model or provider."
    retryable = False

    def __init__(
        self,
        message: str,
        *,
        action: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
        param: str | None = None,
        partial_text: str = "",
        partial_reasoning: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.action = action or self.default_action
        self.status = status
        self.retry_after = retry_after
        self.param = param
        self.partial_text = partial_text
        self.partial_reasoning = partial_reasoning

    def __str__(self) -> str:
        return f"{self.message} {self.action}".strip()


class AuthError(PlaygroundError):
    kind = "auth"
    default_action = "Check the API key in the sidebar (or the provider's key variable) and try again."


class InsufficientCredits(PlaygroundError):
    kind = "credits"
    default_action = "Add credits to your account with the provider, then retry."


class RateLimited(PlaygroundError):
    kind = "rate_limit"
    default_action = "Wait a moment and retry."
    retryable = True


class UnsupportedParameter(PlaygroundError):
    kind = "unsupported_param"
    default_action = "Retry without that parameter."


class UnknownModel(PlaygroundError):
    """The provider does not serve the model asked for; ``suggestions`` holds the served models closest to it
    (filled in from the provider's model list by ``playground.wire.models``, empty until then)."""

    kind = "unknown_model"
    default_action = "Pick another model: this provider does not serve this one."
    suggestions: tuple[str, ...] = ()


class RetiredModel(UnknownModel):
    """The provider says the model is retired, deprecated or gone (HTTP 410, or its wording)."""

    kind = "retired_model"
    default_action = "The provider has retired this model: switch to one it serves."


class RequestTooLarge(PlaygroundError):
    kind = "too_large"
    default_action = "Shorten the conversation or the prompt, or lower max tokens."


class BadRequest(PlaygroundError):
    kind = "bad_request"
    default_action = "Check the parameters and the prompt, then retry."


class ServerError(PlaygroundError):
    kind = "server"
    default_action = "The provider is having trouble: retry in a little while."
    retryable = True


class Timeout(PlaygroundError):
    kind = "timeout"
    default_action = "The provider did not answer in time: retry, or lower max tokens."


class ConnectTimeout(Timeout):
    """The connection was never made in time: the request did not reach the server, so a retry is safe."""

    default_action = "The provider could not be reached in time: check the base URL, or retry."
    retryable = True


class ConnectionFailed(PlaygroundError):
    kind = "connection"
    default_action = "Check the base URL and your network, then retry."
    retryable = True


class StreamBroken(PlaygroundError):
    kind = "stream_broken"
    default_action = "The partial reply is kept; regenerate to try again."


class Busy(PlaygroundError):
    """No connection was free within the short wait: said at once instead of hanging."""

    kind = "busy"
    default_action = "The server is busy, try again in a moment."


class ReplyTooLarge(StreamBroken):
    """The reply passed a size limit of this deployment; the part received is kept."""

    kind = "too_large_reply"
    default_action = "The partial reply is kept; ask for a shorter answer (lower max tokens) to get a whole one."


class NotAllowed(PlaygroundError):
    kind = "not_allowed"
    default_action = "Choose a provider and base URL this deployment allows."


class OverBudget(PlaygroundError):
    """The daily budget refused the request before it was sent (the message has the numbers)."""

    kind = "over_budget"
    default_action = ""


def _forms(secret: str) -> tuple[str, ...]:
    """The ways ``secret`` can appear in text: as is, stripped, escaped (repr, JSON, backslash) or URL-quoted.

    Only the forms that contain no other form are kept (masking the inner one masks the outer one), longest first.
    Not cached: a cache would keep keys in module memory, shared by every session (a stream computes them once).
    """
    forms = {secret, secret.strip()}
    for value in (secret, secret.strip()):
        forms.add(repr(value)[1:-1])
        forms.add(json.dumps(value)[1:-1])
        forms.add(json.dumps(value, ensure_ascii=False)[1:-1])
        forms.add(value.encode("unicode_escape").decode("ascii"))
        forms.add(quote(value, safe=""))
        forms.add(json.dumps(json.dumps(value))[1:-1])  # JSON inside JSON
    forms = {f for f in forms if len(f) >= 4}
    minimal = {f for f in forms if not any(other != f and other in f for other in forms)}
    return tuple(sorted(minimal, key=len, reverse=True))


def secret_forms(secrets: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Every form (see ``_forms``) of every usable secret, longest first."""
    found = {form for s in secrets if s and len(s.strip()) >= 4 for form in _forms(s)}
    return tuple(sorted(found, key=len, reverse=True))


def redact(text: str, secrets: list[str] | tuple[str, ...]) -> str:
    """Replace every non-empty secret in ``text`` with a mask, in any escaped or quoted form it may take.

    Call it before any truncation: a cut can fall inside a key, and the cut-off part would not match.
    """
    for form in secret_forms(tuple(secrets)):
        if form in text:
            text = text.replace(form, "[redacted]")
    return text
