"""Batch pricing as data: which providers offer an OpenAI-compatible Batch API, at what documented discount.

A provider's ``batch`` field (``playground.facts.providers``) holds its ``BatchSupport``. The custom provider
(any OpenAI-compatible URL) has none unless the operator declares one with ``PLAYGROUND_BATCH_DISCOUNT``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playground.facts.providers import ProviderConfig

BATCH_DISCOUNT_ENV = "PLAYGROUND_BATCH_DISCOUNT"


@dataclass(frozen=True, slots=True)
class BatchSupport:
    """An OpenAI-compatible Batch API (``/files`` + ``/batches``) and its documented discount.

    Args:
        discount: the fraction taken off the live price (``Decimal("0.5")``: half price).
        source: where the discount is documented (or who declared it), shown beside the batch price.
        simulated: the offline engine's stand-in batch: nothing is billed, the discount only shows the shape.
    """

    discount: Decimal
    source: str
    simulated: bool = False


def batch_discount(env: Mapping[str, str], secrets: Mapping[str, object] | None = None) -> Decimal | None:
    """The operator's ``PLAYGROUND_BATCH_DISCOUNT`` (a fraction from 0 up to, not including, 1; environment
    first, then secrets), or None when it is unset or not such a number."""
    raw = str(env.get(BATCH_DISCOUNT_ENV) or (secrets or {}).get(BATCH_DISCOUNT_ENV) or "").strip()
    try:
        value = Decimal(raw) if raw else None
    except InvalidOperation:
        return None
    return value if value is not None and value.is_finite() and 0 <= value < 1 else None


def batch_support(
    config: ProviderConfig, env: Mapping[str, str], secrets: Mapping[str, object] | None = None
) -> BatchSupport | None:
    """The Batch API ``config`` can use: the provider's documented one, or for the custom provider at its own or
    the operator's URL (never a URL a user typed) the discount the operator declares; None when there is none."""
    if config.provider.batch is not None:
        return config.provider.batch
    if not config.provider.user_url or config.url_source == "user" or config.problem:
        return None
    discount = batch_discount(env, secrets)
    if discount is None:
        return None
    return BatchSupport(discount, f"declared by the operator ({BATCH_DISCOUNT_ENV}={discount})")
