"""A stopped reply lands once and settles: the next run draws it recorded, as Markdown, with its strip and actions.

A click during a stream (Stop, or any other) starts the next run while the streaming one still unwinds
(``runner.fastReruns``). These tests play that race with a real ``PendingReply`` and a second thread; the browser
tests (tests/browser/test_journeys.py, chat section) click the real Stop button.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from apptest_util import captions, chat, run, start_app

from components import state
from playground.chat.conversation import Conversation
from playground.chat.events import ReasoningDelta, TextDelta
from playground.chat.markdown import balance
from playground.chat.pending import PendingReply
from playground.chat.turn import ReplyBuilder
from playground.facts.catalog import GROK_3_MINI
from playground.money.pricing import format_usd
from playground.tools.response_format import ResponseFormat

PROMPT = "Explain quantum computing in simple terms"
PARTIAL = "**This is the offline engine,"


@pytest.mark.parametrize(
    ("cut", "drawn"),
    [
        ("**This is the offline engine,", "**This is the offline engine,**"),
        ("**This is the offline engine, ", "**This is the offline engine,** "),  # a closer may not follow a space
        ("Done **well** and", "Done **well** and"),
        ("a dangling **", "a dangling"),
        ("x *it and ~~gone", "x *it and ~~gone~~*"),
        ("Use `pip ins", "Use `pip ins`"),
        ("Run ``a ` b", "Run ``a ` b``"),
        ('```json\n{"a": 1,', '```json\n{"a": 1,\n```'),
        ("* one\n* two **bo", "* one\n* two **bo**"),
        ("**a**\n\n**b", "**a**\n\n**b**"),
        ("2 * 3 and snake_case_name", "2 * 3 and snake_case_name"),
        (r"an escaped \*star", r"an escaped \*star"),
    ],
)
def test_markdown_cut_mid_stream_is_closed_for_drawing(cut: str, drawn: str) -> None:
    assert balance(cut) == drawn


def _pending(conv: Conversation, saved: list[int]) -> PendingReply:
    builder = ReplyBuilder(
        model=GROK_3_MINI, provider_id="offline", params={}, messages=[{"role": "user", "content": PROMPT}],
        estimated=True,
    )  # fmt: skip
    builder.feed(ReasoningDelta("the user asked about quantum computing"))
    builder.feed(TextDelta(PARTIAL))
    return PendingReply(
        conv=conv, builder=builder, response_format=ResponseFormat(), save=lambda c: saved.append(len(c.messages))
    )


def _conversation() -> Conversation:
    conv = Conversation()
    conv.add_user(PROMPT)
    return conv


def test_the_reply_is_recorded_once_whichever_run_gets_there_first() -> None:
    conv, saved = _conversation(), []
    pending = _pending(conv, saved)
    assert pending.record(status="stopped") is True
    assert pending.record(status=None) is False  # the other run finds it recorded: no second copy
    assert [m.role for m in conv.messages] == ["user", "assistant"]
    assert conv.messages[1].content == PARTIAL and conv.messages[1].reply.status == "stopped"
    assert saved == [2]  # saved once, with the reply in it


def test_the_next_run_waits_for_the_stopped_stream_to_record_its_reply() -> None:
    conv, saved = _conversation(), []
    pending = _pending(conv, saved)
    recorded_by: list[str] = []

    def unwind() -> None:  # the streaming run, reaching its next draw a moment after the click
        time.sleep(0.3)
        if pending.record(status="stopped"):
            recorded_by.append("stream")
        pending.release()

    result: list[bool] = []
    streamer = threading.Thread(target=unwind)
    streamer.start()
    next_run = threading.Thread(target=lambda: result.append(pending.settle(wait=10)))
    next_run.start()
    next_run.join()
    assert result == [True] and recorded_by == ["stream"]  # it waited for the stream to record its reply
    streamer.join()
    assert [m.role for m in conv.messages] == ["user", "assistant"]


def test_a_stream_that_never_lets_go_is_recorded_as_stopped_by_the_next_run() -> None:
    conv, saved = _conversation(), []
    pending = _pending(conv, saved)
    started = time.monotonic()
    result: list[bool] = []  # settled from another thread than the (never releasing) owner's
    stuck = threading.Thread(target=lambda: result.append(pending.settle(wait=0.2)))
    stuck.start()
    stuck.join()
    assert result == [True] and time.monotonic() - started < 5
    assert conv.messages[-1].reply.status == "stopped" and conv.messages[-1].content == PARTIAL
    assert pending.record(status="stopped") is False and saved == [2]


def test_the_streaming_run_never_waits_on_itself() -> None:
    conv, saved = _conversation(), []
    pending = _pending(conv, saved)
    started = time.monotonic()
    assert pending.settle(wait=5) is False
    assert time.monotonic() - started < 1 and len(conv.messages) == 1


def test_the_page_after_a_stop_draws_the_reply_settled_even_while_the_stream_still_unwinds() -> None:
    conv, saved = _conversation(), []
    pending = _pending(conv, saved)

    def unwind() -> None:
        time.sleep(0.5)
        pending.record(status="stopped")
        pending.release()

    streamer = threading.Thread(target=unwind)
    streamer.start()
    at = start_app(**{state.CONVERSATION: conv, state.LIVE_REPLY: pending})
    streamer.join()
    messages = chat(at)
    assert [m[0] for m in messages] == ["user", "assistant"]
    answer = messages[1][1]
    assert "**This is the offline engine,**" in answer  # closed: drawn bold, never a raw "**"
    text = captions(at)
    assert "Stopped: the partial reply is kept." in text
    assert "finish stopped" in text and "estimated tokens in" in text
    cost = conv.messages[1].reply.cost.total
    assert cost > Decimal(0)
    # the footer counts it (an offline reply: what it would cost, nothing spent)
    assert f"Last reply offline, nothing spent (would cost {format_usd(cost)}" in text
    assert "nothing spent so far" in text
    assert at.button(key="regenerate").disabled is False  # the action row is drawn
    assert state.LIVE_REPLY not in at.session_state
    assert saved == [2]
    run(at)  # a later run draws the same page: the reply was recorded once
    assert [m[0] for m in chat(at)] == ["user", "assistant"]
