"""Sending a turn: checks before sending, the streaming loop with coalesced rendering, and the reply record."""

from __future__ import annotations

import os
import time

import streamlit as st

from components import persist, state
from components.chat.tool_cards import LiveCards
from components.settings import Settings, secrets
from components.state import conversation
from playground.chat.coalesce import Coalescer, settled_end
from playground.chat.conversation import Conversation
from playground.chat.errors import NotAllowed, PlaygroundError
from playground.chat.events import ReasoningDelta, TextDelta
from playground.chat.markdown import balance
from playground.chat.pending import PendingReply
from playground.chat.turn import ReplyBuilder
from playground.facts import providers
from playground.money.cache import prompt_prefix
from playground.money.cache_forecast import with_system
from playground.text import plain
from playground.tools.settings import ToolSettings, may_continue, mock_answers
from playground.wire.http import check_config
from playground.wire.protocols import build_plan, stream_events
from playground.wire.request import RequestPlan

SETTLE_TICK = 1.0  # seconds between checks for a reply stopped by the chat input's stop (see _settle_after_stop)
PAINT_PAUSE = 0.1  # seconds between the last words and the rerun that redraws the page (see _Live.let_paint)


def request_reply() -> None:
    """Ask the next run to stream a reply to the conversation as it stands."""
    state.set_reply_pending(True)
    state.clear_error()


def _sent_params(plan: RequestPlan, settings: Settings) -> dict[str, object]:
    keys = (
        "temperature",
        "max_tokens",
        "top_p",
        "frequency_penalty",
        "presence_penalty",
        "stop",
        "stop_sequences",
    )
    sent = {k: plan.body[k] for k in keys if k in plan.body}
    sent["reasoning_effort"] = settings.params.reasoning_effort if "reasoning_effort" not in plan.omitted else None
    sent["system"] = settings.params.system
    sent["protocol"] = settings.protocol
    return sent


def _check_url(settings: Settings) -> None:
    config = settings.config
    if config.provider.offline:
        return
    check_config(config)  # a bad key or URL, said precisely
    if not providers.base_url_allowed(config.base_url, os.environ, secrets()):
        raise NotAllowed(f"This deployment does not allow requests to {config.base_url}.")


def _continue(conv: Conversation, tools: ToolSettings) -> None:
    """After a reply with calls: answer them with the saved mocks when the switch is on, and ask the model to go
    on while the round limit allows (otherwise the user answers each call under its card)."""
    answers = mock_answers(conv.unanswered(), tools)
    if answers is None:
        return
    for call, content in answers:
        conv.add_tool_result(call.id, content, call.name)
    if may_continue(conv.rounds_in_turn(), tools):
        request_reply()
    else:
        state.set_notice(
            "warning",
            f"Stopped after {tools.round_limit} tool rounds in this turn (the round limit): the results are in; "
            "send a message or raise the limit to go on.",
        )


class _Segments:
    """A growing Markdown text drawn as settled pieces plus a live tail, so each flush redraws only the tail.

    Redrawing the whole text on every flush costs the browser time that grows with the text (a 60 kB answer takes
    a few hundred ms to re-render); settled pieces are drawn once and never sent again.
    """

    def __init__(self, box: st.delta_generator.DeltaGenerator) -> None:
        self.box = box
        self.tail = box.empty()
        self.settled = 0  # characters of the text already drawn for good

    def draw(self, text: str) -> None:
        cut = settled_end(text, start=self.settled)
        if cut > self.settled:
            self.tail.markdown(state.model_markdown(text[self.settled : cut]))
            self.tail = self.box.empty()
            self.settled = cut
        self.tail.markdown(state.model_markdown(balance(text[self.settled :])))  # open markup closed for display


@st.fragment(run_every=SETTLE_TICK)
def _settle_after_stop() -> None:
    """Drawn with the live reply. The chat input's own stop ends the run and starts none; the next tick finds the
    reply recorded and reruns the page, which draws it settled (and no longer draws this)."""
    pending = st.session_state.get(state.LIVE_REPLY)
    if pending is not None and pending.done:
        st.rerun(scope="app")


class _Live:
    """The live reply's placeholders: a notice line, its Stop button, the thinking block and the answer."""

    def __init__(self) -> None:
        with st.chat_message("assistant"):
            self.notice = st.empty()
            # Any click reruns the page, which ends this run at its next draw; the next run settles the reply
            # (state.settle_reply), so Stop needs no callback. It works wherever the reply started.
            st.button("Stop", icon=":material/stop:", key="stop_reply", help="Stop this reply; what came is kept.")
            _settle_after_stop()
            self.thinking_slot = st.empty()
            self.answer = _Segments(st.container())
            self.cards = LiveCards(st.container())
        self.status = None
        self.thinking: _Segments | None = None
        self.coalescer = Coalescer()
        self.shown = -1
        self.counted = [0, 0]  # text and reasoning parts already in self.sizes
        self.sizes = [0, 0]  # characters of text and reasoning so far

    def _tail(self, builder: ReplyBuilder) -> int:
        """Characters a flush would redraw; sizes grow by the new parts only (a join per event is quadratic)."""
        for i, parts in enumerate((builder.text_parts, builder.reasoning_parts)):
            if len(parts) != self.counted[i]:
                self.sizes[i] += sum(len(p) for p in parts[self.counted[i] :])
                self.counted[i] = len(parts)
        if builder.calls and not builder.text_parts:  # a call's card redraws its whole argument text
            return sum(c.size for c in builder.calls.pending)
        if builder.text_parts or self.thinking is None:
            return self.sizes[0] - self.answer.settled
        return self.sizes[1] - self.thinking.settled

    def let_paint(self) -> None:
        """Give the browser a moment to paint the last words on their own before the page is redrawn.

        Sent together with the rerun's messages they wait for the whole page to render: 0.2-0.5 s later at the end
        of a fast 2,000-token answer (benchmarks/bench_render_lag.py), where a pause halves that.
        """
        if self.shown >= 0:
            time.sleep(PAINT_PAUSE)

    def show(self, builder: ReplyBuilder, *, final: bool = False) -> None:
        if builder.version == self.shown:
            return
        tail = self._tail(builder)
        if not final and not self.coalescer.due(tail):
            return
        self.shown = builder.version
        if builder.reasoning_parts and self.status is None:
            self.status = self.thinking_slot.status("Thinking…", expanded=True)
            self.thinking = _Segments(self.status)
        if self.thinking is not None and not builder.text_parts:
            self.thinking.draw(builder.reasoning)
        if builder.text_parts:
            if self.status is not None and self.thinking is not None:
                self.thinking.draw(builder.reasoning)
                self.status.update(
                    label=f"Thought for {builder.reasoning_seconds() or 0:.1f} s", state="complete", expanded=False
                )
                self.thinking = None
            self.answer.draw(builder.text)
        if builder.calls:
            self.cards.draw(builder.calls.pending)


def _seconds(wait: float) -> str:
    """A wait as the user reads it, to a tenth: "3 s", "0.4 s" (a 0.4 s backoff is not "0 s")."""
    return f"{round(wait, 1):g} s"


def generate(settings: Settings) -> None:
    """Stream one reply into the page; the reply (complete, stopped or failed) always lands in the history."""
    state.set_reply_pending(False)
    conv = conversation()
    save, refused = persist.prepare(settings)  # before the stream: session state is unusable after a stop
    if refused:
        state.set_notice("error", refused)
        st.rerun()
    chat = settings.state.with_history(conv.history()).evolve(conversation_id=conv.cache_id)
    conv.sent_prompt = prompt_prefix(with_system(chat.params.system, chat.history))  # for the cache prediction
    plan = build_plan(chat)
    builder = ReplyBuilder(
        model=settings.model,
        provider_id=settings.config.provider.id,
        params=_sent_params(plan, settings),
        messages=plan.body["messages"],
        estimated=settings.config.provider.offline,
        tools=chat.tools.tools,
        extra_tokens=chat.tools.extra_tokens(),
    )
    pending = PendingReply(conv=conv, builder=builder, response_format=chat.tools.response_format, save=save)
    state.set_live_reply(pending)  # before the first draw: a click from here on reruns while this run unwinds
    status, error = "stopped", None  # anything that unwinds the loop without finishing is a stop
    events = None
    try:
        live = _Live()
        _check_url(settings)
        with state.stream_guard().hold():  # one reply at a time per session
            events = stream_events(
                chat,
                plan,
                on_retry=lambda n: live.notice.info(
                    f"{plain(n.error.message)} Retrying in {_seconds(n.wait_seconds)} (attempt {n.attempt + 1}).",
                    icon=":material/autorenew:",
                ),
            )
            for event in events:
                if isinstance(event, TextDelta | ReasoningDelta) and builder.first_token is None:
                    live.notice.empty()
                builder.feed(event)
                live.show(builder)
            status = None
            live.show(builder, final=True)
            live.let_paint()
    except PlaygroundError as exc:
        status, error = "error", exc
    finally:
        # No st.* call and no session state here: after a stop either raises again. The reply is recorded (and
        # handed to the background writer) once, by this run or by the next one if this one is too slow to let go.
        try:
            if events is not None:
                events.close()  # closes the HTTP response: a stopped reply stops being generated and billed
            pending.record(status=status, error=error)
        finally:
            pending.release()
    state.set_live_reply(None)
    if error is not None:
        state.set_error(error)
    else:
        _continue(conv, chat.tools)
    st.rerun()
