"""What a reply cost at the price of the model that really answered (see ``playground.facts.model_names``).

Providers route and retire models (xAI answers some retired slugs with a newer, dearer model; gateways route to
whatever they have), so a reply's ``model`` field can name another model than the request did.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import genai_prices
from genai_prices.types import TieredPrices

from playground.chat.events import Usage
from playground.facts.catalog import Model, Price
from playground.facts.model_names import catalogue_model
from playground.money.pricing import Cost, cost
from playground.money.related import LIBRARY

# genai-prices' provider ids for ours (the others resell many upstreams: matched by model name alone)
GENAI_PROVIDER = {"xai": "x-ai", "openrouter": "openrouter"}


@dataclass(frozen=True, slots=True)
class ServedPrice:
    """The served model's cost for one reply, and a note saying which price was used or why there is none."""

    cost: Cost | None
    note: str


def _genai_usage(usage: Usage) -> genai_prices.Usage:
    return genai_prices.Usage(
        input_tokens=usage.prompt_tokens,
        cache_read_tokens=min(usage.cached_tokens, usage.prompt_tokens),
        cache_write_tokens=usage.cache_write_tokens,
        output_tokens=usage.output_tokens,
    )


def _lookups(name: str, provider_id: str) -> list[tuple[str | None, str]]:
    """(genai-prices provider, model ref) pairs to try for ``name``, most specific first."""
    tries: list[tuple[str | None, str]] = [(GENAI_PROVIDER.get(provider_id), name), (None, name)]
    if "/" in name:
        tries += [("openrouter", name), (None, name.split("/", 1)[1])]
    return list(dict.fromkeys(tries))


def _genai_calc(
    usage: Usage, name: str, provider_id: str, *, first: tuple[str, str] | None = None
) -> genai_prices.types.PriceCalculation | None:
    """genai-prices' price of ``usage`` for ``name`` (the catalogue's reference ``first``), or None."""
    for provider, ref in ([first] if first else []) + _lookups(name, provider_id):
        try:
            return genai_prices.calc_price(_genai_usage(usage), ref, provider_id=provider)
        except LookupError:
            continue
    return None


def _split(usage: Usage, calc: genai_prices.types.PriceCalculation) -> Cost:
    """A cost from genai-prices' totals; output split between answer and reasoning by their token counts."""
    out = usage.output_tokens
    reasoning = calc.output_price * Decimal(usage.reasoning_tokens) / Decimal(out) if out else Decimal(0)
    total = usage.cost if usage.cost is not None else calc.total_price
    return Cost(
        calc.input_price, Decimal(0), calc.output_price - reasoning, reasoning, total, usage.cost is not None
    )


def _flat_price(calc: genai_prices.types.PriceCalculation, usage: Usage) -> Price | None:
    """The per-token price when one flat price covers this usage: not tiered, no own price for cache writes."""
    prices = calc.model_price
    values = (prices.input_mtok, prices.output_mtok, prices.cache_read_mtok)
    if any(isinstance(v, TieredPrices) for v in values) or prices.input_mtok is None or prices.output_mtok is None:
        return None
    if usage.cache_write_tokens and prices.cache_write_mtok is not None:
        return None
    return Price(prices.input_mtok, prices.output_mtok, prices.cache_read_mtok, source=LIBRARY)


def price_served(usage: Usage, *, name: str, provider_id: str) -> ServedPrice:
    """The reply's cost at the served model's price: the catalogue's, else genai-prices'; None when unknown."""
    model = catalogue_model(name)
    if model is not None:
        return price_model(usage, model=model, provider_id=provider_id, name=name)
    return _genai_price(usage, name=name, provider_id=provider_id, first=None)


def price_model(usage: Usage, *, model: Model, provider_id: str, name: str | None = None) -> ServedPrice:
    """The reply's cost at a catalogue model's price: its own, else genai-prices' (tiers applied), else None.

    The one way a reply is priced, in the playground and on the compare page alike.
    """
    name = name or model.name_for(provider_id)
    if model.price is not None:
        return ServedPrice(cost(usage, model.price), f"priced as `{name}` ({model.price.source})")
    return _genai_price(usage, name=name, provider_id=provider_id, first=model.genai_prices_ref)


def _genai_price(usage: Usage, *, name: str, provider_id: str, first: tuple[str, str] | None) -> ServedPrice:
    calc = _genai_calc(usage, name, provider_id, first=first)
    if calc is None:
        return ServedPrice(None, f"cannot price `{name}`: neither the catalogue nor {LIBRARY} knows it")
    where = f"{LIBRARY}: {calc.provider.id} / {calc.model.id}"
    flat = _flat_price(calc, usage)
    if flat is not None:
        return ServedPrice(cost(usage, flat), f"priced as `{name}` ({where})")
    return ServedPrice(
        _split(usage, calc), f"priced as `{name}` ({where}, its tiers and cache-write price applied)"
    )
