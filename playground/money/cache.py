"""The prompt cache in money: per reply and per conversation, cached and uncached input, hit rate, and what the
cache saved (the cached tokens at the full input price minus what they cost at the cached price).

Figures come from the usage the provider reported (``cached_tokens`` is part of ``prompt_tokens``); a reply with
no usage, with usage the app could not trust (``invalid``) or only estimated (the server sent none), adds
nothing.  Money is ``Decimal``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from playground.chat.events import Usage
from playground.facts.catalog import Price
from playground.money.pricing import ZERO, per_million
from playground.money.tokens import MESSAGE_OVERHEAD, count_tokens

# The prefix model (see playground/offline/cache.py, which serves it): a prompt is its messages in order, each its
# estimated tokens plus the message overhead; a cache hit is the leading messages two prompts share, identical role
# and text, rounded down to whole blocks.


BLOCK = 64  # tokens per cache block

Prefix = tuple[tuple[str, int], ...]  # (digest of role and text, tokens) per message


def prompt_prefix(messages: Iterable[Mapping[str, str]]) -> Prefix:
    """Each message's digest and estimated tokens (overhead included), in order."""
    out = []
    for m in messages:
        role, text = str(m.get("role") or ""), str(m.get("content") or "")
        digest = hashlib.sha256(f"{role}\x00{text}".encode("utf-8", "surrogatepass")).hexdigest()[:16]
        out.append((digest, count_tokens(text) + MESSAGE_OVERHEAD))
    return tuple(out)


def shared_tokens(a: Prefix, b: Prefix) -> int:
    """Tokens of the leading messages ``a`` and ``b`` have in common."""
    total = 0
    for (da, n), (db, _) in zip(a, b, strict=False):
        if da != db:
            break
        total += n
    return total


def in_blocks(tokens: int, block: int = BLOCK) -> int:
    """``tokens`` rounded down to whole blocks."""
    return tokens // block * block


@dataclass(frozen=True, slots=True)
class CacheFigures:
    """Input tokens split by the cache, and the money the cache saved (None when no price is known)."""

    input_tokens: int = 0
    cached_tokens: int = 0
    saved: Decimal | None = ZERO
    replies: int = 0

    @property
    def uncached_tokens(self) -> int:
        return self.input_tokens - self.cached_tokens

    @property
    def hit_rate(self) -> float:
        """Cached share of the input tokens, 0 to 1 (0 with no input)."""
        return self.cached_tokens / self.input_tokens if self.input_tokens else 0.0

    @property
    def hit_percent(self) -> int:
        """The hit rate in whole percent, rounded half up (what the strip shows)."""
        return hit_percent(self.cached_tokens, self.input_tokens)

    def __add__(self, other: CacheFigures) -> CacheFigures:
        saved = None if self.saved is None or other.saved is None else self.saved + other.saved
        return CacheFigures(
            self.input_tokens + other.input_tokens,
            self.cached_tokens + other.cached_tokens,
            saved,
            self.replies + other.replies,
        )


def hit_percent(cached: int, total: int) -> int:
    """``cached`` of ``total`` in whole percent, rounded half up (0 when ``total`` is 0)."""
    return (200 * cached + total) // (2 * total) if total > 0 else 0


def saved_by_cache(cached_tokens: int, price: Price | None) -> Decimal | None:
    """What ``cached_tokens`` would have cost more at the full input price (None without a price)."""
    if price is None:
        return None
    cached_price = price.cached_input if price.cached_input is not None else price.input
    return per_million(cached_tokens, price.input - cached_price)


def not_sent(usage: Usage) -> bool:
    """Whether ``usage`` is the app's own estimate (the server sent none), not the server's numbers."""
    return usage.estimated and not usage.raw


def reply_cache(usage: Usage | None, price: Price | None) -> CacheFigures | None:
    """The cache figures of one reply (None when it has no trustworthy usage)."""
    if usage is None or usage.invalid or not_sent(usage) or usage.prompt_tokens <= 0:
        return None  # the app's own estimate knows nothing of the cache
    cached = min(max(usage.cached_tokens, 0), usage.prompt_tokens)
    return CacheFigures(usage.prompt_tokens, cached, saved_by_cache(cached, price), 1)


def total_cache(figures: Iterable[CacheFigures | None]) -> CacheFigures:
    """The sum over replies (replies without figures are skipped)."""
    total = CacheFigures()
    for f in figures:
        if f is not None:
            total = total + f
    return total
