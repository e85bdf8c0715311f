"""Export a conversation as JSON (OpenAI messages, parameters, per-reply records) or Markdown; never a key."""

from __future__ import annotations

import json
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from playground.chat.conversation import Conversation, Message, Reply
from playground.chat.errors import redact
from playground.facts.params import GenerationParams
from playground.offline.text import fence
from playground.tools.settings import ToolSettings


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k != "raw"}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def reply_record(reply: Reply) -> dict[str, Any]:
    """A reply's usage, cost, timings, finish reason and status as plain JSON values (money as strings)."""
    usage = asdict(reply.usage) if reply.usage else None
    return _plain(
        {
            "model": reply.model_id,
            "asked_model": reply.asked_model or reply.model_id,
            "served_model": reply.served_model,
            "served_other": reply.served_other,
            "price_note": reply.price_note,
            "provider": reply.provider_id,
            "params": reply.params,
            "status": reply.status,
            "finish_reason": reply.finish_reason,
            "error": reply.error,
            "usage": usage,
            "cost": asdict(reply.cost) if reply.cost is not None else None,
            "timings": asdict(reply.timings),
            "reasoning": reply.reasoning,
        }
    )


def tools_record(tools: ToolSettings) -> dict[str, Any]:
    """Tools, tool choice, parallel calls and the response format (with its schema) as sent."""
    fmt = tools.response_format
    out: dict[str, Any] = {"response_format": fmt.openai() or {"type": "text"}}
    if tools.tools:
        out.update(tools=[t.openai() for t in tools.tools], tool_choice=tools.choice.openai())
        out["parallel_tool_calls"] = tools.parallel
    return out


def _checks(m: Message) -> dict[str, Any]:
    """A reply's JSON verdict and its calls' verdicts (valid, or the first error's path and message)."""
    out: dict[str, Any] = {}
    if m.check is not None:
        out["validation"] = m.check.as_dict()
    if m.tool_calls:
        out["tool_calls"] = [c.as_dict() for c in m.tool_calls]
    return out


def to_json(
    conv: Conversation,
    *,
    params: GenerationParams,
    model_id: str,
    provider_id: str,
    secrets: tuple[str, ...] = (),
    tools: ToolSettings | None = None,
) -> str:
    """The conversation as JSON: OpenAI-style ``messages`` (tool calls and results included) plus ``parameters``,
    tools and response format, and one record per reply (with its validation)."""
    messages = ([{"role": "system", "content": params.system}] if params.system.strip() else []) + [
        m.wire() for m in conv.messages
    ]
    doc = {
        "model": model_id,
        "provider": provider_id,
        "parameters": params.model_dump(mode="json"),
        **(tools_record(tools) if tools is not None and tools.active else {}),
        "messages": messages,
        "replies": [
            {"message_index": i + len(messages) - len(conv.messages), **reply_record(m.reply), **_checks(m)}
            for i, m in enumerate(conv.messages)
            if m.reply is not None
        ],
    }
    return redact(json.dumps(doc, indent=2, ensure_ascii=False), secrets)


def to_markdown(
    conv: Conversation, *, params: GenerationParams, model_id: str, secrets: tuple[str, ...] = ()
) -> str:
    """The conversation as readable Markdown, with each reply's numbers under it."""
    lines = [f"# Conversation with {model_id}", "", f"**System:** {params.system}", ""]
    for m in conv.messages:
        head = f"## Tool result ({m.name or m.tool_call_id})" if m.role == "tool" else f"## {m.role.capitalize()}"
        lines += [head, "", m.content, ""]
        for call in m.tool_calls:
            verdict = "valid" if call.valid else f"invalid: {call.problem}"
            lines += [
                f"**Tool call** `{call.name}` ({call.id}, {verdict}):",
                "",
                fence(call.arguments, "json"),
                "",
            ]
        if m.check is not None:
            lines += [f"_JSON check: {m.check.label}_", ""]
        if m.reply is not None:
            rec = reply_record(m.reply)
            cost = rec["cost"]["total"] if rec["cost"] else "unknown"
            usage = rec["usage"] or {}
            served = f"served by {m.reply.served_model}, " if m.reply.served_other else ""
            lines += [
                f"_{served}status {rec['status']}, finish {rec['finish_reason']}, tokens in "
                f"{usage.get('prompt_tokens')} / out {usage.get('completion_tokens')} / reasoning "
                f"{usage.get('reasoning_tokens')}, cost ${cost}_",
                "",
            ]
    return redact("\n".join(lines), secrets)
