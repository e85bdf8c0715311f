"""Turn what a provider sent back (HTTP status, error body, transport failure) into one typed, keyless error."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from playground.chat.errors import (
    AuthError,
    BadRequest,
    Busy,
    ConnectionFailed,
    ConnectTimeout,
    InsufficientCredits,
    NotAllowed,
    PlaygroundError,
    RateLimited,
    RequestTooLarge,
    RetiredModel,
    ServerError,
    StreamBroken,
    Timeout,
    UnknownModel,
    UnsupportedParameter,
    redact,
)
from playground.text import no_lone_surrogates, without_lone_surrogates
from playground.wire import wordings
from playground.wire.guard import AddressRefused

QUOTE_LIMIT = 300
BASE_URL_ACTION = "Check the base URL: it should be the OpenAI-compatible root (ending in /v1 or /api/v7/llm)."


@dataclass(slots=True)
class ErrorInfo:
    """The useful parts of an error body, whatever its shape."""

    message: str = ""
    code: str = ""
    param: str | None = None
    retry_after: float | None = None
    status: int | None = None  # a status the body itself states (in-stream errors arrive under HTTP 200)


def snake_case(name: str) -> str:
    """``presencePenalty`` -> ``presence_penalty`` (already snake names are kept)."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name.split(".")[-1]).lower()


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """The server's words on one line, cut to ``limit`` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (a number or an HTTP date), or None."""
    if not headers:
        return None
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None:
        return None
    seconds = _number(value.strip())
    if seconds is not None:
        return seconds
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def parse_body(body: bytes | str | Mapping[str, Any] | None, secrets: Sequence[str] = ()) -> Any:
    """The body as JSON when it is JSON, else as text; ``secrets`` are masked in the text before parsing."""
    if isinstance(body, Mapping) or body is None:
        return body
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = no_lone_surrogates(redact(text, list(secrets)))
    try:
        return without_lone_surrogates(json.loads(text))
    except (ValueError, RecursionError):  # deeply nested JSON is as unreadable as broken JSON
        return text


def _dump(payload: Any) -> str:
    """``payload`` as JSON text, or a placeholder for a value too deeply nested to write."""
    try:
        return json.dumps(payload)
    except (ValueError, TypeError, RecursionError):
        return "(a reply too deeply nested to show)"


def _html_title(text: str) -> str:
    match = re.search(r"<title[^>]*>(.*?)</title>", text, re.I | re.S)
    return match.group(1) if match else re.sub(r"<[^>]+>", " ", text)


def error_info(payload: Any, secrets: Sequence[str] = ()) -> ErrorInfo:
    """Read the message, code, param and retry hint out of any known error shape (secrets masked, then cut)."""
    keys = list(secrets)

    def clean(text: Any) -> str:
        return quote(redact(str(text), keys))

    if isinstance(payload, str):
        return ErrorInfo(clean(_html_title(payload) if "<" in payload else payload))
    if not isinstance(payload, Mapping):
        return ErrorInfo(clean(_dump(payload)) if payload is not None else "")
    info = ErrorInfo(retry_after=_number(payload.get("retry_after")))
    err = payload.get("error")
    if isinstance(err, Mapping):  # OpenAI / OpenRouter / Anthropic: {"error": {...}}
        info.message = str(err.get("message") or err.get("msg") or "")
        info.code = str(err.get("type") or err.get("code") or "")
        info.param = err.get("param") if isinstance(err.get("param"), str) else None
        info.status = _status_of(err.get("code"))
        raw = (err.get("metadata") or {}).get("raw") if isinstance(err.get("metadata"), Mapping) else None
        if raw and not info.message:
            info.message = str(raw)
    elif isinstance(err, str):  # xAI: {"code": "...", "error": "..."}
        info.message, info.code = err, str(payload.get("code") or "")
    else:  # ModelsLab {"status": "error", "message"|"messege"}, vLLM {"object": "error"}, FastAPI {"detail"}
        info.message = str(payload.get("message") or payload.get("messege") or payload.get("detail") or "")
        info.code = str(payload.get("type") or payload.get("code") or "")
        info.status = _status_of(payload.get("code"))
    info.message = clean(info.message or _dump(payload))
    info.code = quote(redact(info.code, keys), 80)
    if info.param:
        info.param = quote(redact(info.param, keys), 80)
    return info


def _status_of(code: Any) -> int | None:
    if isinstance(code, int) and 100 <= code <= 599:
        return code
    if isinstance(code, str) and code.isdigit() and 100 <= int(code) <= 599:
        return int(code)
    return None


def is_error_payload(obj: Any) -> bool:
    """Whether a JSON object received as a reply (or a stream event) is an error report."""
    if not isinstance(obj, Mapping):
        return False
    if obj.get("error") is not None:
        return True
    return obj.get("status") in ("error", "failed") or obj.get("object") == "error" or obj.get("type") == "error"


def _unsupported_param(info: ErrorInfo) -> str | None:
    for pattern in wordings.PARAM_PATTERNS:
        match = pattern.search(info.message)
        if match:
            return snake_case(match.group(1))
    if info.param and info.param not in ("messages", "model") and re.fullmatch(r"[A-Za-z_]\w*", info.param):
        return snake_case(info.param)
    return None


_SAID = ' The server said: "'


def _said(info: ErrorInfo) -> str:
    return f'{_SAID}{info.message}"' if info.message else ""


def server_said(err: PlaygroundError) -> str:
    """The server's own words quoted in ``err``'s message, or ""."""
    _, found, words = err.message.partition(_SAID)
    return words[:-1] if found and words.endswith('"') else ""


def classify(status: int | None, info: ErrorInfo, retry_after: float | None = None) -> PlaygroundError:
    """The typed error for an HTTP status (or an in-stream error, status 200/None) and its parsed body."""
    effective = (
        status if status and status >= 300 else (info.status or wordings.TYPE_STATUS.get(info.code.lower()))
    )
    text = f"{info.message} {info.code}"
    wait = retry_after if retry_after is not None else info.retry_after
    where = f" (HTTP {status})" if status and status >= 300 else ""
    said = _said(info)
    kw: dict[str, Any] = {"status": status if status and status >= 300 else effective}
    if effective == 403 and wordings.MODERATION_TEXT.search(text):
        return BadRequest(
            f"The provider's moderation refused the prompt{where}.{said}",
            action="Rephrase the prompt, or pick another provider.",
            **kw,
        )
    if effective in (401, 403) or wordings.KEY_TEXT.search(text) and (effective or 400) < 500:
        return AuthError(f"The provider refused the request: the API key was not accepted{where}.{said}", **kw)
    if effective == 402 or wordings.CREDIT_TEXT.search(text):
        return InsufficientCredits(f"The account has run out of credits{where}.{said}", **kw)
    if effective == 429 or wordings.RATE_TEXT.search(text) and (effective or 429) < 500:
        return RateLimited(f"The provider is rate-limiting requests{where}.{said}", retry_after=wait, **kw)
    if effective == 408:
        return Timeout(f"The provider timed out handling the request{where}.{said}", **kw)
    if effective is not None and effective >= 500 or wordings.OVERLOAD_TEXT.search(text):
        return ServerError(f"The provider had a server error{where}.{said}", retry_after=wait, **kw)
    if effective == 413 or wordings.SIZE_TEXT.search(text):
        return RequestTooLarge(f"The request is too large for the model{where}.{said}", **kw)
    param = _unsupported_param(info)
    if param:
        return UnsupportedParameter(
            f"The model does not accept the parameter {param}{where}.{said}", param=param, **kw
        )
    if wordings.RETIRED_TEXT.search(text) or effective == 410 and not wordings.ENDPOINT_TEXT.search(text):
        return RetiredModel(f"The provider has retired or deprecated this model{where}.{said}", **kw)
    if wordings.MODEL_TEXT.search(text) or wordings.ANTHROPIC_MODEL_404.match(info.message.strip()):
        return UnknownModel(f"The provider does not serve this model{where}.{said}", **kw)
    if effective == 404:
        return BadRequest(
            f"Nothing answers at this address{where}: the base URL looks wrong.{said}",
            action=BASE_URL_ACTION,
            **kw,
        )
    if status and 300 <= status < 400:
        return BadRequest(
            f"The server redirected the request{where}: the base URL looks wrong.{said}",
            action=BASE_URL_ACTION,
            **kw,
        )
    if effective is None or effective < 400:
        return ServerError(f"The provider reported an error.{said}", **kw)
    return BadRequest(f"The provider rejected the request{where}.{said}", **kw)


def _redacted(err: PlaygroundError, secrets: Sequence[str]) -> PlaygroundError:
    clean = redact(err.message, list(secrets))
    if clean != err.message:
        err.message = clean
        err.args = (clean,)
    if err.param:
        err.param = redact(err.param, list(secrets))
    return err


def error_from_response(
    status: int,
    body: bytes | str | Mapping[str, Any] | None,
    headers: Mapping[str, str] | None = None,
    *,
    secrets: Sequence[str] = (),
) -> PlaygroundError:
    """The typed error for a failed HTTP response (or an error object received under HTTP 200)."""
    info = error_info(parse_body(body, secrets), secrets)
    return _redacted(classify(status, info, retry_after_seconds(headers)), secrets)


def error_from_exception(exc: Exception, *, secrets: Sequence[str] = (), started: bool = False) -> PlaygroundError:
    """The typed error for a transport failure; ``started`` says whether reply events had already arrived."""
    detail = quote(redact(str(exc) or type(exc).__name__, list(secrets)), 200)
    if isinstance(exc.__cause__, AddressRefused):
        err: PlaygroundError = NotAllowed(
            f"This deployment does not call private or internal addresses ({detail}).",
            action="Use a public base URL, or ask the operator to allowlist this one.",
        )
    elif isinstance(exc, httpx.PoolTimeout):
        err = Busy("The server is busy, try again: no connection was free in time.")
    elif isinstance(exc, httpx.ConnectTimeout):
        err = ConnectTimeout(f"Could not connect to the provider in time ({detail}).")
    elif isinstance(exc, httpx.TimeoutException):
        err = Timeout(f"The provider stopped sending before the reply was complete ({detail}).")
    elif isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        err = BadRequest(
            f"The base URL is not a web address this app can call ({detail}).", action=BASE_URL_ACTION
        )
    elif isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.DecodingError)) and started:
        err = StreamBroken(f"The connection broke in the middle of the reply ({detail}).")
    elif isinstance(exc, (httpx.TransportError, httpx.DecodingError)):
        err = ConnectionFailed(f"Could not reach the provider ({detail}).")
    elif isinstance(exc, httpx.HTTPError):
        err = ConnectionFailed(f"The request failed ({detail}).")
    else:  # anything else while sending or reading: a bug or a reply this app cannot read, never a crash
        err = StreamBroken(f"The reply could not be read ({type(exc).__name__}: {detail}).")
    return _redacted(err, secrets)


def with_partial(
    err: PlaygroundError, text: str, reasoning: str, *, secrets: Sequence[str] = ()
) -> PlaygroundError:
    """``err`` carrying the text and reasoning received before it (kept if already set), secrets masked."""
    err.partial_text = redact(err.partial_text or text, list(secrets))
    err.partial_reasoning = redact(err.partial_reasoning or reasoning, list(secrets))
    return _redacted(err, secrets)
