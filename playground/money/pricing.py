"""Cost of one reply from its usage and a model price: the one cost function every page uses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from playground.chat.events import Usage
from playground.facts.catalog import Price

MILLION = Decimal(1_000_000)
ZERO = Decimal(0)
_SMALLEST = Decimal("0.000001")


@dataclass(frozen=True, slots=True)
class Cost:
    """USD cost of one reply, split by kind of token (reasoning is billed at the output price)."""

    input: Decimal
    cached_input: Decimal
    output: Decimal
    reasoning: Decimal
    total: Decimal
    from_provider: bool = False  # True when the provider's own ``cost`` field gave the total


def per_million(tokens: int, usd_per_million: Decimal) -> Decimal:
    """The USD cost of ``tokens`` at a price in USD per million tokens."""
    return Decimal(tokens) * usd_per_million / MILLION


def _decimal(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def cost(usage: Usage, price: Price) -> Cost:
    """The cost of ``usage`` at ``price``; OpenRouter's reported ``cost`` wins for the total when present."""
    cached = min(max(usage.cached_tokens, 0), max(usage.prompt_tokens, 0))
    uncached = max(usage.prompt_tokens, 0) - cached
    cached_price = price.cached_input if price.cached_input is not None else price.input
    parts = (
        per_million(uncached, price.input),
        per_million(cached, cached_price),
        per_million(max(usage.answer_tokens, 0), price.output),
        per_million(max(usage.reasoning_tokens, 0), price.output),
    )
    if usage.cost is not None:
        return Cost(*parts, total=_decimal(usage.cost), from_provider=True)
    return Cost(*parts, total=sum(parts, ZERO))


def format_usd(amount: Decimal) -> str:
    """Dollars for display: cents from $1, six decimals below $1 (trailing zeros trimmed), "<$0.000001" below."""
    if amount < 0:
        return "-" + format_usd(-amount)
    if amount == 0:
        return "$0.00"
    if amount >= 1:
        return f"${amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"
    if amount < _SMALLEST:
        return "<$0.000001"
    text = f"{amount.quantize(_SMALLEST, rounding=ROUND_HALF_UP):f}".rstrip("0")
    if len(text.split(".")[1]) < 2:
        text = f"{Decimal(text):.2f}"
    return f"${text}"


@dataclass(frozen=True, slots=True)
class Workload:
    """Tokens of one request: input (cached ones included), cached input, answer output and reasoning."""

    input_tokens: int = 0
    cached_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0

    def usage(self) -> Usage:
        """The request as a usage record (xAI convention: output excludes reasoning)."""
        return Usage(
            prompt_tokens=self.input_tokens,
            completion_tokens=self.output_tokens,
            reasoning_tokens=self.reasoning_tokens,
            cached_tokens=self.cached_tokens,
            reasoning_included=False,
        )


@dataclass(frozen=True, slots=True)
class Volume:
    """How many requests: per day, and days per month."""

    requests_per_day: int
    days_per_month: int


@dataclass(frozen=True, slots=True)
class Projection:
    """One request's cost and the same for a day and a month of requests."""

    per_request: Cost
    per_day: Cost
    per_month: Cost


def scale(c: Cost, factor: int) -> Cost:
    """``c`` for ``factor`` identical requests."""
    n = Decimal(factor)
    return Cost(c.input * n, c.cached_input * n, c.output * n, c.reasoning * n, c.total * n, c.from_provider)


def project(workload: Workload, price: Price, volume: Volume) -> Projection:
    """Cost per request, per day and per month of ``workload`` at ``price`` and ``volume``."""
    one = cost(workload.usage(), price)
    day = scale(one, volume.requests_per_day)
    return Projection(one, day, scale(day, volume.days_per_month))


@dataclass(frozen=True, slots=True)
class Measured:
    """Average tokens per reply over ``replies`` replies that reported usage."""

    replies: int
    workload: Workload


def _mean(values: list[int]) -> int:
    """Mean rounded half up to a whole token."""
    return int((Decimal(sum(values)) / len(values)).to_integral_value(rounding=ROUND_HALF_UP))


def measure(usages: Iterable[Usage | None]) -> Measured | None:
    """Average workload of the usages that exist; None when there are none."""
    got = [u for u in usages if u is not None]
    if not got:
        return None
    return Measured(
        len(got),
        Workload(
            input_tokens=_mean([u.prompt_tokens for u in got]),
            cached_tokens=_mean([u.cached_tokens for u in got]),
            output_tokens=_mean([u.answer_tokens for u in got]),
            reasoning_tokens=_mean([u.reasoning_tokens for u in got]),
        ),
    )


def measure_replies(replies: Iterable[Any]) -> Measured | None:
    """Average workload of conversation replies (each with ``.usage``)."""
    return measure(r.usage for r in replies)


def measure_by_effort(replies: Iterable[Any]) -> dict[str, Measured]:
    """Average workload per ``reasoning_effort`` value found in the replies' parameters."""
    groups: dict[str, list[Any]] = {}
    for r in replies:
        effort = (r.params or {}).get("reasoning_effort")
        if effort and r.usage is not None:
            groups.setdefault(str(effort), []).append(r.usage)
    return {effort: m for effort, usages in groups.items() if (m := measure(usages)) is not None}
