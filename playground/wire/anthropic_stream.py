"""Anthropic Messages replies as typed events: the SSE stream event by event, or a whole response."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from playground.chat.errors import PlaygroundError, StreamBroken
from playground.chat.events import Event, Finish, ReasoningDelta, ServedModel, TextDelta, ToolCallDelta, Usage
from playground.money.usage_check import checked_usage
from playground.money.usage_reading import ANTHROPIC
from playground.text import without_lone_surrogates
from playground.wire import limits
from playground.wire.classify import error_from_response, with_partial
from playground.wire.scrub import scrub_events
from playground.wire.sse import SSEDecoder

STOP_REASONS = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}


def usage_from(raw: Mapping[str, Any]) -> Usage:
    """Anthropic usage as a ``Usage`` (input excludes cache reads and writes unless the numbers say otherwise).

    Counts that are not whole, non-negative and bounded (strings, ``1e999``, objects) count as 0 and mark the
    usage invalid, so the reply is shown but not priced.
    """
    return checked_usage(raw if isinstance(raw, Mapping) else {}, default=ANTHROPIC)


def _obj(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a JSON object, else an empty one (a server may send any type anywhere)."""
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _index(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1024 else 0


def finish_reason(stop_reason: str | None) -> str:
    """An Anthropic ``stop_reason`` in the app's vocabulary (stop, length, tool_calls, content_filter)."""
    return STOP_REASONS.get(stop_reason or "", stop_reason or "stop")


@dataclass(slots=True)
class StreamState:
    """What one stream has delivered so far (kept for the partial reply when it fails)."""

    text: list[str] = field(default_factory=list)
    reasoning: list[str] = field(default_factory=list)
    usage: dict[str, Any] = field(default_factory=dict)
    stop_reason: str | None = None
    tools: dict[int, int] = field(default_factory=dict)  # content block index -> tool call index
    signatures: dict[int, str] = field(default_factory=dict)  # thinking block index -> signature (kept, not shown)
    done: bool = False
    model: str = ""  # message_start's model: the model that really answered

    chars: int = 0
    max_chars: int = 0  # 0: the limit in force (PLAYGROUND_MAX_REPLY_CHARS)
    secrets: Sequence[str] = ()

    def fail(self, error: PlaygroundError) -> PlaygroundError:
        """``error`` carrying the text and reasoning received so far (keys masked)."""
        return with_partial(error, "".join(self.text), "".join(self.reasoning), secrets=self.secrets)

    def grow(self, text: str) -> str:
        """Count ``text`` towards the reply limit (raise ``ReplyTooLarge`` past it); return it."""
        self.chars += len(text)
        self.max_chars = self.max_chars or limits.current().reply_chars
        error = limits.too_many_chars(self.chars, self.max_chars)
        if error is not None:
            raise error
        return text


def _error_event(data: Mapping[str, Any], secrets: list[str]) -> PlaygroundError:
    """The typed error for an ``error`` event (its ``error.type`` stands in for the missing HTTP status)."""
    return error_from_response(200, data, {}, secrets=secrets)


def _block_start(state: StreamState, index: int, block: Mapping[str, Any]) -> Iterator[Event]:
    kind = block.get("type")
    if kind == "tool_use":
        cap = limits.current().tool_calls
        if index not in state.tools and len(state.tools) >= cap:
            raise limits.too_many_calls(cap)
        state.tools[index] = len(state.tools)
        state.grow(_text(block.get("id")) + _text(block.get("name")))  # ids and names count toward the size
        given = block.get("input")  # normally {} with the input in input_json_delta pieces; some send it whole
        arguments = _json_text(given) if isinstance(given, dict) and given else ""
        yield ToolCallDelta(
            state.tools[index],
            id=_text(block.get("id")) or None,
            name=_text(block.get("name")),
            arguments=state.grow(arguments),
        )
    elif kind == "text" and _text(block.get("text")):
        state.text.append(state.grow(block["text"]))
        yield TextDelta(block["text"])
    elif kind == "thinking" and _text(block.get("thinking")):
        state.reasoning.append(state.grow(block["thinking"]))
        yield ReasoningDelta(block["thinking"])


def _block_delta(state: StreamState, index: int, delta: Mapping[str, Any]) -> Iterator[Event]:
    kind = delta.get("type")
    if kind == "text_delta":
        text = state.grow(_text(delta.get("text")))
        state.text.append(text)
        yield TextDelta(text)
    elif kind == "thinking_delta":
        thought = state.grow(_text(delta.get("thinking")))
        state.reasoning.append(thought)
        yield ReasoningDelta(thought)
    elif kind == "input_json_delta":
        cap = limits.current().tool_calls
        if index not in state.tools and len(state.tools) >= cap:
            raise limits.too_many_calls(cap)
        tool = state.tools.setdefault(index, len(state.tools))
        yield ToolCallDelta(tool, arguments=state.grow(_text(delta.get("partial_json"))))
    elif kind == "signature_delta":
        state.signatures[index] = _text(delta.get("signature"))


def _event(state: StreamState, name: str, data: Mapping[str, Any], secrets: list[str]) -> Iterator[Event]:
    """Typed events for one decoded SSE event (ping and unknown types give none)."""
    if name == "message_start":
        message = _obj(data.get("message"))
        state.usage.update(_obj(message.get("usage")))
        state.model = message.get("model") if isinstance(message.get("model"), str) else state.model
    elif name == "content_block_start":
        yield from _block_start(state, _index(data.get("index")), _obj(data.get("content_block")))
    elif name == "content_block_delta":
        yield from _block_delta(state, _index(data.get("index")), _obj(data.get("delta")))
    elif name == "message_delta":
        stop = _obj(data.get("delta")).get("stop_reason")
        state.stop_reason = stop if isinstance(stop, str) and stop else state.stop_reason
        state.usage.update(_obj(data.get("usage")))  # cumulative: the last one wins
    elif name == "message_stop":
        state.done = True
        yield Finish(finish_reason(state.stop_reason))
        if state.model:
            yield ServedModel(state.model)
        yield usage_from(state.usage)
    elif name == "error":
        raise state.fail(_error_event(data, secrets))


def events_from_sse(
    chunks: Iterable[bytes], *, secrets: Sequence[str] = (), state: StreamState | None = None
) -> Iterator[Event]:
    """Typed events from the raw bytes of a Messages stream, keys masked in the text.

    A stream that ends early raises ``StreamBroken``; any other failure while reading (other than the transport's
    own errors, which the caller classifies) becomes a typed error carrying the partial reply.
    """
    state = state if state is not None else StreamState()
    state.secrets = tuple(secrets)
    yield from scrub_events(_guarded(chunks, state), secrets)


def _guarded(chunks: Iterable[bytes], state: StreamState) -> Iterator[Event]:
    try:
        yield from _read(chunks, state, list(state.secrets))
    except (PlaygroundError, httpx.HTTPError):
        raise
    except Exception as exc:  # noqa: BLE001 - a hostile stream must never crash the page
        raise state.fail(StreamBroken(f"The reply could not be read ({type(exc).__name__}).")) from None


def _read(chunks: Iterable[bytes], state: StreamState, secrets: list[str]) -> Iterator[Event]:
    decoder = SSEDecoder(limits.current().event_bytes)
    try:
        for chunk in chunks:
            for sse in decoder.feed(chunk):
                yield from _decoded(state, sse.event, sse.data, secrets)
                if state.done:
                    return
        for sse in decoder.close():
            yield from _decoded(state, sse.event, sse.data, secrets)
    except PlaygroundError as err:
        raise state.fail(err) from None
    if state.done:
        return
    if state.stop_reason is None:
        raise state.fail(StreamBroken("The stream ended before the reply was complete."))
    yield from _event(state, "message_stop", {}, secrets)  # a stop reason came: only message_stop is missing


def _decoded(state: StreamState, event: str, raw: str, secrets: list[str]) -> Iterator[Event]:
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return  # not JSON (or nested too deeply to read): nothing this protocol defines
    if isinstance(data, dict):
        if "\\ud" in raw or "\\uD" in raw:  # a lone surrogate would break the page: U+FFFD instead
            data = without_lone_surrogates(data)
        name = data.get("type") or event  # the data's type is authoritative; the SSE event name matches it
        yield from _event(state, name, data, secrets)


def events_from_message(message: Mapping[str, Any]) -> Iterator[Event]:
    """Typed events from a whole (non-streamed) Messages response (values of the wrong type are skipped)."""
    tools = 0
    content = message.get("content")
    for block in content if isinstance(content, list) else []:
        block = _obj(block)
        kind = block.get("type")
        if kind == "thinking" and _text(block.get("thinking")):
            yield ReasoningDelta(block["thinking"])
        elif kind == "text" and _text(block.get("text")):
            yield TextDelta(block["text"])
        elif kind == "tool_use":
            args = _json_text(block.get("input") or {})
            yield ToolCallDelta(
                tools, id=_text(block.get("id")) or None, name=_text(block.get("name")), arguments=args
            )
            tools += 1
    stop = message.get("stop_reason")
    yield Finish(finish_reason(stop if isinstance(stop, str) else None))
    if isinstance(message.get("model"), str) and message["model"]:
        yield ServedModel(message["model"])
    yield usage_from(_obj(message.get("usage")))


def _json_text(value: Any) -> str:
    try:
        return json.dumps(value)
    except (ValueError, TypeError, RecursionError):
        return ""
