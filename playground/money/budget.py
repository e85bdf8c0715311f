"""Daily budgets: the settings, a request's predicted maximum cost, and the refusal message with the numbers."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from playground.chat.conversation import Reply
from playground.chat.events import Usage
from playground.facts.catalog import Model, Price
from playground.money.pricing import cost, format_usd
from playground.money.tokens import count_messages
from playground.offline.spend import answered_offline
from playground.store.records import Budget
from playground.store.writer import plain_error

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


def flat_price(model: Model) -> Price | None:
    """The model's price for a prediction: the catalogue's, else genai-prices' when flat (loaded only then)."""
    if model.price is not None or model.genai_prices_ref is None:
        return model.price
    from playground.money.related import price_for

    return price_for(model)


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


class Spender(Protocol):
    """What a ``Ledger`` needs from the store (``playground.store.Store`` is one)."""

    url: str

    def reserve_budget(
        self, *, owner: str, amount: Decimal, limit: Decimal | None, global_limit: Decimal | None
    ) -> Budget: ...

    def record_spend(self, **fields: Any) -> None: ...


@dataclass(frozen=True, slots=True)
class Ledger:
    """One owner's spending outside the chat (compare and test sets): the daily budget held before each request,
    the reply's cost written to the same ledger after it. ``store`` None: saving is off or the database is down.
    """

    store: Spender | None
    owner: str
    limits: Limits

    def hold(
        self,
        *,
        price: Price | None,
        messages: Sequence[Mapping[str, str]],
        max_tokens: int,
        offline: bool = False,
    ) -> Budget | str | None:
        """A reservation of the request's predicted maximum, a refusal message, or None when no budget applies
        (no budget set, a model with no known price, or an ``offline`` request: the offline engine costs nothing,
        the same rules as the chat)."""
        if not self.limits.active or offline:
            return None
        amount = predicted_max(price=price, messages=messages, max_tokens=max_tokens)
        if amount is None:
            return None
        if self.store is None:
            return "Not sent: a daily budget is set but the database that tracks it is unavailable."
        try:
            budget = self.store.reserve_budget(
                owner=self.owner, amount=amount, limit=self.limits.per_user, global_limit=self.limits.everyone
            )
        except Exception as exc:  # noqa: BLE001 - fail closed: the budget cannot be checked
            return f"Not sent: the daily budget cannot be checked ({plain_error(exc, url=self.store.url)})."
        return budget if budget.granted else refusal(budget)

    def record(self, *, reply: Reply, reservation: Budget | None) -> None:
        """Write the reply's spend (settling ``reservation``); a database error never breaks the run."""
        if self.store is None:
            return
        try:
            self.store.record_spend(
                owner=self.owner,
                provider=reply.provider_id,
                model=reply.model_id,
                usage=reply.usage,
                cost=reply.cost.total if reply.cost is not None else None,
                reservation=reservation,
                offline=answered_offline(reply.provider_id),
            )
        except Exception:  # noqa: BLE001 - the spend is lost, the comparison goes on (the chat does the same)
            pass
