"""The cost function on every usage shape, checked against pydantic's genai-prices for x-ai grok-3-mini."""

from __future__ import annotations

from decimal import Decimal

import genai_prices
import pytest

from playground.chat.conversation import Reply
from playground.chat.events import Usage
from playground.facts.catalog import GROK_3_MINI, Price
from playground.money.pricing import (
    Cost,
    Volume,
    Workload,
    cost,
    format_usd,
    measure_by_effort,
    measure_replies,
    project,
)

PRICE = GROK_3_MINI.price


def genai(usage: Usage) -> genai_prices.types.PriceCalculation:
    """genai-prices' figure for the same usage (its input includes cache reads, its output reasoning)."""
    shape = genai_prices.Usage(
        input_tokens=usage.prompt_tokens, cache_read_tokens=usage.cached_tokens, output_tokens=usage.output_tokens
    )
    return genai_prices.calc_price(shape, model_ref="grok-3-mini", provider_id="x-ai")


# name, usage, expected Cost (hand-computed at $0.30 in / $0.075 cached in / $0.50 out per 1M tokens)
CASES = [
    (
        "openai style: completion includes reasoning",
        Usage(prompt_tokens=1200, completion_tokens=800, reasoning_tokens=500),
        Cost(Decimal("0.00036"), Decimal(0), Decimal("0.00015"), Decimal("0.00025"), Decimal("0.00076")),
    ),
    (
        "xai style: completion excludes reasoning",
        Usage(prompt_tokens=663, completion_tokens=50, reasoning_tokens=124, reasoning_included=False),
        Cost(Decimal("0.0001989"), Decimal(0), Decimal("0.000025"), Decimal("0.000062"), Decimal("0.0002859")),
    ),
    (
        "cached input at the cached price",
        Usage(prompt_tokens=2000, completion_tokens=100, cached_tokens=1500),
        Cost(Decimal("0.00015"), Decimal("0.0001125"), Decimal("0.00005"), Decimal(0), Decimal("0.0003125")),
    ),
    (
        "xai style with reasoning and cache",
        Usage(
            prompt_tokens=2341,
            completion_tokens=31,
            reasoning_tokens=736,
            cached_tokens=512,
            reasoning_included=False,
        ),
        Cost(
            Decimal("0.0005487"),
            Decimal("0.0000384"),
            Decimal("0.0000155"),
            Decimal("0.000368"),
            Decimal("0.0009706"),
        ),
    ),
    (
        "reasoning only, no answer text",
        Usage(prompt_tokens=10, completion_tokens=300, reasoning_tokens=300),
        Cost(Decimal("0.000003"), Decimal(0), Decimal(0), Decimal("0.00015"), Decimal("0.000153")),
    ),
    ("empty usage", Usage(), Cost(*(Decimal(0),) * 5)),
]


@pytest.mark.parametrize(("name", "usage", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cost_by_usage_shape(name: str, usage: Usage, expected: Cost) -> None:
    got = cost(usage, PRICE)
    assert got == expected
    assert not got.from_provider
    reference = genai(usage)
    assert got.total == reference.total_price
    assert got.input + got.cached_input == reference.input_price
    assert got.output + got.reasoning == reference.output_price


def test_openrouter_cost_field_wins_for_the_total() -> None:
    usage = Usage(
        prompt_tokens=1200, completion_tokens=800, reasoning_tokens=500, cached_tokens=200, cost=Decimal("0.00081")
    )
    got = cost(usage, PRICE)
    assert got.from_provider
    assert got.total == Decimal("0.00081")
    # the split is still the model's own rules, and it is what genai-prices computes
    assert (got.input, got.cached_input, got.output, got.reasoning) == (
        Decimal("0.0003"),
        Decimal("0.000015"),
        Decimal("0.00015"),
        Decimal("0.00025"),
    )
    assert got.input + got.cached_input + got.output + got.reasoning == genai(usage).total_price


def test_openrouter_cost_given_as_float_is_taken_at_its_printed_value() -> None:
    got = cost(Usage(prompt_tokens=10, cost=0.1), PRICE)  # type: ignore[arg-type]
    assert got.total == Decimal("0.1") and got.from_provider


def test_xai_wire_usage_extracted_by_genai_prices_prices_the_same() -> None:
    """genai-prices' own reading of an xAI chat usage block agrees with our xAI convention."""
    wire = {
        "model": "grok-3-mini",
        "usage": {
            "prompt_tokens": 2341,
            "completion_tokens": 31,
            "total_tokens": 3108,
            "prompt_tokens_details": {"cached_tokens": 512},
            "completion_tokens_details": {"reasoning_tokens": 736},
        },
    }
    extracted = genai_prices.extract_usage(wire, provider_id="x-ai", api_flavor="chat")
    ours = Usage(
        prompt_tokens=2341, completion_tokens=31, reasoning_tokens=736, cached_tokens=512, reasoning_included=False
    )
    assert cost(ours, PRICE).total == extracted.calc_price().total_price


def test_catalogue_prices_match_genai_prices_for_grok_3_mini() -> None:
    """If genai-prices ever moves away from the page's per-token prices, this says so."""
    model_price = genai(Usage(prompt_tokens=1)).model_price
    assert (model_price.input_mtok, model_price.output_mtok, model_price.cache_read_mtok) == (
        PRICE.input,
        PRICE.output,
        PRICE.cached_input,
    )


def test_no_cached_price_falls_back_to_the_input_price() -> None:
    price = Price(input=Decimal("1"), output=Decimal("2"))
    got = cost(Usage(prompt_tokens=1_000_000, cached_tokens=400_000), price)
    assert (got.input, got.cached_input, got.total) == (Decimal("0.6"), Decimal("0.4"), Decimal("1"))


def test_cached_more_than_prompt_is_clamped() -> None:
    got = cost(Usage(prompt_tokens=100, cached_tokens=500), PRICE)
    assert got.input == 0 and got.cached_input == Decimal("0.0000075")


def test_every_figure_is_decimal() -> None:
    got = cost(CASES[3][1], PRICE)
    assert all(isinstance(v, Decimal) for v in (got.input, got.cached_input, got.output, got.reasoning, got.total))


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("0", "$0.00"),
        ("0.0000001", "<$0.000001"),
        ("0.000123", "$0.000123"),
        ("0.0009706", "$0.000971"),
        ("0.1", "$0.10"),
        ("0.5", "$0.50"),
        ("0.12345678", "$0.123457"),
        ("1.234", "$1.23"),
        ("1.235", "$1.24"),
        ("1234.5", "$1,234.50"),
        ("-0.25", "-$0.25"),
    ],
)
def test_format_usd(amount: str, text: str) -> None:
    assert format_usd(Decimal(amount)) == text


# ---- workloads, projections and measured usage ------------------------------------------------------------


def test_projection_per_request_day_and_month() -> None:
    work = Workload(input_tokens=1000, output_tokens=500, reasoning_tokens=1000)
    got = project(work, PRICE, Volume(requests_per_day=100, days_per_month=30))
    assert got.per_request.total == Decimal("0.00105")
    assert (got.per_day.input, got.per_day.output, got.per_day.reasoning) == (
        Decimal("0.03"),
        Decimal("0.025"),
        Decimal("0.05"),
    )
    assert got.per_day.total == Decimal("0.105")
    assert got.per_month.total == Decimal("3.15")


def test_workload_usage_uses_the_xai_convention() -> None:
    usage = Workload(input_tokens=10, cached_tokens=4, output_tokens=3, reasoning_tokens=7).usage()
    assert (usage.output_tokens, usage.answer_tokens, usage.cached_tokens) == (10, 3, 4)


def xai(**counts: int) -> Usage:
    return Usage(**counts, reasoning_included=False)


def reply(effort: str | None, usage: Usage | None) -> Reply:
    params = {"reasoning_effort": effort} if effort else {}
    return Reply(model_id=GROK_3_MINI.id, provider_id="offline", params=params, usage=usage)


def test_measured_averages_skip_replies_without_usage_and_round_half_up() -> None:
    replies = [
        reply("low", Usage(prompt_tokens=100, completion_tokens=40, reasoning_tokens=30, cached_tokens=10)),
        reply("low", None),
        reply("high", xai(prompt_tokens=201, completion_tokens=11, reasoning_tokens=90)),
    ]
    got = measure_replies(replies)
    assert got.replies == 2
    # answers: 40 - 30 = 10 (OpenAI style) and 11 (xAI style); means 150.5, 5, 10.5, 60
    assert got.workload == Workload(input_tokens=151, cached_tokens=5, output_tokens=11, reasoning_tokens=60)
    assert measure_replies([reply("low", None)]) is None


def test_measured_by_effort_groups_replies() -> None:
    replies = [
        reply("low", xai(prompt_tokens=10, completion_tokens=5, reasoning_tokens=100)),
        reply("high", xai(prompt_tokens=10, completion_tokens=5, reasoning_tokens=900)),
        reply("high", xai(prompt_tokens=10, completion_tokens=5, reasoning_tokens=700)),
        reply(None, Usage(prompt_tokens=10, reasoning_tokens=5)),
    ]
    got = measure_by_effort(replies)
    assert set(got) == {"low", "high"}
    assert (got["low"].replies, got["low"].workload.reasoning_tokens) == (1, 100)
    assert (got["high"].replies, got["high"].workload.reasoning_tokens) == (2, 800)
