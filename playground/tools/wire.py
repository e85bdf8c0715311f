"""Pure wire pieces for tools and response formats, for the request builders of both protocols.

Histories are lists of OpenAI-style message dicts (the app's one format): ``system``, ``user``, ``assistant``
(optionally with ``tool_calls``) and ``tool`` (with ``tool_call_id``). ``openai_messages`` sends them as they
are; ``anthropic_messages`` turns them into ``tool_use`` / ``tool_result`` content blocks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from playground.tools.functions import ToolChoice, ToolSpec
from playground.tools.response_format import ANTHROPIC_NO_JSON_MODE, ResponseFormat


def openai_fields(
    *,
    tools: Sequence[ToolSpec] = (),
    tool_choice: ToolChoice | None = None,
    parallel: bool | None = None,
    response_format: ResponseFormat | None = None,
) -> dict[str, Any]:
    """Chat Completions body fields: ``tools``, ``tool_choice``, ``parallel_tool_calls``, ``response_format``.

    Defaults are left out (auto choice, parallel calls on, text format), so a plain chat request is unchanged.
    """
    body: dict[str, Any] = {}
    if tools:
        body["tools"] = [t.openai() for t in tools]
        if tool_choice is not None and tool_choice.mode != "auto":
            body["tool_choice"] = tool_choice.openai()
        if parallel is False:
            body["parallel_tool_calls"] = False
    if response_format is not None and response_format.kind != "text":
        body["response_format"] = response_format.openai()
    return body


def anthropic_fields(
    *,
    tools: Sequence[ToolSpec] = (),
    tool_choice: ToolChoice | None = None,
    parallel: bool | None = None,
    response_format: ResponseFormat | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Messages body fields (``tools``, ``tool_choice``) and what was left out with the reason."""
    body: dict[str, Any] = {}
    omitted: dict[str, str] = {}
    if tools:
        body["tools"] = [t.anthropic() for t in tools]
        choice = tool_choice or ToolChoice()
        if choice.mode != "auto" or parallel is False:
            body["tool_choice"] = choice.anthropic(parallel=parallel is not False)
    if response_format is not None and response_format.kind != "text":
        omitted["response_format"] = ANTHROPIC_NO_JSON_MODE
    return body, omitted


def assistant_message(text: str, calls: Iterable[Any] = ()) -> dict[str, Any]:
    """A stored assistant message; ``calls`` are ``ToolCall`` objects (content is None when only calls)."""
    wire_calls = [c.openai() for c in calls]
    if not wire_calls:
        return {"role": "assistant", "content": text}
    return {"role": "assistant", "content": text or None, "tool_calls": wire_calls}


def tool_message(call_id: str, content: str) -> dict[str, Any]:
    """A stored tool result answering the call ``call_id``."""
    return {"role": "tool", "tool_call_id": call_id, "content": content}


def openai_messages(system: str, history: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """OpenAI messages: the system message (if any) then each message with only the fields the wire knows."""
    out: list[dict[str, Any]] = [{"role": "system", "content": system}] if system.strip() else []
    for m in history:
        role = m["role"]
        message: dict[str, Any] = {"role": role, "content": m.get("content")}
        if role == "assistant" and m.get("tool_calls"):
            message["tool_calls"] = [dict(c) for c in m["tool_calls"]]
            message["content"] = m.get("content") or None
        elif role == "tool":
            message["tool_call_id"] = m.get("tool_call_id") or ""
            message["content"] = m.get("content") or ""
        else:
            message["content"] = m.get("content") or ""
        out.append(message)
    return out


def _arguments(call: Mapping[str, Any]) -> dict[str, Any]:
    raw = (call.get("function") or {}).get("arguments") or "{}"
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _blocks(m: Mapping[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The Anthropic role and content blocks of one stored message."""
    if m["role"] == "tool":
        result = {
            "type": "tool_result",
            "tool_use_id": m.get("tool_call_id") or "",
            "content": m.get("content") or "",
        }
        if m.get("is_error"):
            result["is_error"] = True
        return "user", [result]
    text = m.get("content") or ""
    blocks: list[dict[str, Any]] = [{"type": "text", "text": text}] if text else []
    for call in m.get("tool_calls") or []:
        name = (call.get("function") or {}).get("name") or ""
        blocks.append({"type": "tool_use", "id": call.get("id") or "", "name": name, "input": _arguments(call)})
    return m["role"], blocks


def anthropic_messages(system: str, history: Iterable[Mapping[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """The top-level system text and the user/assistant messages as content blocks.

    System messages fold into the system text; tool results become ``tool_result`` blocks in a user message;
    consecutive messages of the same role merge into one (the protocol wants turns to alternate). A message
    with a single text block keeps the plain-string form.
    """
    parts = [system] if system.strip() else []
    merged: list[tuple[str, list[dict[str, Any]]]] = []
    for m in history:
        if m["role"] == "system":
            parts.append(m.get("content") or "")
            continue
        role, blocks = _blocks(m)
        if not blocks:
            continue
        if merged and merged[-1][0] == role:
            merged[-1][1].extend(blocks)
        else:
            merged.append((role, list(blocks)))
    messages = [
        {
            "role": role,
            "content": blocks[0]["text"] if len(blocks) == 1 and blocks[0]["type"] == "text" else blocks,
        }
        for role, blocks in merged
    ]
    return "\n\n".join(parts), messages
