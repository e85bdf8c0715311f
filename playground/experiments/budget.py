"""A run's predicted cost range before it starts, and a cap that running requests reserve against.

The low end of a request is its estimated input at no output; the high end adds ``INPUT_MARGIN`` to the input
estimate (the estimator is within a few percent, ``playground.money.tokens.ACCURACY``) and every token up to max
tokens at the output price. A running request first reserves its high end, then settles at its real cost, so
the money spent never passes the cap as long as each request costs at most its high end.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from playground.chat.events import Usage
from playground.money.pricing import ZERO, cost, format_usd
from playground.money.tokens import count_messages
from playground.wire.request import capped_max_tokens, chat_messages

from .variant import Variant

INPUT_MARGIN = Decimal("1.10")


class CapError(ValueError):
    """The run cannot start under the cap (message is safe to show)."""


@dataclass(frozen=True, slots=True)
class Bounds:
    """One request's cost range in USD."""

    low: Decimal
    high: Decimal


def request_bounds(variant: Variant, history: Sequence[Mapping[str, str]]) -> Bounds | None:
    """The cost range of sending ``history`` to ``variant``; None when the model has no known price."""
    model = variant.priced_model()
    if model.price is None:
        return None
    tokens = count_messages(chat_messages(variant.params.system, history))
    high_input = math.ceil(Decimal(tokens) * INPUT_MARGIN)
    out = capped_max_tokens(model, variant.params)
    low = cost(Usage(prompt_tokens=tokens), model.price).total
    high = cost(Usage(prompt_tokens=high_input, completion_tokens=out), model.price).total
    return Bounds(low, high)


@dataclass(frozen=True, slots=True)
class Prediction:
    """The whole run's cost range, and the variants whose cost is unknown (no price)."""

    low: Decimal
    high: Decimal
    requests: int
    unpriced: tuple[str, ...] = ()

    def refusal(self, cap: Decimal | None) -> str | None:
        """Why a run with this prediction must not start under ``cap``, or None when it may."""
        if cap is None:
            return None
        if self.unpriced:
            return f"A cost cap needs a price for every variant; none is known for {', '.join(self.unpriced)}."
        if self.low > cap:
            low, most = format_usd(self.low), format_usd(cap)
            return f"Even with no output this run costs at least {low}, over the cap of {most}."
        return None


def predict(bounds: Sequence[tuple[str, Bounds | None]]) -> Prediction:
    """Sum (variant label, bounds) pairs, one per request."""
    known = [b for _, b in bounds if b is not None]
    unpriced = tuple(dict.fromkeys(label for label, b in bounds if b is None))
    low = sum((b.low for b in known), ZERO)
    high = sum((b.high for b in known), ZERO)
    return Prediction(low, high, len(bounds), unpriced)


class Budget:
    """Money reserved by running requests and spent by finished ones, never above ``cap`` (thread-safe)."""

    def __init__(self, cap: Decimal | None) -> None:
        self.cap = cap
        self.spent = ZERO
        self.reserved = ZERO
        self._lock = threading.Lock()

    def reserve(self, amount: Decimal) -> bool:
        """Hold ``amount`` for a request about to start; False (nothing held) when it would pass the cap."""
        with self._lock:
            if self.cap is not None and self.spent + self.reserved + amount > self.cap:
                return False
            self.reserved += amount
            return True

    def settle(self, reserved: Decimal, actual: Decimal) -> None:
        """Release a request's reservation and add what it really cost."""
        with self._lock:
            self.reserved -= reserved
            self.spent += actual
