"""The pricing projection with the prompt cache: the hit rate measured on the user's own replies (or a stated
assumption when there are none), beside the 0 % and 100 % bounds.

The central forecast uses the token-weighted hit rate of the history (all cached tokens over all input tokens),
which is what the same replies would have cost in total; the spread is the 10th to 90th percentile of the
per-reply hit rates, priced the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from playground.chat.events import Usage
from playground.facts.catalog import Price
from playground.money.cache import not_sent
from playground.money.pricing import Projection, Volume, Workload, project

ASSUMED_HIT_RATE = 0.5  # stated on the page when the user has no replies with usage yet
ASSUMPTION = "an assumed 50 % (no replies with usage yet: chat first, and this uses your own)"


@dataclass(frozen=True, slots=True)
class HitRates:
    """Hit rates of the history: token-weighted over all replies, and the per-reply spread."""

    weighted: float
    low: float  # 10th percentile of the per-reply rates
    high: float  # 90th percentile
    replies: int  # 0: an assumption, not a measurement

    @property
    def measured(self) -> bool:
        return self.replies > 0


def _percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile by linear interpolation between closest ranks (values sorted)."""
    if len(values) == 1:
        return values[0]
    pos = q * (len(values) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


def hit_rates(usages: Iterable[Usage | None]) -> HitRates:
    """The measured hit rates of the usages that exist and can be trusted, else the stated assumption."""
    got = [u for u in usages if u is not None and not u.invalid and not not_sent(u) and u.prompt_tokens > 0]
    if not got:
        return HitRates(ASSUMED_HIT_RATE, ASSUMED_HIT_RATE, ASSUMED_HIT_RATE, 0)
    per_reply = sorted(min(max(u.cached_tokens, 0), u.prompt_tokens) / u.prompt_tokens for u in got)
    cached = sum(min(max(u.cached_tokens, 0), u.prompt_tokens) for u in got)
    total = sum(u.prompt_tokens for u in got)
    return HitRates(cached / total, _percentile(per_reply, 0.1), _percentile(per_reply, 0.9), len(got))


def at_rate(workload: Workload, rate: float) -> Workload:
    """``workload`` with ``rate`` of its input served from the cache (rounded half up to a token)."""
    cached = Decimal(workload.input_tokens) * Decimal(str(rate))
    return replace(workload, cached_tokens=int(cached.to_integral_value(rounding=ROUND_HALF_UP)))


@dataclass(frozen=True, slots=True)
class CacheForecast:
    """Projections at no cache, at the history's rate and its spread, and with every input token cached."""

    none: Projection
    expected: Projection
    low: Projection
    high: Projection
    all: Projection
    rates: HitRates


def forecast(workload: Workload, price: Price, volume: Volume, rates: HitRates) -> CacheForecast:
    """The projection at each hit rate (a lower hit rate costs more: ``low`` is the dearer end)."""

    def at(rate: float) -> Projection:
        return project(at_rate(workload, rate), price, volume)

    return CacheForecast(at(0.0), at(rates.weighted), at(rates.low), at(rates.high), at(1.0), rates)
