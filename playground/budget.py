"""Daily budgets: the settings, a request's predicted maximum cost, and the refusal message with the numbers."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from playground.catalog import Price
from playground.events import Usage
from playground.pricing import cost, format_usd
from playground.store.records import Budget
from playground.tokens import count_messages

GLOBAL_VARIABLE = "PLAYGROUND_DAILY_BUDGET_USD"
USER_VARIABLE = "PLAYGROUND_USER_DAILY_BUDGET_USD"


@dataclass(frozen=True, slots=True)
class Limits:
    """USD per UTC day for everyone together and for each signed-in user (None: no limit)."""

    everyone: Decimal | None = None
    per_user: Decimal | None = None

    @property
    def active(self) -> bool:
        return self.everyone is not None or self.per_user is not None


def _amount(name: str, secrets: Mapping[str, object]) -> Decimal | None:
    raw = os.environ.get(name) or secrets.get(name)
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError(f"{name} must be an amount in USD, like 5 or 0.50 (got {raw!r}).") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"{name} must be zero or more (got {raw!r}).")
    return value


def limits(*, secrets: Mapping[str, object] | None = None, signed_in: bool) -> Limits:
    """The budgets from the environment (or secrets); the per-user one applies only to signed-in users."""
    secrets = secrets or {}
    per_user = _amount(USER_VARIABLE, secrets) if signed_in else None
    return Limits(_amount(GLOBAL_VARIABLE, secrets), per_user)


def predicted_max(
    *, price: Price | None, messages: Sequence[Mapping[str, str]], max_tokens: int
) -> Decimal | None:
    """The most a request can cost: its estimated prompt at the input price plus ``max_tokens`` at the output
    price (reasoning counts within max tokens and is billed as output). None when the model has no price."""
    if price is None:
        return None
    usage = Usage(prompt_tokens=count_messages(messages), completion_tokens=max_tokens)
    return cost(usage, price).total


def refusal(budget: Budget) -> str:
    """Why a request was refused, with the numbers."""
    who = "today's budget for everyone" if budget.scope == "*" else "your daily budget"
    used = budget.spent + budget.reserved
    return (
        f"Not sent: this request could cost up to {format_usd(budget.amount)}, and {who} is "
        f"{format_usd(budget.limit or Decimal(0))} with {format_usd(used)} already spent or in flight "
        f"({format_usd(budget.left or Decimal(0))} left). It resets at 00:00 UTC; lower max tokens or shorten the "
        "conversation to fit."
    )
