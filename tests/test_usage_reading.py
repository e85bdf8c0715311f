"""Usage read from its numbers through every provider, priced against genai-prices' calc_price as the oracle."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from decimal import Decimal

import genai_prices
import pytest

from playground.chat.events import Usage
from playground.facts.catalog import GROK_3_MINI
from playground.facts.providers import CUSTOM, MODELSLAB, OPENROUTER, XAI, Provider, ProviderConfig
from playground.money.pricing import cost
from playground.money.usage_reading import (
    BY_TOTAL,
    NOTHING_TO_TELL,
    PROVIDER_DEFAULT,
    counts_from,
    reading_note,
)
from playground.wire.anthropic_stream import usage_from
from playground.wire.openai_events import usage_event

TOLERANCE = Decimal("1e-9")
SHAPES = 300
CHAT_PROVIDERS = (MODELSLAB, XAI, OPENROUTER, CUSTOM)


@dataclass(frozen=True)
class Shape:
    """True token counts of one reply: uncached input, cache reads, cache writes, answer, reasoning."""

    uncached: int
    cache_read: int
    cache_write: int
    answer: int
    reasoning: int

    @property
    def input(self) -> int:
        return self.uncached + self.cache_read + self.cache_write


def shapes(seed: int, *, cache_write: bool = True) -> list[Shape]:
    """Random shapes (seeded): zeros, small and large counts, reasoning both above and below the answer."""
    rng = random.Random(seed)

    def pick(top: int, chance: float = 0.8) -> int:
        return rng.choice((rng.randint(1, 50), rng.randint(0, top))) if rng.random() < chance else 0

    return [
        Shape(
            pick(200_000, 0.95),
            pick(60_000, 0.5),
            pick(20_000, 0.3) if cache_write else 0,
            pick(20_000),
            pick(40_000),
        )
        for _ in range(SHAPES)
    ]


def oracle(shape: Shape) -> Decimal:
    """genai-prices' price of the shape for x-ai grok-3-mini (its input includes cache, its output reasoning)."""
    usage = genai_prices.Usage(
        input_tokens=shape.input,
        cache_read_tokens=shape.cache_read,
        cache_write_tokens=shape.cache_write,
        output_tokens=shape.answer + shape.reasoning,
    )
    return genai_prices.calc_price(usage, "grok-3-mini", provider_id="x-ai").total_price


def openai_raw(s: Shape) -> dict:
    """OpenAI's convention (OpenRouter's too): completion includes reasoning, prompt includes cache."""
    return {
        "prompt_tokens": s.input,
        "completion_tokens": s.answer + s.reasoning,
        "total_tokens": s.input + s.answer + s.reasoning,
        "prompt_tokens_details": {"cached_tokens": s.cache_read, "cache_write_tokens": s.cache_write},
        "completion_tokens_details": {"reasoning_tokens": s.reasoning},
    }


def xai_raw(s: Shape) -> dict:
    """xAI's convention: completion excludes reasoning, total = prompt + completion + reasoning."""
    return {
        "prompt_tokens": s.input,
        "completion_tokens": s.answer,
        "total_tokens": s.input + s.answer + s.reasoning,
        "prompt_tokens_details": {"cached_tokens": s.cache_read},
        "completion_tokens_details": {"reasoning_tokens": s.reasoning},
    }


def anthropic_raw(s: Shape) -> dict:
    """Anthropic's convention: input excludes cache reads and writes, output includes thinking, no total."""
    return {
        "input_tokens": s.uncached,
        "cache_read_input_tokens": s.cache_read,
        "cache_creation_input_tokens": s.cache_write,
        "output_tokens": s.answer + s.reasoning,
    }


def config(provider: Provider) -> ProviderConfig:
    return ProviderConfig(provider, provider.base_url, "k")


def wire(raw: dict) -> dict:
    """The usage object as it arrives: through JSON."""
    return json.loads(json.dumps(raw))


def check(usage: Usage, shape: Shape) -> None:
    ours = cost(usage, GROK_3_MINI.price).total
    want = oracle(shape)
    assert abs(ours - want) <= TOLERANCE, (shape, usage, ours, want)


@pytest.mark.parametrize("provider", CHAT_PROVIDERS, ids=lambda p: p.id)
@pytest.mark.parametrize("make", [openai_raw, xai_raw, anthropic_raw], ids=["openai", "xai", "anthropic"])
def test_chat_usage_in_every_convention_through_every_provider_matches_genai_prices(make, provider) -> None:
    cache_write = make is not xai_raw  # xAI reports no cache writes
    for shape in shapes(13, cache_write=cache_write):
        check(usage_event(wire(make(shape)), config(provider)), shape)


@pytest.mark.parametrize("make", [openai_raw, xai_raw, anthropic_raw], ids=["openai", "xai", "anthropic"])
def test_messages_protocol_usage_in_every_convention_matches_genai_prices(make) -> None:
    for shape in shapes(17, cache_write=make is not xai_raw):
        check(usage_from(wire(make(shape))), shape)


@pytest.mark.parametrize("provider", CHAT_PROVIDERS, ids=lambda p: p.id)
def test_openrouter_cost_field_is_the_billed_total_and_the_split_still_reads_right(provider) -> None:
    for shape in shapes(19):
        billed = genai_prices.calc_price(
            genai_prices.Usage(input_tokens=shape.input, output_tokens=shape.answer + shape.reasoning),
            "x-ai/grok-3-mini-beta",
            provider_id="openrouter",
        ).total_price
        usage = usage_event(wire({**openai_raw(shape), "cost": float(billed)}), config(provider))
        got = cost(usage, GROK_3_MINI.price)
        assert got.from_provider and abs(got.total - billed) <= TOLERANCE
        parts = got.input + got.cached_input + got.output + got.reasoning
        assert abs(parts - oracle(shape)) <= TOLERANCE


def test_the_issues_example_through_modelslab() -> None:
    raw = {
        "prompt_tokens": 52_515,
        "completion_tokens": 7_023,
        "total_tokens": 72_075,
        "completion_tokens_details": {"reasoning_tokens": 12_537},
    }
    usage = usage_event(raw, config(MODELSLAB))
    assert cost(usage, GROK_3_MINI.price).total == Decimal("0.0255345")
    assert usage.reasoning_included is False and usage.read_from == "reasoning_tokens above completion_tokens"
    assert usage.differs_from_default and not usage.unverified
    assert usage.reading.startswith("xAI") and usage.default_reading.startswith("OpenAI")
    assert "not the provider's OpenAI" in reading_note(usage)


def test_xai_shaped_usage_with_reasoning_below_the_answer_is_told_by_the_total() -> None:
    usage = usage_event(xai_raw(Shape(1000, 0, 0, 500, 300)), config(MODELSLAB))
    assert usage.output_tokens == 800 and usage.read_from == BY_TOTAL and usage.differs_from_default


def test_openai_shaped_usage_through_xai_is_read_as_openai() -> None:
    raw = openai_raw(Shape(1000, 0, 0, 200, 300))
    usage = usage_event(raw, config(XAI))
    assert usage.reasoning_included is True and usage.output_tokens == 500
    assert usage.differs_from_default and usage.read_from == BY_TOTAL
    assert reading_note(usage).startswith("usage read as OpenAI")


def test_reasoning_above_completion_without_a_total_rules_out_openai() -> None:
    usage = usage_event({"prompt_tokens": 10, "completion_tokens": 5, "reasoning_tokens": 40}, config(MODELSLAB))
    assert usage.output_tokens == 45 and usage.read_from == "reasoning_tokens above completion_tokens"
    assert usage.differs_from_default and not usage.unverified


def test_numbers_that_cannot_tell_fall_back_to_the_provider_default_and_say_so() -> None:
    raw = {"prompt_tokens": 10, "completion_tokens": 50, "completion_tokens_details": {"reasoning_tokens": 20}}
    for provider, output in ((MODELSLAB, 50), (XAI, 70)):
        usage = usage_event(raw, config(provider))
        assert usage.output_tokens == output and usage.read_from == PROVIDER_DEFAULT
        assert usage.unverified and not usage.differs_from_default
        assert "the numbers cannot tell" in reading_note(usage)


def test_a_total_that_adds_up_no_way_falls_back_to_the_default() -> None:
    raw = {"prompt_tokens": 10, "completion_tokens": 50, "total_tokens": 999, "reasoning_tokens": 20}
    usage = usage_event(raw, config(XAI))
    assert usage.output_tokens == 70 and usage.read_from == PROVIDER_DEFAULT and usage.unverified


def test_no_reasoning_and_no_cache_means_nothing_to_tell_and_nothing_shown() -> None:
    usage = usage_event({"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}, config(MODELSLAB))
    assert usage.read_from == NOTHING_TO_TELL and not usage.unverified and reading_note(usage) == ""


def test_anthropic_field_names_through_a_chat_gateway_add_the_cache_to_the_input() -> None:
    raw = anthropic_raw(Shape(100, 5_000, 300, 20, 0))
    usage = usage_event(raw, config(MODELSLAB))
    assert usage.prompt_tokens == 5_400 and usage.cached_tokens == 5_000 and usage.cache_write_tokens == 300
    assert usage.differs_from_default and not usage.unverified


def test_messages_usage_with_prompt_tokens_names_keeps_the_cache_inside() -> None:
    usage = usage_from(
        {"prompt_tokens": 1000, "completion_tokens": 10, "prompt_tokens_details": {"cached_tokens": 400}}
    )
    assert usage.prompt_tokens == 1000 and usage.cached_tokens == 400


def test_counts_ignore_junk_values() -> None:
    counts = counts_from({"prompt_tokens": "12", "completion_tokens": True, "total_tokens": -1, "cost": "x"})
    assert (counts.input, counts.completion, counts.total) == (0, 0, None)
    assert usage_event({"prompt_tokens": 3, "cost": "abc"}, config(OPENROUTER)).cost is None


def test_estimated_usage_has_no_reading_note() -> None:
    assert reading_note(Usage(prompt_tokens=1, estimated=True, reading="x", unverified=True)) == ""
