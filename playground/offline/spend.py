"""Offline replies and money: nobody pays for what the offline engine writes, so it is never counted as spend;
what the reply would have cost at the chosen provider's prices is shown apart, and labelled so."""

from __future__ import annotations

from decimal import Decimal

from playground.chat.conversation import Reply
from playground.facts.providers import PROVIDERS, Provider
from playground.money.pricing import format_usd

LIST_PRICES = "the model's list prices"


def answered_offline(provider_id: str) -> bool:
    """Whether a reply recorded under ``provider_id`` came from the in-process offline engine (nothing paid)."""
    provider = PROVIDERS.get(provider_id)
    return provider is not None and provider.offline


def prices_of(provider: Provider | None) -> str:
    """Whose prices a would-be cost uses: "xAI's prices" for a provider chosen in the sidebar, else the model's
    list prices (the catalogue's one price per model)."""
    if provider is None or provider.offline or provider.user_url:
        return LIST_PRICES
    return f"{provider.label}'s prices"


def would_cost(amount: Decimal, *, at: str = LIST_PRICES) -> str:
    """ "would cost $0.0002 at xAI's prices": an offline reply's price, never called spent."""
    return f"would cost {format_usd(amount)} at {at}"


def reply_cost(reply: Reply, *, at: str = LIST_PRICES) -> str:
    """A priced reply's cost with its split, as a strip shows it; an offline reply's is what it would cost ``at``
    those prices, never called spent (the chat's strip uses it; so can any other)."""
    c = reply.cost
    split = (
        f"(input {format_usd(c.input + c.cached_input)}, output {format_usd(c.output)}, reasoning "
        f"{format_usd(c.reasoning)})"
    )
    if answered_offline(reply.provider_id):
        return f"nothing spent: offline, {would_cost(c.total, at=at)} {split}"
    return f"cost {format_usd(c.total)} {split}" + (" as billed by the provider" if c.from_provider else "")
