"""Usage numbers from a server, checked: whole, non-negative, bounded; else the reply is flagged and not priced."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from playground.chat.events import Usage
from playground.money.usage_reading import Convention, read_usage

MAX_TOKENS = 100_000_000  # far above any context window: a larger count is not a real count
MAX_COST = Decimal(1_000_000)  # dollars for one reply
_SCALARS = (str, int, float, bool, type(None))


COUNT_FIELDS = (
    "prompt_tokens",
    "completion_tokens",
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "reasoning_tokens",
    "cache_read_input_tokens",
    "cache_creation_input_tokens",
)
DETAIL_FIELDS = (
    "prompt_tokens_details",
    "input_tokens_details",
    "completion_tokens_details",
    "output_tokens_details",
)


class UsageCheck:
    """Collects what was wrong with one usage report while its fields are read."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def count(self, name: str, value: Any) -> int:
        """``value`` as a token count; a missing value is 0, a wrong one is 0 and recorded."""
        if value is None:
            return 0
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_TOKENS:
            return value
        self.problems.append(f"{name} = {_show(value)}")
        return 0

    def cost(self, value: Any) -> Decimal | None:
        """A reported cost in dollars, or None (a wrong one is recorded)."""
        if value is None:
            return None
        try:
            number = isinstance(value, int | float | str) and not isinstance(value, bool)
            cost = Decimal(str(value)) if number else None
        except (InvalidOperation, ValueError):
            cost = None
        if cost is None or not cost.is_finite() or not 0 <= cost <= MAX_COST:
            self.problems.append(f"cost = {_show(value)}")
            return None
        return cost

    def finish(self, usage: Usage) -> Usage:
        """``usage`` marked invalid when a field was wrong."""
        if not self.problems:
            return usage
        return replace(usage, invalid="impossible usage from the server: " + ", ".join(self.problems))

    def clean(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """The usage object with short scalar values only, every count checked (a wrong one becomes 0)."""
        out = plain_usage(raw)
        for name in COUNT_FIELDS:
            if name in raw:
                out[name] = self.count(name, raw[name])
        for name in DETAIL_FIELDS:
            value = raw.get(name)
            if value is None:
                continue
            if not isinstance(value, Mapping):
                self.problems.append(f"{name} = {_show(value)}")
                out.pop(name, None)
                continue
            inner = out.get(name) if isinstance(out.get(name), dict) else {}
            for key, count in list(value.items())[:32]:
                if isinstance(key, str) and key.endswith("tokens"):
                    inner[key] = self.count(key, count)
            out[name] = inner
        if "cost" in raw:
            cost = self.cost(raw.get("cost"))
            out["cost"] = str(cost) if cost is not None else None
        return out


def checked_usage(raw: Mapping[str, Any], *, default: Convention) -> Usage:
    """The typed usage of a raw usage object (``read_usage``), its numbers checked first: counts must be whole,
    non-negative and at most ``MAX_TOKENS``, a cost finite and at most ``MAX_COST``. A wrong value reads as 0 (or
    no cost) and marks the usage ``invalid``, naming the field, so it is shown but never priced."""
    check = UsageCheck()
    clean = check.clean(raw if isinstance(raw, Mapping) else {})
    return check.finish(replace(read_usage(clean, default=default), raw=clean))


def _show(value: Any) -> str:
    """A short, safe picture of a bad value (a type name for anything nested)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = repr(value)
        return text if len(text) <= 24 else text[:21] + "…"
    if isinstance(value, str):
        return repr(value[:20] + ("…" if len(value) > 20 else ""))
    return type(value).__name__


def plain_usage(usage: Mapping[str, Any]) -> dict[str, Any]:
    """The usage object with only short scalar values (one level of nesting), for keeping with the reply."""
    out: dict[str, Any] = {}
    for key, value in list(usage.items())[:32]:
        if not isinstance(key, str):
            continue
        if isinstance(value, Mapping):
            inner = {k: v for k, v in list(value.items())[:32] if isinstance(k, str) and _plain(v)}
            out[key[:64]] = inner
        elif _plain(value):
            out[key[:64]] = value
    return out


def _plain(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return len(value) <= 200
    return isinstance(value, _SCALARS)
