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
from playground.facts.providers import ProviderConfig
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


_DEAREST: Price | None = None  # worked out once per process (genai-prices is loaded only then)


def dearest_price() -> Price:
    """The conservative price for a request whose model has no flat price (tiered, unknown, or a name outside the
    catalogue): the dearest input and output prices known for any catalogue model, at their top tier."""
    global _DEAREST
    if _DEAREST is None:
        from playground.money.related import ceiling, comparison_models

        known = [p for p in (ceiling(m) for m in comparison_models()) if p is not None]
        _DEAREST = Price(
            input=max(p.input for p in known),
            output=max(p.output for p in known),
            source="the dearest price known for any catalogue model (top tier)",
        )
    return _DEAREST


def operators_spend(config: ProviderConfig | None) -> bool:
    """Whether a request made with ``config`` is paid by the operator: a key from the environment or secrets, or a
    keyless request to a server the operator chose. A key the user typed (or a keyless URL the user typed) is the
    user's own spend and never touches the deployment's budgets."""
    if config is None or config.key_source in ("environment", "secrets"):
        return True
    return config.key_source != "session" and config.url_source != "user"


UNPRICED = (
    " This model has no flat price here, so the request is counted at the dearest price known for any catalogue "
    "model (its top tier) until the reply says what it cost."
)


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
        self,
        *,
        owner: str,
        amount: Decimal,
        limit: Decimal | None,
        global_limit: Decimal | None,
        lasts: int | None = None,
    ) -> Budget: ...

    def record_spend(self, **fields: Any) -> None: ...

    def release_budget(self, *, reservation: Budget) -> None: ...


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
        config: ProviderConfig | None = None,
        offline: bool = False,
        lasts: int | None = None,
    ) -> Budget | str | None:
        """A reservation of the request's predicted maximum, a refusal message, or None when no budget applies
        (no budget set, or an ``offline`` request: the offline engine costs nothing, the same rules as the chat).
        ``lasts``: seconds the hold stays unless settled (the ledger's default covers a live reply's deadline).

        A model with no flat price (tiered, unknown, outside the catalogue) is held at ``dearest_price()``: a
        budget never lets a request through unbounded. A request the operator does not pay for (the user's own key
        or server, see ``operators_spend``) gets an uncounted reservation: recorded, never charged to a budget.
        """
        if offline or (config is not None and config.provider.offline):
            return None
        if not operators_spend(config):
            return Budget(True, Decimal(0), owner=self.owner, counted=False)
        if not self.limits.active:
            return None
        amount = predicted_max(price=price, messages=messages, max_tokens=max_tokens)
        conservative = amount is None
        if amount is None:
            amount = predicted_max(price=dearest_price(), messages=messages, max_tokens=max_tokens) or Decimal(0)
        if self.store is None:
            return "Not sent: a daily budget is set but the database that tracks it is unavailable."
        try:
            budget = self.store.reserve_budget(
                owner=self.owner,
                amount=amount,
                limit=self.limits.per_user,
                global_limit=self.limits.everyone,
                lasts=lasts,
            )
        except Exception as exc:  # noqa: BLE001 - fail closed: the budget cannot be checked
            return f"Not sent: the daily budget cannot be checked ({plain_error(exc, url=self.store.url)})."
        if budget.granted:
            return budget
        return refusal(budget) + (UNPRICED if conservative else "")

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

    def release(self, reservation: Budget | None) -> None:
        """Give back a reservation whose request was never sent (a database error leaves it to lapse)."""
        if self.store is None or reservation is None or not reservation.scopes:
            return
        try:
            self.store.release_budget(reservation=reservation)
        except Exception:  # noqa: BLE001 - the hold lapses by itself
            pass
