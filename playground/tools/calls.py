"""Tool calls put together from ``ToolCallDelta`` events, whatever the wire style.

xAI sends each call whole in one chunk; OpenAI-compatible servers send the id and name first and then argument
pieces keyed by ``index`` (several calls interleaved); Anthropic sends a ``tool_use`` block start and then
``input_json_delta`` pieces. The readers turn all three into ``ToolCallDelta`` events; this module joins them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from playground.chat.events import ToolCallDelta
from playground.tools.functions import ToolSpec
from playground.tools.paths import Problem, parse_json
from playground.tools.schema import validate


@dataclass(slots=True)
class PendingCall:
    """A call still arriving: its pieces so far (joined once per read, not once per piece)."""

    index: int
    id: str | None = None
    name: str | None = None
    pieces: list[str] = field(default_factory=list)
    size: int = 0  # characters of argument text so far (kept as pieces arrive: no join needed)
    _joined: str | None = None

    @property
    def arguments(self) -> str:
        """The argument text received so far."""
        if self._joined is None:
            self._joined = "".join(self.pieces)
            self.pieces = [self._joined] if self._joined else []
        return self._joined


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A complete call: id, function name, argument text, the parsed arguments and what is wrong with them."""

    index: int
    id: str
    name: str
    arguments: str
    value: Any = None
    problem: Problem | None = None

    @property
    def valid(self) -> bool:
        return self.problem is None

    def openai(self) -> dict[str, Any]:
        """The call as an assistant message's ``tool_calls`` entry."""
        return {"id": self.id, "type": "function", "function": {"name": self.name, "arguments": self.arguments}}

    def as_dict(self) -> dict[str, Any]:
        """The call for exports: wire shape plus the check's verdict."""
        out = {**self.openai(), "valid": self.valid}
        if self.problem is not None:
            out["problem"] = {"path": self.problem.path, "message": self.problem.message}
        return out


def finish_call(call: PendingCall, tools: Sequence[ToolSpec] = ()) -> ToolCall:
    """The complete call: arguments parsed and checked against the named tool's parameters."""
    name = call.name or ""
    text = call.arguments
    call_id = call.id or f"call_{call.index}"
    value, problem = parse_json(text or "{}", what="The arguments")
    spec = next((t for t in tools if t.name == name), None)
    if problem is None and tools and spec is None:
        problem = Problem("$", f"The model called {name!r}, which is not among the defined tools.")
    elif problem is None and not isinstance(value, dict):
        problem = Problem("$", "The arguments must be a JSON object.")
    elif problem is None and spec is not None:
        problem = validate(spec.schema, value)
    return ToolCall(call.index, call_id, name, text, value, problem)


class ToolCallAccumulator:
    """Joins ``ToolCallDelta`` events into calls, keyed by index; ``finish`` checks them against ``tools``."""

    def __init__(self, tools: Sequence[ToolSpec] = ()) -> None:
        self.tools = tuple(tools)
        self._calls: dict[int, PendingCall] = {}

    def add(self, delta: ToolCallDelta) -> PendingCall:
        """Take one fragment; return the call it belongs to (the first fragment of an index opens a call)."""
        call = self._calls.get(delta.index)
        if call is None:
            call = self._calls[delta.index] = PendingCall(delta.index)
        if delta.id:
            call.id = delta.id
        if delta.name:
            call.name = delta.name
        if delta.arguments:
            call.pieces.append(delta.arguments)
            call.size += len(delta.arguments)
            call._joined = None
        return call

    def extend(self, deltas: Iterable[ToolCallDelta]) -> None:
        for delta in deltas:
            self.add(delta)

    @property
    def pending(self) -> list[PendingCall]:
        """The calls so far, in index order."""
        return [self._calls[i] for i in sorted(self._calls)]

    def __bool__(self) -> bool:
        return bool(self._calls)

    def finish(self) -> list[ToolCall]:
        """Every call complete and checked, in index order."""
        return [finish_call(c, self.tools) for c in self.pending]


def calls_from_message(message: dict[str, Any], tools: Sequence[ToolSpec] = ()) -> list[ToolCall]:
    """The checked calls of a stored assistant message (OpenAI ``tool_calls`` shape)."""
    out = []
    for i, raw in enumerate(message.get("tool_calls") or []):
        function = raw.get("function") or {}
        arguments = function.get("arguments")
        text = arguments if isinstance(arguments, str) else json.dumps(arguments or {})
        out.append(finish_call(PendingCall(i, raw.get("id"), function.get("name"), [text], len(text)), tools))
    return out
