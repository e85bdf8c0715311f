"""Before sending: what the prompt cache will do for the next request of a conversation, and what an edit costs.

The prediction uses the prefix the conversation's last request shares with the next one (the model in
``playground.money.cache``: message by message, whole blocks), so it says ahead what the provider (or the offline
engine, which serves the same model) will read from the cache.  An edit of the system message or of an earlier
message breaks the cache from that message on: the tokens after it that the last request had cached-to-be are read
again at the full input price ("re-read").  When the edit makes the prompt shorter, every later turn reads fewer
cached tokens, and the edit pays back after ``payback_turns`` turns; when it does not, it never pays back.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from playground.facts.catalog import Price
from playground.money.cache import Prefix, in_blocks, prompt_prefix, shared_tokens
from playground.money.pricing import per_million


@dataclass(frozen=True, slots=True)
class NextTurn:
    """The next request as the cache will see it."""

    input_tokens: int  # the whole prompt, estimated
    cached_tokens: int  # read from the cache
    unedited_cached: int  # what the cache would have read had nothing been edited
    growth: int  # tokens the edit added to the edited messages (negative: the prompt got shorter)
    price: Price | None

    @property
    def reread_tokens(self) -> int:
        """Tokens the edit makes the next turn read at the full price instead of from the cache."""
        return max(0, self.unedited_cached - self.cached_tokens)

    @property
    def input_cost(self) -> Decimal | None:
        if self.price is None:
            return None
        cached_price = self.price.cached_input if self.price.cached_input is not None else self.price.input
        uncached = self.input_tokens - self.cached_tokens
        return per_million(uncached, self.price.input) + per_million(self.cached_tokens, cached_price)

    @property
    def extra_cost(self) -> Decimal | None:
        """What re-reading costs more than reading from the cache."""
        if self.price is None:
            return None
        cached_price = self.price.cached_input if self.price.cached_input is not None else self.price.input
        return per_million(self.reread_tokens, self.price.input - cached_price)

    @property
    def payback_turns(self) -> int | None:
        """Turns after which a shorter prompt has saved the re-read (None when it never does)."""
        extra = self.extra_cost
        if extra is None or self.growth >= 0 or self.price is None:
            return None
        cached_price = self.price.cached_input if self.price.cached_input is not None else self.price.input
        per_turn = per_million(-self.growth, cached_price)
        return max(1, math.ceil(extra / per_turn)) if per_turn > 0 else None


def with_system(system: str, history: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The prompt's messages as the request sends them: the system message (if any), then the history."""
    return [*([{"role": "system", "content": system}] if system.strip() else []), *history]


def _growth(last: Prefix, now: Prefix, shared_count: int) -> int:
    """Tokens the edited messages gained: the messages after the shared ones, up to the last request's length."""
    end = len(last)
    return sum(n for _, n in now[shared_count:end]) - sum(n for _, n in last[shared_count:end])


def predict(
    last_prompt: Prefix,
    *,
    system: str,
    history: Iterable[Mapping[str, Any]],
    price: Price | None,
    next_user: str = "",
) -> NextTurn:
    """The next request's cache reading, from the last request's prompt (``()`` before any request)."""
    now = prompt_prefix(with_system(system, history))
    upcoming = now + prompt_prefix([{"role": "user", "content": next_user}])
    shared = shared_tokens(last_prompt, upcoming)
    count = 0
    for (a, _), (b, _) in zip(last_prompt, upcoming, strict=False):
        if a != b:
            break
        count += 1
    return NextTurn(
        input_tokens=sum(n for _, n in upcoming),
        cached_tokens=min(in_blocks(shared), sum(n for _, n in upcoming)),
        unedited_cached=in_blocks(sum(n for _, n in last_prompt)),
        growth=_growth(last_prompt, now, count) if count < len(last_prompt) else 0,
        price=price,
    )
