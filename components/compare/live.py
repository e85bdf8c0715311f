"""The compare page's run: one prompt to every variant at once, a streaming column each, then results and chart."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components import persist
from components import settings as cfg
from components import state as keys
from components.compare import table
from components.tools import panel
from playground.chat.coalesce import Coalescer, settled_end
from playground.chat.conversation import Reply
from playground.chat.turn import ReplyBuilder
from playground.experiments.diff import describe, difference
from playground.experiments.run import CompareRun, Outcome
from playground.experiments.variant import Variant
from playground.facts import providers
from playground.money.pricing import format_usd
from playground.offline.spend import answered_offline, would_cost

RUNNING = "cmp_running"  # the CompareRun streaming now (kept so a Stop's rerun can collect it)
RESULT = "cmp_result"  # the last finished comparison (Finished)
GO_PLAYGROUND = "cmp_go_playground"  # set by "Continue with this one": the next run opens the playground
REDRAW = 0.005  # seconds between checks of the streaming columns (all flush together when the clock says)
GAP_PER_COLUMN = 0.02  # seconds: the shortest gap between two flushes is this times the number of columns
PIECE = 600  # characters: a column's Markdown is frozen in pieces of at least this size (its tail stays short)
PAINT_PAUSE = 0.1  # seconds between the columns' last words and the results (see ``stream``)


@dataclass(frozen=True, slots=True)
class Finished:
    """A finished (or stopped) comparison: what was sent to which variants, and what came back."""

    variants: tuple[Variant, ...]
    history: tuple[dict[str, str], ...]
    outcomes: tuple[Outcome, ...]
    on_top: bool
    stopped: bool = False  # ended by Stop: what finished and the partial text of the rest are kept


def sidebar_values(v: Variant) -> dict[str, object]:
    """The playground sidebar's widget values (keys as PARAM_KEYS) that set it to variant ``v``."""
    p = v.params
    values: dict[str, object] = {
        keys.PROVIDER: v.config.provider.id,
        keys.MODEL_ID: v.model.id,
        keys.SYSTEM: p.system,
    }
    values |= {"temperature": p.temperature, "max_tokens": p.max_tokens, "top_p": p.top_p}
    return values | {"reasoning_effort": p.reasoning_effort or "default"}


def strip(reply: Reply) -> str:
    """First token, tok/s, total time, tokens in / out / reasoning and cost, on one line."""
    t, u = reply.timings, reply.usage
    parts = []
    if t.first_token is not None:
        parts.append(f"first token {t.first_token:.2f} s")
    if t.tokens_per_second:
        parts.append(f"{t.tokens_per_second:,.0f} tok/s")
    if t.total is not None:
        parts.append(f"{t.total:.1f} s")
    if u is not None:
        est = " (estimated)" if u.estimated else ""
        parts.append(f"{u.prompt_tokens:,} in / {u.output_tokens:,} out / {u.reasoning_tokens:,} reasoning{est}")
    if reply.cost is None:
        parts.append("cost unknown")
    elif answered_offline(reply.provider_id):  # the offline engine costs nothing: never called a cost
        parts.append(f"not spent: {would_cost(reply.cost.total)}")
    else:
        parts.append(format_usd(reply.cost.total))
    return " · ".join(parts)


def _allow(url: str) -> bool:
    return providers.base_url_allowed(url, os.environ, cfg.secrets())


def _collect(run: CompareRun, history: list[dict[str, str]], on_top: bool, *, stopped: bool = False) -> Finished:
    run.stop()
    run.wait(5)
    outcomes = tuple(o for o in run.outcomes() if o is not None)
    variants = tuple(lane.variant for lane, o in zip(run.lanes, run.outcomes(), strict=True) if o is not None)
    return Finished(variants, tuple(history), outcomes, on_top, stopped)


def collect_stopped() -> bool:
    """A comparison interrupted by a rerun (Stop, or any other click): stop it, keep what arrived, say so.

    Streamlit carries a button's click over into the rerun that interrupts its run, so "Send to all" reads as
    clicked again after a Stop; the page ignores it when this returns True.
    """
    state = st.session_state
    held = state.pop(RUNNING, None)
    if held is None:
        return False
    run, history, on_top = held
    state[RESULT] = _collect(run, history, on_top, stopped=True)
    return True


def history_for(prompt: str, on_top: bool) -> list[dict[str, str]]:
    """The messages to send: the playground's conversation (optionally) and the prompt."""
    head = keys.conversation().history() if on_top else []
    return [*head, {"role": "user", "content": prompt}]


class _Column:
    """One streaming column: the thinking tail while it thinks, then the answer as settled pieces plus a live tail.

    Settled Markdown pieces are drawn once (``settled_end``), so four columns at full speed cost the browser the
    tail of each, not the whole text every time. When to draw is ``draw_live``'s call (one clock for all columns).
    """

    def __init__(self, box: DeltaGenerator, label: str) -> None:
        self.outer = box
        box.subheader(label, divider="gray")
        self.thinking = box.empty()
        self.box = box.container()
        self.tail = self.box.empty()
        self.settled = 0
        self.shown = -1

    def pending(self, builder: ReplyBuilder) -> int:
        """Characters a draw would send now (0 when nothing new arrived since the last one)."""
        if builder.version == self.shown:
            return 0
        return len(builder.text) - self.settled if builder.text_parts else len(builder.reasoning[-600:])

    def draw(self, builder: ReplyBuilder) -> None:
        if builder.version == self.shown:
            return
        self.shown = builder.version
        if not builder.text_parts:
            self.thinking.caption(builder.reasoning[-600:])
            return
        text = builder.text
        if self.settled == 0:
            self.thinking.empty()
        cut = settled_end(text, start=self.settled, min_segment=PIECE)
        if cut > self.settled:
            self.tail.markdown(text[self.settled : cut])
            self.tail, self.settled = self.box.empty(), cut
        self.tail.markdown(text[self.settled :])


def stream(variants: list[Variant], prompt: str, *, on_top: bool) -> list[DeltaGenerator] | None:
    """Send ``prompt`` to every variant and stream each into its own column until all end.

    Returns the columns, for ``render_result`` to finish in place (no rerun that redraws the whole page).
    """
    ledger = persist.ledger()  # the daily budget and the spend ledger, as in the chat
    if isinstance(ledger, str):
        st.error(ledger, icon=":material/block:")
        return None
    history = history_for(prompt, on_top)
    run = CompareRun(variants, history, allow=_allow, ledger=ledger).start()
    st.session_state[RUNNING] = (run, history, on_top)
    stop = st.empty()  # Stop is there while the columns stream, gone when they end
    stop.button("Stop", key="cmp_stop", icon=":material/stop_circle:")  # a click reruns: collect_stopped stops all
    try:
        boxes = draw_live(run)
    finally:
        run.stop()  # a rerun (Stop) unwinds here: every stream closes
    stop.empty()
    # Let the browser paint the columns' last words before the results arrive: drawn in the same frame as the
    # table and the chart they waited for those (BENCHMARKS.md, "Compare page: four columns streaming at once").
    time.sleep(PAINT_PAUSE)
    st.session_state.pop(RUNNING, None)
    st.session_state[RESULT] = _collect(run, history, on_top)
    return boxes


def draw_live(run: CompareRun) -> list[DeltaGenerator]:
    """A column per lane, redrawn as its builder grows, until every lane has ended; returns the columns.

    One clock for all columns: every column that changed is drawn in the same tick (one batch of updates for the
    browser, not four interleaved streams of them), at most once per ``GAP_PER_COLUMN`` x columns, so the browser
    gets about as many updates per second however many columns stream. A lane that has ended is drawn at once.
    """
    slots = st.columns(len(run.lanes))
    columns = [
        _Column(col.container(key=f"cmp_live_{i}"), lane.variant.label)
        for i, (col, lane) in enumerate(zip(slots, run.lanes, strict=True))
    ]
    clock = Coalescer(floor=GAP_PER_COLUMN * len(columns))
    while True:
        finished = run.done
        live = [(c, lane.builder, lane.done) for c, lane in zip(columns, run.lanes, strict=True) if lane.builder]
        for column, builder, done in live:
            # A lane's last words go out at once, before any other column's update: when the model said it has
            # finished (its reply's record and the connection's close come after) or the lane ended.
            if done or builder.finish_reason is not None:
                column.draw(builder)
        tail = max((column.pending(builder) for column, builder, _ in live), default=0)
        if tail and clock.due(tail):
            for column, builder, _ in live:  # one batch of updates per tick, not four interleaved streams of them
                column.draw(builder)
        if finished:
            return [column.outer for column in columns]
        time.sleep(REDRAW)


def continue_with(i: int) -> None:
    """Open variant ``i``'s conversation in the playground with its settings (a button callback)."""
    state = st.session_state
    done: Finished = state[RESULT]
    v, outcome = done.variants[i], done.outcomes[i]
    if not done.on_top:
        persist.new_chat()  # a new saved conversation: clearing in place would overwrite the saved one
    conv = keys.conversation()
    conv.add_user(done.history[-1]["content"])
    conv.add_assistant(outcome.text, outcome.reply)
    values = sidebar_values(v)
    if v.protocol in v.config.provider.protocols:
        values[keys.PROTOCOL] = v.protocol
    for name, value in values.items():
        state[name] = value
    panel.put(v.tools)
    state[GO_PLAYGROUND] = True


def _answer(v: Variant, o: Outcome) -> None:
    st.subheader(v.label, divider="gray")
    if o.reply.reasoning:
        with st.expander("Reasoning", icon=":material/psychology:"):
            st.markdown(o.reply.reasoning)
    st.markdown(o.text or ("" if o.calls else "_(no answer)_"))


def _calls_and_format(o: Outcome) -> None:
    """The tool calls the variant asked for (as JSON, never run) and its answer's check against its format."""
    if o.calls:
        names = ", ".join(c.name for c in o.calls)
        st.caption(f":material/build: Asked to call {names} (not run here: continue in the playground to answer)")
        st.code(json.dumps([c.as_dict() for c in o.calls], indent=2, ensure_ascii=False), language="json")
    if o.format_check is not None:
        icon = ":material/check_circle:" if o.format_check.valid else ":material/cancel:"
        st.caption(f"{icon} {o.format_check.label}")


def _strip(done: Finished, i: int) -> None:
    o, base = done.outcomes[i], done.outcomes[0].reply
    if o.reply.status != "complete":
        said = table.status_text(o.reply.status) + (f": {o.reply.error}" if o.reply.error else "")
        st.warning(said, icon=":material/warning:")
    st.caption(strip(o.reply))
    if i:
        st.caption(f"vs {done.variants[0].label}: {describe(difference(base, o.reply))}")
    st.button(
        "Continue with this one",
        key=f"cmp_continue_{i}",
        on_click=continue_with,
        args=(i,),
        icon=":material/arrow_forward:",
    )


def render_result(done: Finished, live: list[DeltaGenerator] | None = None) -> None:
    """Each column's answer, strip and difference; then the table and the cost-versus-time chart.

    With ``live`` (the columns that just streamed, answers already drawn) only the strips are added to them.
    """
    if not done.outcomes:
        return
    _stopped_note(done)
    in_place = live is not None and len(live) == len(done.outcomes)
    if in_place:
        slots = live
    else:
        slots = [c.container(key=f"cmp_result_{i}") for i, c in enumerate(st.columns(len(done.outcomes)))]
    for i, slot in enumerate(slots):
        with slot:
            if not in_place:
                _answer(done.variants[i], done.outcomes[i])
            elif done.outcomes[i].reply.reasoning:  # the streamed column showed only the thinking's tail
                with st.expander("Reasoning", icon=":material/psychology:"):
                    st.markdown(done.outcomes[i].reply.reasoning)
            _calls_and_format(done.outcomes[i])
            _strip(done, i)
    table.render_table(results_frame(done))
    table.render_chart(done.variants, done.outcomes)


def _stopped_note(done: Finished) -> None:
    """After a Stop: how many variants had finished, and that the others keep the text that had arrived."""
    if not done.stopped:
        return
    ended = sum(1 for o in done.outcomes if o.reply.status not in ("stopped", "unconfirmed"))
    st.info(
        f"Stopped: {ended} of {len(done.outcomes)} variants had finished; the others keep the text that had "
        "arrived. Send to all again to run them to the end.",
        icon=":material/stop_circle:",
    )


def results_frame(done: Finished) -> pd.DataFrame:
    """One line per variant: status, timings, tokens, cost and the difference from the first (human headers)."""
    return table.results_frame(done.variants, done.outcomes)
