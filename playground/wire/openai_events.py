"""Chat Completions reply objects (stream chunks or a whole reply) as typed events; usage per provider."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from playground.errors import ServerError, StreamBroken
from playground.events import (
    UNKNOWN_FINISH,
    Event,
    Finish,
    ReasoningDelta,
    ServedModel,
    TextDelta,
    ToolCallDelta,
    Usage,
)
from playground.providers import ProviderConfig
from playground.usage_reading import default_convention, read_usage


class StreamState:
    """What one call has received so far (kept across retries; retries only happen before any event)."""

    __slots__ = ("text", "reasoning", "started", "usage", "finish", "seen", "unreadable", "open_end", "model")

    def __init__(self) -> None:
        self.text: list[str] = []
        self.reasoning: list[str] = []
        self.started = False  # an event was yielded: no more retries
        self.usage: dict[str, Any] | None = None
        self.finish: str | None = None
        self.seen = False  # any chunk or [DONE] arrived in this attempt
        self.unreadable = 0  # data events that were meant to be JSON objects but could not be parsed
        self.open_end = False  # the event stream ended without [DONE]
        self.model: str | None = None  # the reply's ``model`` field: the model that really answered

    def reset(self) -> None:
        """Forget a failed attempt that yielded nothing."""
        self.text.clear()
        self.reasoning.clear()
        self.usage, self.finish, self.seen, self.unreadable, self.open_end = None, None, False, 0, False
        self.model = None


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
                thoughts.append(reasoning)
                state.started = True
                yield ReasoningDelta(reasoning)
            content = delta.get("content")
            if content:
                content = content if type(content) is str else _parts_text(content)
                if content:
                    text.append(content)
                    state.started = True
                    yield TextDelta(content)
            calls = delta.get("tool_calls")
            if calls and type(calls) is list:
                for call in _tool_deltas(calls):
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
    """Text out of a list of content parts (``[{"type": "text", "text": ...}]``)."""
    if not isinstance(content, list):
        return str(content)
    return "".join(p.get("text") or "" for p in content if isinstance(p, dict))


def _tool_deltas(calls: list[Any]) -> list[ToolCallDelta]:
    out = []
    for position, call in enumerate(calls):
        if not isinstance(call, dict):
            continue
        function = call.get("function") or {}
        arguments = function.get("arguments")
        if arguments is not None and not isinstance(arguments, str):
            arguments = json.dumps(arguments)
        index = call.get("index")
        out.append(
            ToolCallDelta(
                index if isinstance(index, int) else position,
                call.get("id"),
                function.get("name"),
                arguments or "",
            )
        )
    return out


def usage_event(usage: dict[str, Any], config: ProviderConfig) -> Usage:
    """The typed usage for a usage object, read from its numbers (else by the provider's convention)."""
    default = default_convention(completion_includes_reasoning=config.provider.completion_includes_reasoning)
    return read_usage(usage, default=default)
