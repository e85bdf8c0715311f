"""How a variant's reply differs from the first variant's: tokens, exact cost and time, as one line of text."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from playground.chat.conversation import Reply
from playground.money.pricing import format_usd


@dataclass(frozen=True, slots=True)
class Difference:
    """``other`` minus ``base``; a part is None when either side does not know it."""

    input_tokens: int | None
    output_tokens: int | None
    reasoning_tokens: int | None
    cost: Decimal | None
    seconds: float | None


def _tokens(reply: Reply, name: str) -> int | None:
    return None if reply.usage is None else int(getattr(reply.usage, name))


def _minus(a: object, b: object) -> object:
    return None if a is None or b is None else a - b  # type: ignore[operator]


def difference(base: Reply, other: Reply) -> Difference:
    """``other`` measured against ``base`` (exact Decimal cost difference)."""
    base_cost = base.cost.total if base.cost is not None else None
    other_cost = other.cost.total if other.cost is not None else None
    return Difference(
        input_tokens=_minus(_tokens(other, "prompt_tokens"), _tokens(base, "prompt_tokens")),  # type: ignore[arg-type]
        output_tokens=_minus(_tokens(other, "output_tokens"), _tokens(base, "output_tokens")),  # type: ignore[arg-type]
        reasoning_tokens=_minus(  # type: ignore[arg-type]
            _tokens(other, "reasoning_tokens"), _tokens(base, "reasoning_tokens")
        ),
        cost=_minus(other_cost, base_cost),  # type: ignore[arg-type]
        seconds=_minus(other.timings.total, base.timings.total),  # type: ignore[arg-type]
    )


def signed_usd(amount: Decimal) -> str:
    """A money difference with its sign: "+$0.0006", "-$0.000125", "+$0.00"."""
    return ("-" if amount < 0 else "+") + format_usd(abs(amount))


def describe(diff: Difference) -> str:
    """One line: "+1,240 reasoning tokens, +$0.0006, +2.1 s" (reasoning tokens when any, else output tokens)."""
    parts = []
    if diff.reasoning_tokens:
        parts.append(f"{diff.reasoning_tokens:+,} reasoning tokens")
    elif diff.output_tokens is not None:
        parts.append(f"{diff.output_tokens:+,} output tokens")
    if diff.cost is not None:
        parts.append(signed_usd(diff.cost))
    if diff.seconds is not None:
        parts.append(f"{diff.seconds:+.1f} s")
    return ", ".join(parts) or "no difference known"
