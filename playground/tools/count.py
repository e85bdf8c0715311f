"""Token estimates for what tools and structured output add to a request's input."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from playground.money.tokens import MESSAGE_OVERHEAD, count_tokens
from playground.tools.functions import ToolSpec
from playground.tools.response_format import ResponseFormat

TOOL_OVERHEAD = 8  # the framing each definition gets in the prompt (an estimate, like MESSAGE_OVERHEAD)
FORMAT_OVERHEAD = 6


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def tool_tokens(tools: Sequence[ToolSpec]) -> int:
    """Estimated input tokens of the tool definitions."""
    return sum(count_tokens(_compact(t.openai()["function"])) + TOOL_OVERHEAD for t in tools)


def format_tokens(fmt: ResponseFormat | None) -> int:
    """Estimated input tokens of a response format (a schema counts; plain JSON mode is a few tokens)."""
    if fmt is None or fmt.kind == "text":
        return 0
    if fmt.kind == "json_object":
        return FORMAT_OVERHEAD
    return count_tokens(_compact(fmt.schema)) + count_tokens(fmt.name) + FORMAT_OVERHEAD


def message_tokens(message: Mapping[str, Any]) -> int:
    """Estimated input tokens of one stored message, tool calls and results included."""
    content = message.get("content") or ""
    text = content if isinstance(content, str) else _compact(content)  # Anthropic content blocks
    total = count_tokens(text) + MESSAGE_OVERHEAD
    for call in message.get("tool_calls") or []:
        function = call.get("function") or {}
        total += count_tokens(function.get("name") or "") + count_tokens(function.get("arguments") or "")
        total += count_tokens(call.get("id") or "")
    if message.get("tool_call_id"):
        total += count_tokens(message["tool_call_id"])
    return total


def request_extra_tokens(*, tools: Sequence[ToolSpec] = (), response_format: ResponseFormat | None = None) -> int:
    """What tools and a response format add to the input of every request."""
    return tool_tokens(tools) + format_tokens(response_format)


def history_tokens(history: Iterable[Mapping[str, Any]]) -> int:
    """Estimated input tokens of a stored history with tool calls and results."""
    return sum(message_tokens(m) for m in history)
