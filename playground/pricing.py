"""Cost of one reply from its usage and a model price: the one cost function every page uses."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from playground.catalog import Price
from playground.events import Usage

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


def _per_million(tokens: int, usd_per_million: Decimal) -> Decimal:
    return Decimal(tokens) * usd_per_million / MILLION


def _decimal(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def cost(usage: Usage, price: Price) -> Cost:
    """The cost of ``usage`` at ``price``; OpenRouter's reported ``cost`` wins for the total when present."""
    cached = min(max(usage.cached_tokens, 0), max(usage.prompt_tokens, 0))
    uncached = max(usage.prompt_tokens, 0) - cached
    cached_price = price.cached_input if price.cached_input is not None else price.input
    parts = (
        _per_million(uncached, price.input),
        _per_million(cached, cached_price),
        _per_million(max(usage.answer_tokens, 0), price.output),
        _per_million(max(usage.reasoning_tokens, 0), price.output),
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
