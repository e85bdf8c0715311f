"""OpenAI Chat Completions over HTTP: one typed event stream (or one typed error) for every provider's dialect."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import httpx

from playground.chat.errors import PlaygroundError, ServerError, StreamBroken, redact
from playground.chat.events import Event, Finish, ReasoningDelta, TextDelta, ToolCallDelta, Usage
from playground.facts.providers import ProviderConfig
from playground.text import without_lone_surrogates
from playground.wire.classify import (
    error_from_exception,
    error_from_response,
    is_error_payload,
    quote,
    with_partial,
)
from playground.wire.http import check_config, client_for
from playground.wire.openai_events import StreamState, events_from_objects
from playground.wire.request import RequestPlan
from playground.wire.retry import RetryNotice, retry_wait
from playground.wire.scrub import scrub_events
from playground.wire.sse import ServerSentEvent, SSEDecoder

_sleep: Callable[[float], None] = time.sleep  # tests replace this so retries do not wait
DRAIN_BYTES = 64 * 1024  # read at most this much after [DONE] to keep the connection for the next request
_scan = json.JSONDecoder().scan_once


@dataclass(slots=True)
class ChatResult:
    """A whole reply: answer text, reasoning, finish reason, usage and tool calls (OpenAI-shaped dicts)."""

    text: str = ""
    reasoning: str = ""
    finish_reason: str | None = None
    usage: Usage | None = None
    tool_calls: list[dict[str, Any]] = field(default_factory=list)


def stream_chat(
    plan: RequestPlan,
    *,
    config: ProviderConfig,
    client: httpx.Client | None = None,
    on_retry: Callable[[RetryNotice], None] | None = None,
    max_retries: int = 2,
) -> Iterator[Event]:
    """Send ``plan`` and yield its reply as typed events; raise a typed error carrying any partial reply.

    Connection failures, short rate limits and 502/503 are retried, but only before the first event. Any other
    exception while sending or reading becomes a typed error too. The key is masked in the text as it streams.
    Closing the generator closes the HTTP response.
    """
    check_config(config)
    client = client or client_for(config)
    yield from scrub_events(_tries(plan, config, client, on_retry, max_retries), (config.api_key,))


def _tries(
    plan: RequestPlan,
    config: ProviderConfig,
    client: httpx.Client,
    on_retry: Callable[[RetryNotice], None] | None,
    max_retries: int,
) -> Iterator[Event]:
    secrets = (config.api_key,)
    state = StreamState()
    attempt = 0
    while True:
        try:
            yield from _attempt(client, plan, config, state)
            return
        except PlaygroundError as err:
            error = err
        except Exception as exc:  # noqa: BLE001 - every failure must reach the page as a typed error
            error = error_from_exception(exc, secrets=secrets, started=state.started)
        wait = None if state.started or attempt >= max_retries else retry_wait(error, attempt)
        if wait is None:
            raise with_partial(error, "".join(state.text), "".join(state.reasoning), secrets=secrets) from None
        attempt += 1
        if on_retry is not None:
            on_retry(RetryNotice(attempt, wait, error))
        _sleep(wait)


def _attempt(
    client: httpx.Client, plan: RequestPlan, config: ProviderConfig, state: StreamState
) -> Iterator[Event]:
    secrets = (config.api_key,)
    state.reset()
    with client.stream("POST", plan.url, headers=plan.headers, json=plan.body) as response:
        if response.status_code >= 300:  # the transport cuts an error body at the error-body limit
            raise error_from_response(response.status_code, response.read(), response.headers, secrets=secrets)
        # no content coding: the bytes as they arrive (iter_bytes would pass each through an identity decoder)
        chunks = response.iter_bytes() if "content-encoding" in response.headers else response.iter_raw()
        if "json" in response.headers.get("content-type", ""):
            yield from _whole_body(response.read(), config, state)
            return
        head = b""
        for chunk in chunks:  # peek: a body starting with "{" is plain JSON whatever its content type
            head += chunk
            if head.strip():
                break
        if head.lstrip()[:1] == b"{":
            yield from _whole_body(head + b"".join(chunks), config, state)
        else:
            yield from events_from_objects(_sse_objects(chain((head,), chunks), config, state), config, state)
            if not state.open_end:
                _drain(response, chunks)


def _drain(response: httpx.Response, chunks: Iterator[bytes]) -> None:
    """After ``[DONE]``, read the end of the body if it has already arrived, so the connection goes back to the
    pool (a body closed unread closes its connection, and the next request pays for a new one).

    Never waits: while draining, this thread's reads from the connection's network stream (httpcore's
    ``network_stream`` extension) do not block, so a body end that is not there yet, or more than
    ``DRAIN_BYTES`` after ``[DONE]``, is left and the connection closed, as without this. Another thread that
    gets the connection from the pool reads it as usual. Nothing to do for an in-process transport.
    """
    network = response.extensions.get("network_stream")
    read = getattr(network, "read", None)
    if read is None or "read" in getattr(network, "__dict__", ("read",)):
        return
    me = threading.get_ident()

    def read_now(max_bytes: int, timeout: float | None = None) -> bytes:
        return read(max_bytes, timeout=0.0 if threading.get_ident() == me else timeout)

    network.read = read_now  # type: ignore[union-attr]
    left = DRAIN_BYTES
    try:
        for chunk in chunks:
            left -= len(chunk)
            if left < 0:
                return
    except Exception:  # noqa: BLE001, S110 - the reply is complete: a body end that fails only costs the connection
        pass
    finally:
        del network.read  # type: ignore[union-attr]


def _whole_body(raw: bytes, config: ProviderConfig, state: StreamState) -> Iterator[Event]:
    """A reply sent as one JSON document (the server ignored ``stream``), or SSE mislabelled as JSON."""
    try:
        obj = json.loads(raw)
    except RecursionError:
        raise ServerError("The provider sent a reply nested too deeply to read.") from None
    except ValueError:
        yield from _sse_body([raw], config, state)
        return
    if b"\\u" in raw:
        obj = without_lone_surrogates(obj)
    if is_error_payload(obj):
        raise error_from_response(200, obj, {}, secrets=(config.api_key,))
    if not isinstance(obj, dict) or not isinstance(obj.get("choices"), list):
        raise ServerError(
            "The provider sent a reply this app cannot read: "
            f'"{quote(redact(raw.decode("utf-8", "replace"), [config.api_key]))}"'
        )
    state.seen = True
    yield from events_from_objects([obj], config, state)


def _sse_body(chunks: Iterable[bytes], config: ProviderConfig, state: StreamState) -> Iterator[Event]:
    """The reply as an event stream: one JSON chunk per ``data:`` event, until ``[DONE]`` or the end."""
    yield from events_from_objects(_sse_objects(chunks, config, state), config, state)


def _batches(chunks: Iterable[bytes], event_bytes: int) -> Iterator[list[ServerSentEvent]]:
    """The events of each chunk, a list per chunk (fewer generator steps than one event at a time): the decoder's
    ``feed`` mapped over the chunks (no Python step of ours between a chunk and its events), then its ``close``."""
    decoder = SSEDecoder(event_bytes)
    return chain(map(decoder.feed, chunks), _closed(decoder))


def _closed(decoder: SSEDecoder) -> Iterator[list[ServerSentEvent]]:
    yield decoder.close()  # called only once the chunks have run out


def _sse_objects(chunks: Iterable[bytes], config: ProviderConfig, state: StreamState) -> Iterator[dict[str, Any]]:
    """The JSON object of each ``data:`` event; error reports raise, ``[DONE]`` ends."""
    scan = _scan
    for batch in _batches(chunks, state.event_bytes):
        for sse in batch:
            data = sse.data
            if sse.event == "error":  # JSON or plain text
                raise error_from_response(200, data or "error event", {}, secrets=(config.api_key,))
            try:  # the C scanner directly: json.loads costs twice as much per chunk
                obj, end = scan(data, 0)
                if end != len(data) and data[end:].strip():
                    state.unreadable += 1
                    continue
            except (StopIteration, ValueError, RecursionError):
                if data[:6] == "[DONE]":
                    state.seen = True
                    return
                obj = _loads_or_none(data)
                if obj is None and data.lstrip()[:1] == "{":
                    state.unreadable += 1  # a broken chunk: its text is lost, and the user must be told
            if type(obj) is not dict:
                continue
            if "\\ud" in data or "\\uD" in data:  # a lone surrogate would break the page: U+FFFD instead
                obj = without_lone_surrogates(obj)
            state.seen = True
            if (
                "error" in obj or "status" in obj or "type" in obj or obj.get("object") == "error"
            ) and is_error_payload(obj):
                raise error_from_response(200, obj, {}, secrets=(config.api_key,))
            yield obj
    state.open_end = True
    if not state.seen:
        raise StreamBroken("The provider ended the stream without sending any reply.")


def _loads_or_none(data: str) -> Any:
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return None


def collect(events: Iterable[Event]) -> ChatResult:
    """Gather a stream of events into one ``ChatResult``."""
    text: list[str] = []
    reasoning: list[str] = []
    calls: dict[int, dict[str, Any]] = {}
    result = ChatResult()
    for event in events:
        if isinstance(event, TextDelta):
            text.append(event.text)
        elif isinstance(event, ReasoningDelta):
            reasoning.append(event.text)
        elif isinstance(event, ToolCallDelta):
            call = calls.setdefault(
                event.index, {"id": None, "type": "function", "function": {"name": None, "arguments": ""}}
            )
            call["id"] = event.id or call["id"]
            call["function"]["name"] = event.name or call["function"]["name"]
            call["function"]["arguments"] += event.arguments
        elif isinstance(event, Finish):
            result.finish_reason = event.reason
        elif isinstance(event, Usage):
            result.usage = event
    result.text, result.reasoning = "".join(text), "".join(reasoning)
    result.tool_calls = [calls[i] for i in sorted(calls)]
    return result


def complete_chat(
    plan: RequestPlan,
    *,
    config: ProviderConfig,
    client: httpx.Client | None = None,
    max_retries: int = 2,
) -> ChatResult:
    """Send ``plan`` and return the whole reply (streamed or not, the server decides)."""
    return collect(stream_chat(plan, config=config, client=client, max_retries=max_retries))
