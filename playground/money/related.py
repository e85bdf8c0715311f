"""The same workload priced across the page's related models with pydantic's genai-prices catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import genai_prices
from genai_prices.types import ModelInfo, ModelPrice, TieredPrices

from playground.facts.catalog import GROK_3_MINI, RELATED, Model, Price
from playground.money.pricing import Workload

UNKNOWN = "unknown"
LIBRARY = f"genai-prices {genai_prices.__version__}"


@dataclass(frozen=True, slots=True)
class Quote:
    """One model's price for the workload, or why there is none (``per_request`` is None when unknown)."""

    model: Model
    per_request: Decimal | None
    input_mtok: Decimal | None = None
    cached_mtok: Decimal | None = None
    output_mtok: Decimal | None = None
    tiered: bool = False
    matched: str = ""  # "provider / model id" as genai-prices knows it
    source: str = ""  # the provider's pricing page genai-prices cites
    as_of: str = ""
    note: str = ""

    @property
    def known(self) -> bool:
        """True when genai-prices priced this model."""
        return self.per_request is not None


def comparison_models() -> tuple[Model, ...]:
    """Grok 3 Mini followed by the page's related models."""
    return (GROK_3_MINI, *RELATED)


def _flat(value: object) -> tuple[Decimal | None, bool]:
    """A per-1M price and whether it is tiered (then the base tier is given)."""
    if isinstance(value, TieredPrices):
        return value.base, True
    return (value if isinstance(value, Decimal) else None), False


def _as_of(info: ModelInfo, when: datetime) -> str:
    """When the applied price started, if genai-prices records it; else the library's data snapshot."""
    if isinstance(info.prices, list):
        for conditional in reversed(info.prices):
            constraint = conditional.constraint
            if constraint is None or constraint.active(when):
                start = getattr(constraint, "start_date", None)
                if start is not None:
                    return f"since {start.isoformat()} ({LIBRARY} data)"
                break
    return f"{LIBRARY} data (no per-price date)"


def _usage(workload: Workload) -> genai_prices.Usage:
    """The workload in genai-prices terms: input includes cache reads, output includes reasoning."""
    return genai_prices.Usage(
        input_tokens=workload.input_tokens,
        cache_read_tokens=min(workload.cached_tokens, workload.input_tokens),
        output_tokens=workload.output_tokens + workload.reasoning_tokens,
    )


def quote(model: Model, workload: Workload, *, when: datetime | None = None) -> Quote:
    """``model``'s genai-prices price for one request of ``workload``; unknown when it has none."""
    if model.genai_prices_ref is None:
        return Quote(model, None, note=f"not in genai-prices (sold on {model.platform})")
    provider_id, ref = model.genai_prices_ref
    when = when or datetime.now(tz=UTC)
    try:
        calc = genai_prices.calc_price(
            _usage(workload), ref, provider_id=provider_id, genai_request_timestamp=when
        )
    except LookupError:
        note = f"genai-prices has no {ref} at {provider_id}"
        return Quote(model, None, matched=f"{provider_id} / {ref}", note=note)
    prices: ModelPrice = calc.model_price
    (inp, t1), (cached, t2), (out, t3) = (
        _flat(getattr(prices, k, None)) for k in ("input_mtok", "cache_read_mtok", "output_mtok")
    )
    inp, out = inp or Decimal(0), out or Decimal(0)  # genai-prices charges nothing for a price it does not list
    tiered = t1 or t2 or t3
    return Quote(
        model,
        calc.total_price,
        inp,
        cached,
        out,
        tiered,
        matched=f"{calc.provider.id} / {calc.model.id}",
        source=(calc.provider.pricing_urls or [""])[0],
        as_of=_as_of(calc.model, when),
        note="tiered by prompt size: base tier shown, total uses the tier for this workload" if tiered else "",
    )


def compare(workload: Workload, *, when: datetime | None = None) -> list[Quote]:
    """Quotes for Grok 3 Mini and every related model, in the page's order."""
    return [quote(m, workload, when=when) for m in comparison_models()]


def price_for(model: Model) -> Price | None:
    """A flat per-token price: the catalogue's, else genai-prices' when it is flat; None when unknown or tiered."""
    if model.price is not None:
        return model.price
    if model.genai_prices_ref is None:
        return None
    got = quote(model, Workload())
    if not got.known or got.tiered or got.input_mtok is None or got.output_mtok is None:
        return None
    return Price(
        input=got.input_mtok,
        output=got.output_mtok,
        cached_input=got.cached_mtok,
        source=f"{LIBRARY}: {got.matched} ({got.source})",
    )


def _highest(value: object) -> Decimal | None:
    """A per-1M price at its dearest tier (a flat price as it is)."""
    if isinstance(value, TieredPrices):
        return max([value.base, *(t.price for t in value.tiers)])
    return value if isinstance(value, Decimal) else None


def ceiling(model: Model) -> Price | None:
    """``model``'s dearest per-token price (its top tier when tiered): the catalogue's, else genai-prices'."""
    if model.price is not None:
        return model.price
    if model.genai_prices_ref is None:
        return None
    provider_id, ref = model.genai_prices_ref
    try:
        calc = genai_prices.calc_price(_usage(Workload()), ref, provider_id=provider_id)
    except LookupError:
        return None
    prices: ModelPrice = calc.model_price
    inp, out = _highest(prices.input_mtok), _highest(prices.output_mtok)
    if inp is None or out is None:
        return None
    return Price(input=inp, output=out, source=f"{LIBRARY}: {calc.provider.id} / {calc.model.id}, top tier")
