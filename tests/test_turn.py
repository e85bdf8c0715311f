"""The reply record: timings, billed or estimated usage, cost, status; coalescing; export without keys."""

import json
from decimal import Decimal

from playground.chat.coalesce import Coalescer
from playground.chat.conversation import Conversation
from playground.chat.errors import StreamBroken
from playground.chat.events import Finish, ReasoningDelta, TextDelta, Usage
from playground.chat.export import to_json, to_markdown
from playground.chat.turn import ReplyBuilder
from playground.facts import catalog
from playground.facts.params import DEFAULTS
from playground.money.tokens import count_messages, count_tokens


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def builder(clock, **kwargs):
    return ReplyBuilder(
        model=catalog.GROK_3_MINI,
        provider_id="xai",
        params={"temperature": 0.7},
        messages=[{"role": "user", "content": "Hi there"}],
        clock=clock,
        **kwargs,
    )


def test_timings_usage_and_cost_from_the_stream():
    clock = Clock()
    b = builder(clock)
    clock.now += 0.5
    b.feed(ReasoningDelta("Let me think."))
    clock.now += 1.5
    b.feed(TextDelta("Hello"))
    clock.now += 1.0
    b.feed(Finish("stop"))
    b.feed(Usage(prompt_tokens=1000, completion_tokens=100, reasoning_tokens=300, reasoning_included=False))
    reply = b.finish()
    assert b.text == "Hello" and reply.reasoning == "Let me think."
    t = reply.timings
    assert (t.first_token, t.first_answer_token, t.total, t.reasoning_seconds) == (0.5, 2.0, 3.0, 1.5)
    assert t.tokens_per_second == 400 / 2.5
    assert reply.status == "complete" and reply.finish_reason == "stop"
    assert reply.cost.input == Decimal("0.0003") and reply.cost.reasoning == Decimal("0.00015")
    assert reply.cost.output == Decimal("0.00005") and reply.cost.total == Decimal("0.0005")
    assert not reply.usage.estimated


def test_no_usage_from_the_server_means_an_estimate_labelled_as_such():
    b = builder(Clock())
    b.feed(ReasoningDelta("thinking hard"))
    b.feed(TextDelta("The answer is 42."))
    reply = b.finish()
    u = reply.usage
    assert u.estimated
    assert u.prompt_tokens == count_messages([{"role": "user", "content": "Hi there"}])
    assert u.reasoning_tokens == count_tokens("thinking hard")
    assert u.output_tokens == count_tokens("The answer is 42.") + count_tokens("thinking hard")


def test_offline_usage_is_labelled_estimated_and_length_is_a_status():
    b = builder(Clock(), estimated=True)
    b.feed(TextDelta("x"))
    b.feed(Finish("length"))
    b.feed(Usage(prompt_tokens=5, completion_tokens=1))
    reply = b.finish()
    assert reply.usage.estimated and reply.status == "length"


def test_stopped_and_failed_replies():
    b = builder(Clock())
    b.feed(TextDelta("partial"))
    assert b.finish(status="stopped").status == "stopped"
    err = StreamBroken("The stream broke.", partial_text="partial")
    reply = b.finish(error=err)
    assert reply.status == "error" and "The stream broke." in reply.error and reply.finish_reason == "error"


def test_coalescer_flushes_at_once_then_spaces_out_with_size():
    clock = Clock()
    c = Coalescer(floor=0.02, per_char=1e-5, ceiling=0.5, clock=clock)
    assert c.due(10)
    assert not c.due(10)
    clock.now += 0.021
    assert c.due(10)
    assert c.gap(100_000) == 0.5 and c.gap(10_000) == 0.1 and c.gap(1) == 0.02
    clock.now += 0.05
    assert not c.due(10_000)
    clock.now += 0.06
    assert c.due(10_000)


def test_export_has_per_reply_usage_cost_and_no_key():
    conv = Conversation()
    conv.add_user("What is 2+2? my key is sk-sentinel-9999")
    b = builder(Clock())
    b.feed(TextDelta("4"))
    b.feed(Usage(prompt_tokens=10, completion_tokens=2))
    conv.add_assistant(b.text, b.finish())
    doc = json.loads(
        to_json(
            conv,
            params=DEFAULTS,
            model_id="x-ai-grok-3-mini-beta",
            provider_id="xai",
            secrets=("sk-sentinel-9999",),
        )
    )
    assert doc["messages"][0]["role"] == "system" and doc["messages"][-1] == {"role": "assistant", "content": "4"}
    rec = doc["replies"][0]
    assert rec["message_index"] == 2 and rec["usage"]["prompt_tokens"] == 10
    assert Decimal(rec["cost"]["total"]) == Decimal(10 * 0.30 + 2 * 0.50) / 1_000_000
    assert rec["status"] == "complete" and rec["timings"]["total"] is not None
    assert doc["parameters"]["temperature"] == 0.7
    md = to_markdown(conv, params=DEFAULTS, model_id="m", secrets=("sk-sentinel-9999",))
    for text in (json.dumps(doc), md):
        assert "sk-sentinel-9999" not in text
    assert "## Assistant" in md and "cost $" in md
