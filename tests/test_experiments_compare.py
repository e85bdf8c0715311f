"""One prompt to several variants at once: exact per-variant costs and differences, Stop, error isolation."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

from experiments_util import known_cost, known_usage_handler, variant
from loopback import LoopbackServer, sse_reply

from playground.experiments.diff import Difference, describe, difference, signed_usd
from playground.experiments.run import CompareRun, compare, run_one
from playground.experiments.variant import STARTING_SETS, Variant, related_model
from playground.facts import providers
from playground.facts.catalog import GROK_3_MINI, RELATED
from playground.facts.params import GenerationParams

HISTORY = [{"role": "user", "content": "Why is the sky blue?"}]


def test_two_efforts_stream_with_exact_costs_and_difference() -> None:
    with LoopbackServer(known_usage_handler()) as server:
        low, high = STARTING_SETS["Reasoning effort low vs high"](variant(server))
        run = compare([low, high], HISTORY)
        assert run.wait(10)
    a, b = run.outcomes()
    assert a is not None and b is not None
    assert [r.json()["reasoning_effort"] for r in server.requests] in (["low", "high"], ["high", "low"])
    assert a.text == b.text == "echo: Why is the sky blue?"
    assert a.reply.cost.total == known_cost(100) == Decimal("0.000086")
    assert b.reply.cost.total == known_cost(1340) == Decimal("0.000706")
    diff = difference(a.reply, b.reply)
    assert (diff.reasoning_tokens, diff.output_tokens, diff.input_tokens) == (1240, 1240, 0)
    assert diff.cost == Decimal("0.00062")
    assert describe(diff).startswith("+1,240 reasoning tokens, +$0.00062, ")
    assert a.reply.status == b.reply.status == "complete"
    assert a.reply.params["reasoning_effort"] == "low" and b.reply.params["reasoning_effort"] == "high"


def test_describe_matches_the_issue_wording() -> None:
    diff = Difference(0, 1240, 1240, Decimal("0.0006"), 2.1)
    assert describe(diff) == "+1,240 reasoning tokens, +$0.0006, +2.1 s"
    assert describe(Difference(0, -12, 0, Decimal("-0.000125"), -0.04)) == "-12 output tokens, -$0.000125, -0.0 s"
    assert signed_usd(Decimal(0)) == "+$0.00"


def test_each_variant_streams_into_its_own_sink() -> None:
    class Recorder:
        def __init__(self) -> None:
            self.events: list[object] = []

        def feed(self, event: object) -> None:
            self.events.append(event)

    sinks = [Recorder(), Recorder()]
    with LoopbackServer(known_usage_handler()) as server:
        t02, t10 = STARTING_SETS["Temperature 0.2 vs 1.0"](variant(server))
        run = CompareRun([t02, t10], HISTORY, sinks=sinks).start()
        assert run.wait(10)
    temps = sorted(r.json()["temperature"] for r in server.requests)
    assert temps == [0.2, 1.0]
    for sink, lane in zip(sinks, run.lanes, strict=True):
        assert "".join(getattr(e, "text", "") for e in sink.events if type(e).__name__ == "TextDelta") == (
            lane.outcome.text
        )
        assert lane.builder is not None and lane.builder.text == lane.outcome.text


def test_an_error_in_one_variant_leaves_the_others_running() -> None:
    with LoopbackServer(known_usage_handler(fail_at=1.0)) as server:
        good, bad = STARTING_SETS["Temperature 0.2 vs 1.0"](variant(server))
        run = compare([good, bad], HISTORY)
        assert run.wait(10)
    ok, failed = run.outcomes()
    assert ok.reply.status == "complete" and ok.text == "echo: Why is the sky blue?"
    assert failed.reply.status == "error" and failed.error is not None and failed.error.param == "temperature"
    assert "sk-test-secret" not in (failed.reply.error or "")


def test_stop_stops_every_variant_and_closes_the_streams() -> None:
    with LoopbackServer(known_usage_handler(delay=0.05, pieces=200)) as server:
        run = compare(
            [variant(server, "A"), variant(server, "B"), variant(server, "C", temperature=0.1)],
            [{"role": "user", "content": "x" * 400}],
        )
        deadline = time.monotonic() + 10
        while not all(lane.builder is not None and lane.builder.text for lane in run.lanes):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        run.stop()
        assert run.wait(5)
        sent = server.chunks_sent
        time.sleep(0.3)
        # Not closed, the three streams would send 18 more pieces in 0.3 s; closed, each may still get one or two
        # writes into its socket buffer before the peer's reset arrives (9 seen under load).
        assert server.chunks_sent <= sent + 6  # the server saw the connections close and stopped sending
    for outcome in run.outcomes():
        assert outcome.reply.status == "stopped" and 0 < len(outcome.text) < len("echo: " + "x" * 400)
    assert sent < 3 * 200


def test_stop_event_is_checked_between_events() -> None:
    stop = threading.Event()
    stop.set()
    with LoopbackServer(known_usage_handler(pieces=50)) as server:
        outcome = run_one(variant(server), HISTORY, stop=stop)
    assert outcome.reply.status == "stopped" and outcome.error is None
    assert len(outcome.text) <= 2  # at most the first piece arrived


def test_refused_base_url_is_an_error_in_its_column_only() -> None:
    with LoopbackServer(known_usage_handler()) as server:
        run = CompareRun(
            [variant(server, "A"), variant(server, "B")], HISTORY, allow=lambda url: url.endswith("/never")
        ).start()
        assert run.wait(5)
    assert all(o.reply.status == "error" and "does not allow" in o.reply.error for o in run.outcomes())
    assert server.requests == []


def test_offline_engine_with_no_key() -> None:
    config = providers.resolve(env={})
    assert config.provider.offline
    base = Variant("Offline", config, GROK_3_MINI, GenerationParams(max_tokens=300))
    run = compare(STARTING_SETS["Reasoning effort low vs high"](base), HISTORY)
    assert run.wait(20)
    for outcome in run.outcomes():
        assert outcome.reply.status in ("complete", "length") and outcome.text
        assert outcome.reply.usage.estimated and outcome.reply.cost.total > 0


def test_related_model_set_uses_the_catalogue_and_a_known_price() -> None:
    config = providers.resolve(env={})
    first, other = STARTING_SETS["This model vs a related model"](Variant("x", config, GROK_3_MINI))
    assert RELATED[0].id == "openai-gpt-5.5"  # priced by prompt-size tiers: no flat price, so skipped
    assert (first.model, other.model) == (GROK_3_MINI, RELATED[1])
    assert first.label == GROK_3_MINI.name and other.label == RELATED[1].name
    assert other.params == first.params
    assert other.priced_model().price is not None
    assert related_model(first, RELATED[0])[1].priced_model().price is None
    assert "sk-" not in repr(first)


def test_variants_on_both_wire_protocols_side_by_side() -> None:
    from anthropic_util import FULL_STREAM, events

    from playground.facts.providers import MODELSLAB, ProviderConfig

    openai_side = known_usage_handler()

    def handle(req):  # noqa: ANN001, ANN202 - a loopback handler
        return sse_reply(events(*FULL_STREAM)) if req.path.endswith("/messages") else openai_side(req)

    with LoopbackServer(handle) as server:
        chat = variant(server, "Chat Completions")
        messages = Variant(
            "Messages",
            ProviderConfig(MODELSLAB, server.url, "sk-ant-test", "x-api-key"),
            GROK_3_MINI,
            protocol="anthropic",
        )
        run = compare([chat, messages], HISTORY)
        assert run.wait(10)
    a, b = run.outcomes()
    assert sorted(r.path for r in server.requests) == ["/v1/chat/completions", "/v1/messages"]
    assert a.reply.cost.total == known_cost(0) and b.text == "One, two, three."
    # 28 input tokens (5 of them cached at $0.075) and 42 output tokens at the grok-3-mini price
    assert b.reply.cost.total == Decimal("0.000028275")
    assert difference(a.reply, b.reply).cost == Decimal("0.000028275") - known_cost(0)
