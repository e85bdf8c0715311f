"""The offline engine over the Anthropic Messages protocol: the request is read into the engine's own (OpenAI
style) body, planned the same way, and answered as a Messages response or its named-event SSE stream.

Thinking becomes a ``thinking`` block, the answer a ``text`` block, each tool call a ``tool_use`` block whose
input streams as ``input_json_delta`` pieces; ``tool_result`` blocks in user messages become tool messages.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from playground.offline.engine import ARGUMENT_PIECE, ENGINE_MODEL, OfflineReply, OfflineRequestError, parse_body
from playground.offline.pacing import Pacer

STOP_REASONS = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use"}
CHOICES = {"auto": "auto", "any": "required", "none": "none"}


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text")
    return ""


def _message(m: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One Messages message as engine messages (tool results first, as they answer the calls before them)."""
    role, content = m.get("role"), m.get("content")
    blocks = content if isinstance(content, list) else [{"type": "text", "text": content or ""}]
    out: list[dict[str, Any]] = []
    for b in blocks:
        if isinstance(b, dict) and b.get("type") == "tool_result":
            out.append(
                {"role": "tool", "tool_call_id": b.get("tool_use_id") or "", "content": _text(b.get("content"))}
            )
    calls = [
        {"id": b.get("id"), "type": "function",
         "function": {"name": b.get("name"), "arguments": json.dumps(b.get("input") or {})}}
        for b in blocks if isinstance(b, dict) and b.get("type") == "tool_use"
    ]  # fmt: skip
    text = _text(blocks)
    if text or calls or not out:
        message: dict[str, Any] = {"role": role, "content": text}
        if calls:
            message["tool_calls"] = calls
        out.append(message)
    return out


def engine_body(raw: bytes) -> dict[str, Any]:
    """The engine's body for a Messages request (raise ``OfflineRequestError`` when it cannot be served)."""
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        raise OfflineRequestError("The request body is not valid JSON.") from None
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
        raise OfflineRequestError("'messages' must be a list.", "messages")
    system = _text(body.get("system"))
    messages = [{"role": "system", "content": system}] if system else []
    for m in body["messages"]:
        messages += _message(m) if isinstance(m, dict) else [m]
    out: dict[str, Any] = {k: body[k] for k in ("model", "max_tokens", "stream", "temperature") if k in body}
    out["messages"] = messages
    if body.get("tools"):
        out["tools"] = [
            {"type": "function", "function": {"name": t.get("name"), "description": t.get("description", ""),
                                              "parameters": t.get("input_schema") or {"type": "object"}}}
            for t in body["tools"] if isinstance(t, dict)
        ]  # fmt: skip
        choice = body.get("tool_choice") or {}
        kind = choice.get("type", "auto") if isinstance(choice, dict) else "auto"
        out["tool_choice"] = (
            {"type": "function", "function": {"name": choice.get("name")}} if kind == "tool" else CHOICES.get(kind)
        )
        if isinstance(choice, dict) and choice.get("disable_parallel_tool_use"):
            out["parallel_tool_calls"] = False
    return parse_body(json.dumps(out).encode())


def _usage(reply: OfflineReply) -> dict[str, int]:
    return {"input_tokens": reply.usage["prompt_tokens"], "output_tokens": reply.usage["completion_tokens"]}


def _blocks(reply: OfflineReply) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if reply.reasoning:
        blocks.append({"type": "thinking", "thinking": reply.reasoning_text, "signature": ""})
    if reply.answer:
        blocks.append({"type": "text", "text": reply.answer_text})
    for call in reply.tool_calls:
        blocks.append(
            {"type": "tool_use", "id": call["id"], "name": call["name"], "input": json.loads(call["arguments"])}
        )
    return blocks


def message_json(reply: OfflineReply) -> dict[str, Any]:
    """The non-streaming Messages response."""
    return {
        "id": reply.id.replace("chatcmpl", "msg"),
        "type": "message",
        "role": "assistant",
        "model": ENGINE_MODEL,
        "content": _blocks(reply),
        "stop_reason": STOP_REASONS.get(reply.finish_reason, "end_turn"),
        "stop_sequence": None,
        "usage": _usage(reply),
    }


def _event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps({'type': name, **data}, ensure_ascii=False)}\n\n".encode()


def _block_events(index: int, block: dict[str, Any], pieces: list[str], delta: str, field: str) -> Iterator[bytes]:
    yield _event("content_block_start", {"index": index, "content_block": block})
    for piece in pieces:
        yield _event("content_block_delta", {"index": index, "delta": {"type": delta, field: piece}})
    yield _event("content_block_stop", {"index": index})


def message_events(
    reply: OfflineReply, pace: float = 0.0, sleep: Callable[[float], None] | None = None, *, steady: bool = False
) -> Iterator[bytes]:
    """The reply as Messages SSE events (named events, no ``[DONE]``), spaced by ``pace`` (``Pacer``)."""
    pacer = Pacer(pace, sleep, steady=steady)
    start = {**message_json(reply), "content": [], "stop_reason": None}
    start["usage"] = {"input_tokens": reply.usage["prompt_tokens"], "output_tokens": 1}
    yield _event("message_start", {"message": start})
    blocks: list[tuple[dict[str, Any], list[str], str, str]] = []
    if reply.reasoning:
        blocks.append(({"type": "thinking", "thinking": ""}, list(reply.reasoning), "thinking_delta", "thinking"))
    if reply.answer:
        blocks.append(({"type": "text", "text": ""}, list(reply.answer), "text_delta", "text"))
    for call in reply.tool_calls:
        text = call["arguments"]
        parts = [text[i : i + ARGUMENT_PIECE] for i in range(0, len(text), ARGUMENT_PIECE)]
        block = {"type": "tool_use", "id": call["id"], "name": call["name"], "input": {}}
        blocks.append((block, parts, "input_json_delta", "partial_json"))
    for index, (block, parts, delta, field) in enumerate(blocks):
        for event in _block_events(index, block, parts, delta, field):
            if b"content_block_delta" in event[:30]:
                pacer.wait()
            yield event
    stop = STOP_REASONS.get(reply.finish_reason, "end_turn")
    yield _event("message_delta", {"delta": {"stop_reason": stop, "stop_sequence": None}, "usage": _usage(reply)})
    yield _event("message_stop", {})


def error_json(message: str) -> dict[str, Any]:
    """An Anthropic-style error body."""
    return {"type": "error", "error": {"type": "invalid_request_error", "message": message}}
