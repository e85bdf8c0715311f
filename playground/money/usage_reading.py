"""Read a usage object whatever convention it follows: from its numbers when they can tell, else the provider's.

Three conventions are in use, on two independent axes:

- OpenAI (and OpenRouter): ``completion_tokens`` includes ``reasoning_tokens``; ``prompt_tokens`` includes cached
  tokens; ``total_tokens`` = prompt + completion.
- xAI: ``completion_tokens`` excludes reasoning; ``total_tokens`` = prompt + completion + reasoning.
- Anthropic: ``input_tokens`` excludes ``cache_read_input_tokens`` and ``cache_creation_input_tokens``; output
  includes thinking; no total.

Gateways forward whichever their upstream sends, so the provider's own convention is only the fallback: a total
that adds up one way only, a reasoning count above the completion count, cache reads above the input count, or
Anthropic's field names decide first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from playground.chat.events import Usage


@dataclass(frozen=True, slots=True)
class Convention:
    """How a usage object counts: whether completion includes reasoning, and input includes cache tokens."""

    name: str
    reasoning_in_completion: bool
    cache_in_input: bool

    @property
    def label(self) -> str:
        """The convention as the reply strip names it."""
        reasoning = (
            "completion includes reasoning" if self.reasoning_in_completion else "completion excludes reasoning"
        )
        cache = "input includes cache" if self.cache_in_input else "input excludes cache reads and writes"
        return f"{self.name} ({reasoning}; {cache})"


OPENAI = Convention("OpenAI", True, True)
XAI = Convention("xAI", False, True)
ANTHROPIC = Convention("Anthropic", True, False)
XAI_ANTHROPIC_CACHE = Convention("xAI reasoning with Anthropic cache", False, False)
CONVENTIONS = (OPENAI, XAI, ANTHROPIC, XAI_ANTHROPIC_CACHE)

PROVIDER_DEFAULT = "provider default"
BY_TOTAL = "total_tokens"
BY_FIELD_NAMES = (
    "the field names (Anthropic's input_tokens beside cache_read_input_tokens, or OpenAI's prompt_tokens)"
)
NOTHING_TO_TELL = "no reasoning or cache tokens: every convention gives the same counts"


def default_convention(*, completion_includes_reasoning: bool, protocol: str = "openai") -> Convention:
    """A provider's own convention: Anthropic's for the Messages protocol, else OpenAI's or xAI's."""
    if protocol == "anthropic":
        return ANTHROPIC
    return OPENAI if completion_includes_reasoning else XAI


@dataclass(frozen=True, slots=True)
class Counts:
    """The raw numbers of a usage object, as sent (nothing added up yet)."""

    input: int = 0
    completion: int = 0
    reasoning: int = 0
    cache_read: int = 0
    cache_write: int = 0
    total: int | None = None
    named_cache_in_input: bool | None = None  # what the field names say about cache tokens, when they say it


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _first(*values: Any) -> int:
    return next((_count(v) for v in values if _count(v)), 0)


def _details(raw: Mapping[str, Any], *keys: str) -> Mapping[str, Any]:
    for key in keys:
        value = raw.get(key)
        if isinstance(value, Mapping):
            return value
    return {}


def counts_from(raw: Mapping[str, Any]) -> Counts:
    """The numbers of an OpenAI, xAI, OpenRouter, Anthropic or Responses-style usage object."""
    prompt_details = _details(raw, "prompt_tokens_details", "input_tokens_details")
    output_details = _details(raw, "completion_tokens_details", "output_tokens_details")
    total = raw.get("total_tokens")
    return Counts(
        input=_first(raw.get("prompt_tokens"), raw.get("input_tokens")),
        completion=_first(raw.get("completion_tokens"), raw.get("output_tokens")),
        reasoning=_first(output_details.get("reasoning_tokens"), raw.get("reasoning_tokens")),
        cache_read=_first(prompt_details.get("cached_tokens"), raw.get("cache_read_input_tokens")),
        cache_write=_first(prompt_details.get("cache_write_tokens"), raw.get("cache_creation_input_tokens")),
        total=total if isinstance(total, int) and not isinstance(total, bool) and total >= 0 else None,
        named_cache_in_input=_named_cache_axis(raw),
    )


def _named_cache_axis(raw: Mapping[str, Any]) -> bool | None:
    """Whether the field names say input includes cache tokens: OpenAI's ``prompt_tokens`` and the Responses
    API's ``input_tokens_details`` do; Anthropic's ``input_tokens`` beside ``cache_read_input_tokens`` does not."""
    if "prompt_tokens" in raw or isinstance(raw.get("input_tokens_details"), Mapping):
        return True
    if "cache_read_input_tokens" in raw or "cache_creation_input_tokens" in raw:
        return False
    return None


def billed(counts: Counts, convention: Convention) -> tuple[int, int]:
    """(input tokens with cache reads and writes, output tokens with reasoning) under ``convention``."""
    cache = counts.cache_read + counts.cache_write
    prompt = counts.input if convention.cache_in_input else counts.input + cache
    output = counts.completion if convention.reasoning_in_completion else counts.completion + counts.reasoning
    return prompt, output


def possible(counts: Counts, convention: Convention) -> bool:
    """Whether the numbers allow ``convention``: a part cannot exceed the count that includes it."""
    if convention.reasoning_in_completion and counts.reasoning > counts.completion:
        return False
    return not (convention.cache_in_input and counts.cache_read + counts.cache_write > counts.input)


def adds_up(counts: Counts, convention: Convention) -> bool:
    """Whether ``total_tokens`` equals input plus output as ``convention`` counts them."""
    return counts.total is not None and counts.total == sum(billed(counts, convention))


def _preferred(counts: Counts, default: Convention) -> Convention:
    """The default, with the cache reading the field names give when they give one."""
    named = counts.named_cache_in_input
    if named is None or named == default.cache_in_input:
        return default
    return next(
        c
        for c in CONVENTIONS
        if c.cache_in_input == named and c.reasoning_in_completion == default.reasoning_in_completion
    )


def _distance(a: Convention, b: Convention) -> int:
    """How far two readings are apart; the cache axis weighs more (field names make it the surer one)."""
    return (a.reasoning_in_completion != b.reasoning_in_completion) + 2 * (a.cache_in_input != b.cache_in_input)


@dataclass(frozen=True, slots=True)
class Choice:
    """The reading used, what decided it, and whether the numbers left another reading open."""

    convention: Convention
    read_from: str
    unverified: bool


def _narrowed(counts: Counts) -> tuple[list[Convention], str]:
    """The readings the numbers allow, and the evidence that ruled others out ("" when none was ruled out).

    Impossible readings go first, then a ``total_tokens`` that adds up under some readings only; failing that,
    the field names settle the cache axis.
    """
    pool = [c for c in CONVENTIONS if possible(counts, c)]
    why = ""
    if len(pool) < len(CONVENTIONS):
        why = "reasoning_tokens above completion_tokens" if counts.reasoning > counts.completion else ""
        why = why or "cache reads and writes above the input count"
    fit = [c for c in pool if adds_up(counts, c)]
    if fit and len(fit) < len(pool):
        return fit, BY_TOTAL
    named = [c for c in pool if c.cache_in_input == counts.named_cache_in_input]
    if (
        named
        and len(named) < len(pool)
        and len({billed(counts, c) for c in named}) < len({billed(counts, c) for c in pool})
    ):
        return named, why or BY_FIELD_NAMES
    return pool, why


def choose(counts: Counts, default: Convention) -> Choice:
    """The reading for ``counts``: the numbers' when they can tell, else the default (field names first)."""
    if len({billed(counts, c) for c in CONVENTIONS}) == 1:
        return Choice(default, NOTHING_TO_TELL, False)
    pool, why = _narrowed(counts)
    preferred = _preferred(counts, default)
    chosen = min(pool, key=lambda c: _distance(c, preferred))
    unverified = len({billed(counts, c) for c in pool}) > 1
    if why and not unverified:
        return Choice(chosen, why, False)
    if billed(counts, chosen) == billed(counts, default):
        return Choice(chosen, PROVIDER_DEFAULT, unverified)
    return Choice(chosen, why or BY_FIELD_NAMES, unverified)


def provider_cost(value: Any) -> Decimal | None:
    """A provider-reported cost (OpenRouter's ``cost``) as Decimal, or None when absent or not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def read_usage(raw: Mapping[str, Any], *, default: Convention) -> Usage:
    """The typed usage for a raw usage object, read as its numbers say (``default`` when they cannot tell)."""
    counts = counts_from(raw)
    choice = choose(counts, default)
    prompt, _ = billed(counts, choice.convention)
    return Usage(
        prompt_tokens=prompt,
        completion_tokens=counts.completion,
        reasoning_tokens=counts.reasoning,
        cached_tokens=counts.cache_read,
        cost=provider_cost(raw.get("cost")),
        reasoning_included=choice.convention.reasoning_in_completion,
        raw=dict(raw),
        cache_write_tokens=counts.cache_write,
        reading=choice.convention.label,
        read_from=choice.read_from,
        default_reading=default.label,
        differs_from_default=billed(counts, choice.convention) != billed(counts, default),
        unverified=choice.unverified,
    )


def reading_note(usage: Usage) -> str:
    """What the reply strip says about the reading: empty when the provider default and the numbers agree."""
    if usage.estimated or not usage.reading:
        return ""
    if usage.differs_from_default:
        default = usage.default_reading.split(" (")[0]
        note = f"usage read as {usage.reading} from {usage.read_from}, not the provider's {default} convention"
        return note + (" (the numbers do not settle it)" if usage.unverified else "")
    if usage.unverified:
        return (
            f"usage read as the provider's {usage.reading}: the numbers cannot tell, and another reading differs"
        )
    return ""
