"""Variants with tools and a response format: sent per variant, tool calls and format verdicts kept per column,
test-set JSON checks held to each variant's own schema; and every reply priced the playground's way."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from decimal import Decimal

import pandas as pd
from experiments_util import known_usage_handler, variant
from loopback import LoopbackServer, sse, sse_reply

from playground.chat.events import Usage
from playground.chat.turn import ReplyBuilder
from playground.experiments import checks
from playground.experiments.run import compare, run_one
from playground.experiments.testrun import EvalRun
from playground.experiments.variant import Variant
from playground.facts.catalog import GROK_3_MINI, MODELS, RELATED
from playground.facts.providers import resolve
from playground.money.pricing import cost
from playground.money.related import price_for
from playground.tools.examples import EXAMPLE_TOOLS, STARTING_SCHEMAS
from playground.tools.response_format import ResponseFormat
from playground.tools.settings import ToolSettings

WEATHER = ToolSettings(tools=EXAMPLE_TOOLS[:1])
EXTRACT = ToolSettings(response_format=ResponseFormat("json_schema", "extraction", STARTING_SCHEMAS["extraction"]))


def _answers(text: str):  # noqa: ANN202 - a loopback handler
    def handle(req: object) -> object:
        chunk = {"choices": [{"index": 0, "delta": {"content": text}}]}
        done = {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        return sse_reply(sse(chunk, done))

    return handle


def offline(label: str, tools: ToolSettings | None = None) -> Variant:
    return Variant(label, resolve("offline", env={}), GROK_3_MINI, tools=tools or ToolSettings())


def _stop() -> threading.Event:
    return threading.Event()


def test_each_variant_sends_its_own_tools_and_format() -> None:
    with LoopbackServer(known_usage_handler()) as server:
        plain = variant(server, "Plain")
        tools = replace(variant(server, "Tools"), tools=WEATHER)
        fmt = replace(variant(server, "Schema"), tools=EXTRACT)
        run = compare([plain, tools, fmt], [{"role": "user", "content": "hi"}])
        assert run.wait(10)
    bodies = {json.dumps(r.json().get("tools")): r.json() for r in server.requests}
    assert len(server.requests) == 3
    sent_tools = [b.get("tools") for b in bodies.values()]
    assert [t["function"]["name"] for t in next(t for t in sent_tools if t)] == ["get_weather"]
    formats = [r.json().get("response_format") for r in server.requests]
    assert sorted(str((f or {}).get("type")) for f in formats) == ["None", "None", "json_schema"]
    assert [o.calls for o in run.outcomes()] == [(), (), ()]


def test_offline_variant_with_a_tool_keeps_the_call_as_its_output() -> None:
    history = [{"role": "user", "content": "What is the weather in Paris?"}]
    outcome = run_one(offline("Tools", WEATHER), history, stop=_stop())
    assert outcome.error is None and outcome.reply.status == "complete"
    assert [c.name for c in outcome.calls] == ["get_weather"]
    assert outcome.calls[0].valid
    called = json.loads(outcome.output())
    assert called[0]["function"]["name"] == "get_weather"
    assert "Paris" in called[0]["function"]["arguments"]
    assert outcome.format_check is None  # a tool call is not an answer to check


def test_offline_variant_with_a_schema_answers_valid_json() -> None:
    history = [{"role": "user", "content": "Extract the people: Ada met Alan in London."}]
    outcome = run_one(offline("Schema", EXTRACT), history, stop=_stop())
    assert outcome.error is None
    assert outcome.format_check is not None and outcome.format_check.valid, outcome.text
    plain = run_one(offline("Plain"), history, stop=_stop())
    assert plain.format_check is None  # text mode: nothing to check


def test_json_check_holds_each_variant_to_its_own_schema() -> None:
    frame = pd.DataFrame({"q": ["Extract the people: Ada met Alan.", "Extract: Grace in Arlington."]})
    schema_variant, plain_variant = offline("Schema", EXTRACT), offline("Plain")
    run = EvalRun(variants=[schema_variant, plain_variant], rows=frame, prompt="{{q}}", check=checks.Check("json"))
    run.start()
    assert run.wait(30)
    by_variant = {v: [c.verdict.passed for c in run.cells if c.variant == v] for v in (0, 1)}
    assert by_variant[0] == [True, True]  # JSON valid for the extraction schema
    assert by_variant[1] == [False, False]  # the plain variant answers prose: not JSON at all
    with LoopbackServer(_answers('{"other": 1}')) as server:  # JSON, but not what the variant's schema asks
        off_schema = replace(variant(server, "Off schema"), tools=EXTRACT)
        run = EvalRun(variants=[off_schema], rows=frame, prompt="{{q}}", check=checks.Check("json"))
        run.start()
        assert run.wait(30)
    assert [c.verdict.passed for c in run.cells] == [False, False]
    assert all("schema" in c.verdict.detail for c in run.cells)
    a_wrong_schema = {"type": "object", "required": ["nowhere"]}
    strict = EvalRun(
        variants=[schema_variant],
        rows=frame,
        prompt="{{q}}",
        check=checks.Check("json", schema=a_wrong_schema),
    )
    strict.start()
    assert strict.wait(30)
    assert [c.verdict.passed for c in strict.cells] == [False, False]  # a typed schema wins over the variant's


def test_a_model_without_a_catalogue_price_is_priced_as_in_the_playground() -> None:
    model = next(m for m in RELATED if m.price is None and price_for(m) is not None)
    usage = Usage(prompt_tokens=1_000, completion_tokens=2_000)
    builder = ReplyBuilder(model=model, provider_id="modelslab", params={}, messages=[])
    builder.feed(usage)
    reply = builder.finish()
    assert reply.cost is not None and reply.cost.total == cost(usage, price_for(model)).total > Decimal(0)
    assert "genai-prices" in reply.price_note
    unknown = replace(MODELS[GROK_3_MINI.id], id="typed-by-hand", price=None, genai_prices_ref=None)
    builder = ReplyBuilder(model=unknown, provider_id="custom", params={}, messages=[])
    builder.feed(usage)
    assert builder.finish().cost is None  # a name the catalogue does not know is not guessed at
