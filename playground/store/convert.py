"""Conversation messages to table rows and back, losslessly; every string goes through the key redactor."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from playground.chat.conversation import Message, Reply, Timings
from playground.chat.errors import redact
from playground.chat.events import Usage
from playground.money.pricing import Cost
from playground.tools.calls import ToolCall
from playground.tools.paths import Problem
from playground.tools.response_format import ReplyCheck

_MESSAGE_CORE = {"role", "content", "reply", "tool_calls", "_tokens"}
_REPLY_CORE = {"model_id", "provider_id", "params", "reasoning", "usage", "cost", "timings", "finish_reason"}
_REPLY_CORE |= {"status", "error"}
_COST_FIELDS = ("input", "cached_input", "output", "reasoning", "total")


def scrub(value: Any, secrets: Sequence[str]) -> Any:
    """``value`` (JSON-like) with every secret masked in every string, keys included."""
    if isinstance(value, str):
        return redact(value, tuple(secrets))
    if isinstance(value, dict):
        return {scrub(k, secrets): scrub(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v, secrets) for v in value]
    return value


def _plain(value: Any) -> Any:
    """Dataclasses, tuples and Decimals as JSON values (Decimals as exact strings)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _extra(obj: Any, core: set[str]) -> dict[str, Any] | None:
    """Fields a newer Message or Reply has beyond the ones with their own column (kept, not lost)."""
    extra = {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj) if f.name not in core}
    return extra or None


def cost_json(cost: Cost | None) -> dict[str, Any] | None:
    """A ``Cost`` as exact decimal strings."""
    if cost is None:
        return None
    return {**{k: str(getattr(cost, k)) for k in _COST_FIELDS}, "from_provider": cost.from_provider}


def message_row(message: Message, *, position: int, secrets: Sequence[str]) -> dict[str, Any]:
    """Column values of one message (a digest over them lets a save skip unchanged rows)."""
    reply = message.reply
    row: dict[str, Any] = {
        "position": position,
        "role": message.role,
        "content": message.content,
        "reasoning": reply.reasoning if reply else "",
        "tool_calls": _plain(message.tool_calls) or None,
        "extra": _extra(message, _MESSAGE_CORE),
        "served_model": reply.model_id if reply else None,
        "provider": reply.provider_id if reply else None,
        "params": _plain(reply.params) if reply else None,
        "usage": _plain(reply.usage) if reply and reply.usage else None,
        "cost": cost_json(reply.cost) if reply else None,
        "timings": _plain(reply.timings) if reply else None,
        "finish_reason": reply.finish_reason if reply else None,
        "status": reply.status if reply else None,
        "error": reply.error if reply else None,
    }
    if reply is not None:
        row["extra"] = {**(row["extra"] or {}), **{"reply": _extra(reply, _REPLY_CORE)}}
        row["extra"] = row["extra"] if row["extra"]["reply"] or len(row["extra"]) > 1 else None
    row = scrub(row, secrets)
    row["cost_total"] = reply.cost.total if reply and reply.cost is not None else None
    row["digest"] = digest(message, secrets=secrets)
    return row


def digest(message: Message, *, secrets: Sequence[str]) -> str:
    """A cheap fingerprint of every compared field (their repr, keys masked): a save skips equal messages.

    The token-count cache is left out: counting a message must not make it look changed.
    """
    fields = tuple(getattr(message, f.name) for f in dataclasses.fields(message) if f.name != "_tokens")
    return hashlib.sha256(redact(repr(fields), tuple(secrets)).encode()).hexdigest()


def _usage(data: dict[str, Any] | None) -> Usage | None:
    if data is None:
        return None
    values = dict(data)
    values["cost"] = Decimal(values["cost"]) if values.get("cost") is not None else None
    return Usage(**values)


def _cost(data: dict[str, Any] | None) -> Cost | None:
    if data is None:
        return None
    return Cost(*(Decimal(data[k]) for k in _COST_FIELDS), from_provider=bool(data.get("from_provider")))


def _known(cls: type, values: dict[str, Any] | None) -> dict[str, Any]:
    """The entries of ``values`` that ``cls`` has fields for (a field an older build lacks is skipped)."""
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in (values or {}).items() if k in names}


def _problem(data: dict[str, Any] | None) -> Problem | None:
    return Problem(**data) if data else None


def _tool_calls(data: list[dict[str, Any]] | None) -> tuple[ToolCall, ...]:
    """Stored tool calls back as ``ToolCall`` records (their problem as a ``Problem``)."""
    return tuple(ToolCall(**{**c, "problem": _problem(c.get("problem"))}) for c in data or ())


def _check(data: dict[str, Any] | None) -> ReplyCheck | None:
    return ReplyCheck(**{**data, "problem": _problem(data.get("problem"))}) if data else None


_DECODE = {"check": _check}  # message fields kept in ``extra`` that are records, not plain values


def message_from_row(row: Any) -> Message:
    """A message (with its reply record, tool calls and check) from a stored row."""
    reply = None
    extra = dict(row.extra or {})
    reply_extra = extra.pop("reply", None)
    if row.served_model is not None:
        reply = Reply(
            model_id=row.served_model,
            provider_id=row.provider or "",
            params=row.params or {},
            reasoning=row.reasoning or "",
            usage=_usage(row.usage),
            cost=_cost(row.cost),
            timings=Timings(**(row.timings or {})),
            finish_reason=row.finish_reason,
            status=row.status or "complete",
            error=row.error,
            **_known(Reply, reply_extra),
        )
    fields = {k: _DECODE[k](v) if k in _DECODE else v for k, v in _known(Message, extra).items()}
    return Message(row.role, row.content, reply, tool_calls=_tool_calls(row.tool_calls), **fields)
