"""The model that really answered: served-by detection, its price (catalogue, genai-prices or none), the export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

import genai_prices
import httpx
import pytest
from loopback import LoopbackServer, sse, sse_reply

from components.chat.pane import reply_details
from playground.chat import export
from playground.chat.conversation import Conversation
from playground.chat.turn import ReplyBuilder
from playground.facts.catalog import GROK_3_MINI, MODELS, Price
from playground.facts.model_names import base_name, catalogue_model, is_asked, safe_name
from playground.facts.params import GenerationParams
from playground.facts.providers import MODELSLAB, OFFLINE, XAI, Provider, ProviderConfig
from playground.money.pricing import cost
from playground.money.related import price_for
from playground.money.served import price_served
from playground.wire.openai_chat import stream_chat
from playground.wire.request import RequestPlan

USAGE = {
    "prompt_tokens": 40_000,
    "completion_tokens": 300,
    "total_tokens": 41_100,
    "completion_tokens_details": {"reasoning_tokens": 800},
    "prompt_tokens_details": {"cached_tokens": 1_000},
}


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=httpx.Timeout(10.0)) as c:
        yield c


def answered_by(served: str, provider: Provider, client: httpx.Client, *, usage: dict = USAGE):
    """Ask a loopback server for Grok 3 Mini through ``provider``; it answers as ``served``; the reply record."""
    chunks = sse(
        {"model": served, "choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": None}]},
        {"model": served, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}], "usage": usage},
    )
    with LoopbackServer(sse_reply(chunks)) as server:
        config = ProviderConfig(provider, server.url + "/v1", "k")
        body = {"model": GROK_3_MINI.name_for(provider.id), "messages": [], "stream": True}
        plan = RequestPlan(server.url + "/v1/chat/completions", {"Content-Type": "application/json"}, body)
        builder = ReplyBuilder(model=GROK_3_MINI, provider_id=provider.id, params={}, messages=[])
        for event in stream_chat(plan, config=config, client=client):
            builder.feed(event)
    return builder.finish()


def genai_total(ref: str, provider_id: str | None, reply_usage) -> Decimal:
    usage = genai_prices.Usage(
        input_tokens=reply_usage.prompt_tokens,
        cache_read_tokens=reply_usage.cached_tokens,
        output_tokens=reply_usage.output_tokens,
    )
    return genai_prices.calc_price(usage, ref, provider_id=provider_id).total_price


def test_a_retired_slug_answered_by_a_newer_model_is_priced_at_the_newer_models_price(client) -> None:
    reply = answered_by("grok-4.3", XAI, client)
    assert reply.served_other and reply.served_model == "grok-4.3" and reply.asked_model == "grok-3-mini"
    assert reply.cost.total == genai_total("grok-4.3", "x-ai", reply.usage)
    assert reply.cost.total > cost(reply.usage, GROK_3_MINI.price).total  # dearer than what was asked
    assert "genai-prices" in reply.price_note and "grok-4.3" in reply.price_note
    strip = "\n".join(reply_details(reply))
    assert "served by `grok-4.3`" in strip and "priced as `grok-4.3`" in strip


def test_a_served_model_in_the_catalogue_uses_the_catalogue_price(client) -> None:
    reply = answered_by("anthropic/claude-3-haiku", MODELSLAB, client)
    model = MODELS["anthropic-claude-3-haiku"]
    assert reply.served_other and reply.cost == cost(reply.usage, price_for(model))
    assert "anthropic/claude-3-haiku" in reply.price_note


def test_a_served_model_nobody_prices_has_no_cost_and_says_so(client) -> None:
    reply = answered_by("mystery-model-9", MODELSLAB, client)
    assert reply.served_other and reply.cost is None
    assert reply.price_note.startswith("cannot price `mystery-model-9`")
    strip = "\n".join(reply_details(reply))
    assert "served by `mystery-model-9`" in strip and "cost unknown" in strip


@pytest.mark.parametrize(
    ("provider", "served"),
    [
        (MODELSLAB, "x-ai-grok-3-mini-beta"),
        (MODELSLAB, "x-ai/grok-3-mini-beta"),  # ModelsLab forwards to OpenRouter: OpenRouter's name
        (XAI, "grok-3-mini"),
        (XAI, "grok-3-mini-latest"),
        (XAI, "grok-3-mini-2025-04-03"),
    ],
)
def test_the_asked_model_under_another_spelling_is_not_served_by_another(provider, served, client) -> None:
    reply = answered_by(served, provider, client)
    assert reply.served_model == served and not reply.served_other and reply.price_note == ""
    assert reply.cost == cost(reply.usage, GROK_3_MINI.price) and "served by" not in "\n".join(
        reply_details(reply)
    )


def test_the_offline_engine_is_a_stand_in_not_another_model() -> None:
    builder = ReplyBuilder(model=GROK_3_MINI, provider_id=OFFLINE.id, params={}, messages=[], estimated=True)
    from playground.chat.events import ServedModel

    builder.feed(ServedModel("offline-engine"))
    reply = builder.finish()
    assert reply.served_model == "offline-engine" and not reply.served_other


def test_the_offline_engine_on_loopback_behind_a_custom_url_is_a_stand_in_too() -> None:
    """``python -m playground.offline.server`` behind the custom provider: priced as the model asked for."""
    from playground.chat.events import ServedModel, Usage

    builder = ReplyBuilder(model=GROK_3_MINI, provider_id="custom", params={}, messages=[])
    builder.feed(Usage(prompt_tokens=10, completion_tokens=5))
    builder.feed(ServedModel("offline-engine"))
    reply = builder.finish()
    assert not reply.served_other and reply.cost == cost(reply.usage, GROK_3_MINI.price)
    assert "served by" not in "\n".join(reply_details(reply))


def test_export_records_the_asked_and_the_served_model(client) -> None:
    conv = Conversation()
    conv.add_user("hi")
    reply = answered_by("grok-4.3", XAI, client)
    conv.add_assistant("Hi", reply)
    doc = json.loads(export.to_json(conv, params=GenerationParams(), model_id=GROK_3_MINI.id, provider_id="xai"))
    record = doc["replies"][0]
    assert (record["asked_model"], record["served_model"], record["served_other"]) == (
        "grok-3-mini",
        "grok-4.3",
        True,
    )
    assert "grok-4.3" in record["price_note"] and Decimal(record["cost"]["total"]) == reply.cost.total
    md = export.to_markdown(conv, params=GenerationParams(), model_id=GROK_3_MINI.id)
    assert "served by grok-4.3" in md


def test_server_text_in_the_model_field_cannot_become_markup() -> None:
    assert safe_name("evil`](javascript:alert(1))<b>x</b>") == "eviljavascript:alert1bx/b"  # no ` [ ] ( ) < >
    assert len(safe_name("a" * 500)) == 100


def test_names_and_catalogue_lookup() -> None:
    assert base_name("Grok-3-Mini-Beta-2025-04-03") == "grok-3-mini"
    assert catalogue_model("openai/gpt-5.5") is MODELS["openai-gpt-5.5"]
    assert catalogue_model("grok-4.3") is None
    assert is_asked(asked=GROK_3_MINI, provider_id="xai", served="")
    assert not is_asked(asked=GROK_3_MINI, provider_id="xai", served="grok-3")


def test_openrouter_billed_cost_stays_the_total_for_another_served_model() -> None:
    from playground.chat.events import Usage

    usage = Usage(prompt_tokens=1000, completion_tokens=100, cost=Decimal("0.0042"))
    got = price_served(usage, name="x-ai/grok-4.3", provider_id="openrouter")
    assert got.cost is not None and got.cost.total == Decimal("0.0042") and got.cost.from_provider


def test_a_switch_target_maps_to_the_catalogue_only_by_its_exact_name() -> None:
    from playground.facts.model_names import catalogue_id

    assert catalogue_id("x-ai/grok-3-mini-beta") == GROK_3_MINI.id
    assert catalogue_id("x-ai-grok-3-mini") == "x-ai-grok-3-mini"  # another model, though the base name is alike


def test_cache_writes_at_the_served_models_own_cache_write_price() -> None:
    from playground.chat.events import Usage

    usage = Usage(prompt_tokens=10_000, completion_tokens=500, cached_tokens=2_000, cache_write_tokens=3_000)
    got = price_served(usage, name="claude-3-haiku", provider_id="custom")
    want = genai_prices.calc_price(
        genai_prices.Usage(
            input_tokens=10_000, cache_read_tokens=2_000, cache_write_tokens=3_000, output_tokens=500
        ),
        "claude-3-haiku",
        provider_id="anthropic",
    ).total_price
    assert got.cost is not None and got.cost.total == want
    writes_at_input = Price(Decimal("0.25"), Decimal("1.25"), Decimal("0.03"))  # the flat reading would be lower
    assert got.cost.total > cost(usage, writes_at_input).total
