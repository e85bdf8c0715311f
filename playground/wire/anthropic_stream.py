"""Anthropic Messages replies as typed events: the SSE stream event by event, or a whole response."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from playground.errors import PlaygroundError, StreamBroken
from playground.events import Event, Finish, ReasoningDelta, ServedModel, TextDelta, ToolCallDelta, Usage
from playground.usage_reading import ANTHROPIC, read_usage
from playground.wire.classify import error_from_response, with_partial
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
    """Anthropic usage as a ``Usage`` (input excludes cache reads and writes unless the numbers say otherwise)."""
    return read_usage(raw, default=ANTHROPIC)


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

    def fail(self, error: PlaygroundError) -> PlaygroundError:
        """``error`` carrying the text and reasoning received so far."""
        return with_partial(error, "".join(self.text), "".join(self.reasoning))


def _error_event(data: Mapping[str, Any], secrets: list[str]) -> PlaygroundError:
    """The typed error for an ``error`` event (its ``error.type`` stands in for the missing HTTP status)."""
    return error_from_response(200, data, {}, secrets=secrets)


def _block_start(state: StreamState, index: int, block: Mapping[str, Any]) -> Iterator[Event]:
    kind = block.get("type")
    if kind == "tool_use":
        state.tools[index] = len(state.tools)
        given = block.get("input")  # normally {} with the input in input_json_delta pieces; some send it whole
        arguments = json.dumps(given) if isinstance(given, dict) and given else ""
        yield ToolCallDelta(state.tools[index], id=block.get("id"), name=block.get("name"), arguments=arguments)
    elif kind == "text" and block.get("text"):
        state.text.append(block["text"])
        yield TextDelta(block["text"])
    elif kind == "thinking" and block.get("thinking"):
        state.reasoning.append(block["thinking"])
        yield ReasoningDelta(block["thinking"])


def _block_delta(state: StreamState, index: int, delta: Mapping[str, Any]) -> Iterator[Event]:
    kind = delta.get("type")
    if kind == "text_delta":
        state.text.append(delta.get("text") or "")
        yield TextDelta(delta.get("text") or "")
    elif kind == "thinking_delta":
        state.reasoning.append(delta.get("thinking") or "")
        yield ReasoningDelta(delta.get("thinking") or "")
    elif kind == "input_json_delta":
        tool = state.tools.setdefault(index, len(state.tools))
        yield ToolCallDelta(tool, arguments=delta.get("partial_json") or "")
    elif kind == "signature_delta":
        state.signatures[index] = delta.get("signature") or ""


def _event(state: StreamState, name: str, data: Mapping[str, Any], secrets: list[str]) -> Iterator[Event]:
    """Typed events for one decoded SSE event (ping and unknown types give none)."""
    if name == "message_start":
        message = data.get("message") or {}
        state.usage.update(message.get("usage") or {})
        state.model = message.get("model") if isinstance(message.get("model"), str) else state.model
    elif name == "content_block_start":
        yield from _block_start(state, int(data.get("index") or 0), data.get("content_block") or {})
    elif name == "content_block_delta":
        yield from _block_delta(state, int(data.get("index") or 0), data.get("delta") or {})
    elif name == "message_delta":
        state.stop_reason = (data.get("delta") or {}).get("stop_reason") or state.stop_reason
        state.usage.update(data.get("usage") or {})  # cumulative: the last one wins
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
    """Typed events from the raw bytes of a Messages stream; a stream that ends early raises ``StreamBroken``."""
    state = state if state is not None else StreamState()
    decoder = SSEDecoder()
    for chunk in chunks:
        for sse in decoder.feed(chunk):
            yield from _decoded(state, sse.event, sse.data, list(secrets))
            if state.done:
                return
    for sse in decoder.close():
        yield from _decoded(state, sse.event, sse.data, list(secrets))
    if state.done:
        return
    if state.stop_reason is None:
        raise state.fail(StreamBroken("The stream ended before the reply was complete."))
    yield from _event(state, "message_stop", {}, list(secrets))  # a stop reason came: only message_stop is missing


def _decoded(state: StreamState, event: str, raw: str, secrets: list[str]) -> Iterator[Event]:
    try:
        data = json.loads(raw)
    except ValueError:
        return  # not JSON: nothing this protocol defines
    if isinstance(data, dict):
        name = data.get("type") or event  # the data's type is authoritative; the SSE event name matches it
        yield from _event(state, name, data, secrets)


def events_from_message(message: Mapping[str, Any]) -> Iterator[Event]:
    """Typed events from a whole (non-streamed) Messages response."""
    tools = 0
    for block in message.get("content") or []:
        kind = block.get("type")
        if kind == "thinking" and block.get("thinking"):
            yield ReasoningDelta(block["thinking"])
        elif kind == "text" and block.get("text"):
            yield TextDelta(block["text"])
        elif kind == "tool_use":
            args = json.dumps(block.get("input") or {})
            yield ToolCallDelta(tools, id=block.get("id"), name=block.get("name"), arguments=args)
            tools += 1
    yield Finish(finish_reason(message.get("stop_reason")))
    if isinstance(message.get("model"), str) and message["model"]:
        yield ServedModel(message["model"])
    yield usage_from(message.get("usage") or {})
