"""Model comparison through genai-prices: every related model priced or unknown, never guessed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import genai_prices

from playground.facts.catalog import GROK_3_MINI, MODELS, RELATED
from playground.money.pricing import Workload, cost
from playground.money.related import UNKNOWN, compare, comparison_models, price_for, quote

WORK = Workload(input_tokens=1000, cached_tokens=200, output_tokens=500, reasoning_tokens=1000)
WHEN = datetime(2026, 11, 20, tzinfo=UTC)


def test_every_related_model_is_in_the_comparison_in_page_order() -> None:
    quotes = compare(WORK, when=WHEN)
    assert [q.model for q in quotes] == [GROK_3_MINI, *RELATED]
    assert comparison_models()[0] is GROK_3_MINI


def test_grok_3_mini_quote_equals_our_cost_function() -> None:
    q = quote(GROK_3_MINI, WORK, when=WHEN)
    assert q.per_request == cost(WORK.usage(), GROK_3_MINI.price).total == Decimal("0.001005")
    assert (q.input_mtok, q.cached_mtok, q.output_mtok) == (Decimal("0.3"), Decimal("0.075"), Decimal("0.5"))
    assert q.matched == "x-ai / grok-3-mini"
    assert q.source == "https://docs.x.ai/docs/models"
    assert "genai-prices" in q.as_of


def test_known_quotes_equal_genai_prices_for_the_mapped_model() -> None:
    for q in compare(WORK, when=WHEN):
        if not q.known:
            continue
        provider_id, ref = q.model.genai_prices_ref
        usage = genai_prices.Usage(input_tokens=1000, cache_read_tokens=200, output_tokens=1500)
        expected = genai_prices.calc_price(usage, ref, provider_id=provider_id, genai_request_timestamp=WHEN)
        assert q.per_request == expected.total_price, q.model.id
        assert q.source.startswith("https://"), q.model.id


def test_model_without_a_reference_is_unknown() -> None:
    model = MODELS["deepseek-ai-DeepSeek-R1-Distill-Qwen-1.5B"]
    q = quote(model, WORK)
    assert not q.known and q.per_request is None and q.input_mtok is None
    assert "ModelsLab" in q.note


def test_reference_genai_prices_lacks_is_unknown_not_guessed() -> None:
    model = replace(GROK_3_MINI, genai_prices_ref=("x-ai", "grok-99-imaginary"))
    q = quote(model, WORK)
    assert not q.known and q.per_request is None
    assert "grok-99-imaginary" in q.note
    assert UNKNOWN == "unknown"


def test_tiered_model_is_flagged_and_uses_the_base_tier_for_display() -> None:
    q = quote(MODELS["gemini-2.5-pro"], WORK, when=WHEN)
    assert q.known and q.tiered and "tier" in q.note
    assert q.input_mtok == Decimal("1.25")
    assert price_for(MODELS["gemini-2.5-pro"]) is None  # no single flat price to put in the estimator


def test_free_model_is_priced_at_zero() -> None:
    model = MODELS["nvidia-nemotron-3-nano-30b-a3b-free"]
    assert quote(model, WORK).per_request == 0
    assert price_for(model).input == 0


def test_price_for_prefers_the_catalogue_price() -> None:
    assert price_for(GROK_3_MINI) is GROK_3_MINI.price
    llama = price_for(MODELS["meta-llama-Meta-Llama-3-8B-Instruct-Lite"])
    assert (llama.input, llama.output) == (Decimal("0.1"), Decimal("0.1"))
    assert "together" in llama.source and "genai-prices" in llama.source
    assert price_for(MODELS["Qwen-Qwen2-1.5B"]) is None
