"""Chat Completions reply objects (stream chunks or a whole reply) as typed events; usage per provider."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from playground.chat.errors import ServerError, StreamBroken
from playground.chat.events import (
    UNKNOWN_FINISH,
    Event,
    Finish,
    ReasoningDelta,
    ServedModel,
    TextDelta,
    ToolCallDelta,
    Usage,
)
from playground.facts.providers import ProviderConfig
from playground.money.usage_check import checked_usage
from playground.money.usage_reading import default_convention
from playground.wire import limits


class StreamState:
    """What one call has received so far (kept across retries; retries only happen before any event)."""

    __slots__ = (
        "text", "reasoning", "started", "usage", "finish", "seen", "unreadable", "open_end", "model",
        "tool_ids", "tool_wire", "tool_last", "chars", "max_chars", "tool_used", "tool_next", "max_calls",
        "event_bytes",
    )  # fmt: skip

    def __init__(self, max_chars: int | None = None) -> None:
        bounds = limits.current()  # read once per call: every limit below comes from this one reading
        self.max_chars = max_chars or bounds.reply_chars  # text, reasoning and tool arguments
        self.event_bytes = bounds.event_bytes  # one SSE line or event
        self.chars = 0
        self.text: list[str] = []
        self.reasoning: list[str] = []
        self.started = False  # an event was yielded: no more retries
        self.usage: dict[str, Any] | None = None
        self.finish: str | None = None
        self.seen = False  # any chunk or [DONE] arrived in this attempt
        self.unreadable = 0  # data events that were meant to be JSON objects but could not be parsed
        self.open_end = False  # the event stream ended without [DONE]
        self.model: str | None = None  # the reply's ``model`` field: the model that really answered
        self.tool_ids: dict[str, int] = {}  # tool call id -> our index
        self.tool_wire: dict[int, int] = {}  # the server's index -> our index
        self.tool_last: int | None = None
        self.tool_used: set[int] = set()  # our indexes so far (kept as calls arrive, never rebuilt)
        self.tool_next = 0  # one past the highest index so far
        self.max_calls = bounds.tool_calls

    def reset(self) -> None:
        """Forget a failed attempt that yielded nothing."""
        self.text.clear()
        self.reasoning.clear()
        self.usage, self.finish, self.seen, self.unreadable, self.open_end = None, None, False, 0, False
        self.model = None
        self.tool_ids.clear()
        self.tool_wire.clear()
        self.tool_last = None
        self.tool_used.clear()
        self.tool_next = 0
        self.chars = 0

    def grow(self, size: int) -> None:
        """Count ``size`` more characters of reply; raise ``ReplyTooLarge`` past the limit."""
        self.chars += size
        if self.chars > self.max_chars:
            raise limits.too_many_chars(self.chars, self.max_chars)  # type: ignore[misc]


def events_from_objects(
    objects: Iterable[dict[str, Any]], config: ProviderConfig, state: StreamState
) -> Iterator[Event]:
    """Typed events from reply chunks (``delta``) or a whole reply (``message``); usage comes last."""
    text, thoughts = state.text, state.reasoning
    for obj in objects:
        usage = obj.get("usage")
        if usage and type(usage) is dict:
            state.usage = usage
        model = obj.get("model")
        if model and type(model) is str and state.model is None:
            state.model = model
        choices = obj.get("choices")
        if not choices or type(choices) is not list or type(choices[0]) is not dict:
            continue
        choice = choices[0]
        delta = choice.get("delta") or choice.get("message")
        if delta and type(delta) is dict:
            reasoning = delta.get("reasoning_content") or delta.get("reasoning")
            if reasoning and type(reasoning) is str:
                state.grow(len(reasoning))
                thoughts.append(reasoning)
                state.started = True
                yield ReasoningDelta(reasoning)
            content = delta.get("content")
            if content:
                content = content if type(content) is str else _parts_text(content)
                if content:
                    state.grow(len(content))
                    text.append(content)
                    state.started = True
                    yield TextDelta(content)
            calls = delta.get("tool_calls")
            if calls and type(calls) is list:
                for call in _tool_deltas(calls, state):
                    state.grow(len(call.arguments))
                    state.started = True
                    yield call
        reason = choice.get("finish_reason")
        if reason and type(reason) is str and reason != state.finish:
            if reason == "error":
                raise ServerError('The provider ended the reply with an error (finish reason "error").')
            state.finish = reason
            state.started = True
            yield Finish(reason)
    # Neither a finish reason nor [DONE] (a clean close, tolerated): say the reply may be cut. [DONE] without a
    # finish reason is a normal end: the server itself said the stream is over.
    if state.finish is None and state.open_end:
        state.finish = UNKNOWN_FINISH
        state.started = True
        yield Finish(UNKNOWN_FINISH)
    if state.model:
        state.started = True
        yield ServedModel(state.model)
    if state.usage:
        state.started = True
        yield usage_event(state.usage, config)
    if state.unreadable:
        raise StreamBroken(
            f"The provider sent {state.unreadable} malformed chunk(s) that could not be read: the "
            "reply is shown without them and may have gaps."
        )


def _parts_text(content: Any) -> str:
    """Text out of a list of content parts (``[{"type": "text", "text": ...}]``); other values give no text."""
    if not isinstance(content, list):
        return ""
    return "".join(p["text"] for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))


def _tool_index(state: StreamState, call: dict[str, Any], position: int) -> int:
    """Our index for a call fragment: by id when it has one (a new id is a new call, even if a server reuses
    ``index`` for parallel calls), else by the server's index, else the call the last fragment belonged to."""
    wire, call_id = call.get("index"), call.get("id")
    wire = wire if isinstance(wire, int) and not isinstance(wire, bool) else None
    used = state.tool_used
    if isinstance(call_id, str) and call_id:
        index = state.tool_ids.get(call_id)
        if index is None:
            index = wire if wire is not None and wire not in used else state.tool_next
            state.tool_ids[call_id] = index
        if wire is not None:
            state.tool_wire[wire] = index
    elif wire is not None:
        index = state.tool_wire.setdefault(wire, wire)
    else:
        index = state.tool_last if state.tool_last is not None else position
    if index not in used:
        if len(used) >= state.max_calls:
            raise limits.too_many_calls(state.max_calls)
        used.add(index)
        state.tool_next = max(state.tool_next, index + 1)
    state.tool_last = index
    return index


def _tool_deltas(calls: list[Any], state: StreamState) -> Iterator[ToolCallDelta]:
    """The fragments of one chunk, one at a time (a call past the limit raises after the ones before it)."""
    for position, call in enumerate(calls):
        if not isinstance(call, dict):
            continue
        function = call.get("function")
        function = function if isinstance(function, dict) else {}
        arguments = function.get("arguments")
        if arguments is not None and not isinstance(arguments, str):
            arguments = _json_text(arguments)
        index = _tool_index(state, call, position)
        name, call_id = function.get("name"), call.get("id")
        name, call_id = (name if isinstance(name, str) else None), (call_id if isinstance(call_id, str) else None)
        state.grow(len(name or "") + len(call_id or ""))  # ids and names count toward the reply's size too
        yield ToolCallDelta(index, call_id, name, arguments or "")


def _json_text(value: Any) -> str:
    try:
        return json.dumps(value)
    except (ValueError, TypeError, RecursionError):
        return ""


def usage_event(usage: dict[str, Any], config: ProviderConfig) -> Usage:
    """The typed usage for a usage object, read from its numbers (else by the provider's convention).

    Counts that are not whole, non-negative and bounded are read as 0 and mark the usage ``invalid`` (naming the
    field), so it is shown but never priced.
    """
    default = default_convention(completion_includes_reasoning=config.provider.completion_includes_reasoning)
    return checked_usage(usage, default=default)
