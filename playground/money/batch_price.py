"""The batch price: the catalogue price less the provider's documented batch discount (one place computes it).

A Batch API bills every token at ``price × (1 − discount)``; cost is linear in the prices, so a reply's batch cost
is its live cost times the same factor, and a predicted range scales the same way.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from playground.chat.events import Usage
from playground.facts.batch import BatchSupport
from playground.facts.catalog import Price
from playground.money.pricing import Cost, cost

ONE = Decimal(1)


def factor(discount: Decimal) -> Decimal:
    """What is left of the live price: ``1 − discount`` (a discount outside [0, 1) is refused)."""
    if not (isinstance(discount, Decimal) and discount.is_finite() and 0 <= discount < 1):
        raise ValueError(f"A batch discount is a fraction from 0 up to 1, not {discount!r}.")
    return ONE - discount


def at_batch(amount: Decimal, discount: Decimal) -> Decimal:
    """``amount`` USD at the batch price."""
    return amount * factor(discount)


def batch_price(price: Price, discount: Decimal) -> Price:
    """The catalogue ``price`` at the batch discount (every figure, cached input included)."""
    f = factor(discount)
    cached = price.cached_input * f if price.cached_input is not None else None
    return replace(price, input=price.input * f, output=price.output * f, cached_input=cached)


def batch_cost(usage: Usage, price: Price, support: BatchSupport) -> Cost:
    """The cost of ``usage`` at the batch price (a cost the provider reported is taken as it is)."""
    return cost(usage, batch_price(price, support.discount))


def discounted(live: Cost, support: BatchSupport) -> Cost:
    """A live cost at the batch price (for a cost priced elsewhere, e.g. the served model's price)."""
    if live.from_provider:
        return live
    f = factor(support.discount)
    return Cost(live.input * f, live.cached_input * f, live.output * f, live.reasoning * f, live.total * f)
