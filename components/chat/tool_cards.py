"""Tool call cards (live while the arguments arrive, then checked), the user's answers, and JSON verdicts."""

from __future__ import annotations

import re

import streamlit as st

from components.tools import panel as tp
from playground.chat.conversation import Conversation, Message
from playground.tools.calls import PendingCall, ToolCall
from playground.tools.mocks import render_mock
from playground.tools.response_format import ReplyCheck, pretty_json

ANSWER_KEY = "tool_answer_"
_NAME_UNSAFE = re.compile(r"[^\w.:-]")
_TEXT_UNSAFE = re.compile(r"[^\w .,:;'\"=+{}$@%?/-]")


def plain_name(text: str | None, fallback: str = "…") -> str:
    """A name or id from the model, Markdown-inert: word characters, dots, colons and dashes only."""
    return _NAME_UNSAFE.sub("?", text or "")[:80] or fallback


def plain_text(text: str, limit: int = 300) -> str:
    """A sentence that may quote the model (an error message), Markdown-inert: no links, images, emphasis."""
    kept = _TEXT_UNSAFE.sub(" ", text)
    return kept if len(kept) <= limit else kept[: limit - 1] + "…"


def _arguments_block(call: ToolCall) -> None:
    text = pretty_json(call.value) if call.value is not None and call.problem is None else call.arguments
    st.code(text or "{}", language="json")
    if call.valid:
        st.caption(":material/check_circle: Arguments valid for the tool's parameters.")
    else:
        st.caption(f":material/error: Arguments invalid: {plain_text(str(call.problem))}")


def render_call(call: ToolCall) -> None:
    """One complete call: name, id, pretty arguments and their check."""
    with st.container(border=True, key=f"tool_call_{call.id}"):
        st.markdown(f":material/function: **{plain_name(call.name)}** · `{plain_name(call.id)}`")
        _arguments_block(call)


def render_calls(message: Message) -> None:
    for call in message.tool_calls:
        render_call(call)


def render_check(content: str, check: ReplyCheck) -> None:
    """A reply under a JSON format: pretty JSON (with copy) if it parsed, and the verdict with the error's path."""
    if check.value is not None:
        st.code(pretty_json(check.value), language="json")
    else:
        st.code(content, language=None, wrap_lines=True)
    icon = ":material/check_circle:" if check.valid else ":material/error:"
    st.caption(f"{icon} {plain_text(check.label)}")


class LiveCards:
    """Cards for calls still arriving: the name as soon as it is known, the argument text as it grows.

    At most ``SHOWN`` cards are drawn live, and a card is redrawn only when its call changed; the rest are
    counted in one line (a server may stream hundreds of calls at once, and every card redrawn per event would
    make each event cost more than the last). Every call gets its card when the reply is complete.
    """

    SHOWN = 8

    def __init__(self, box: st.delta_generator.DeltaGenerator) -> None:
        self.box = box
        self.slots: dict[int, st.delta_generator.DeltaGenerator] = {}
        self.drawn: dict[int, tuple[str | None, int]] = {}  # index -> (name, argument size) last drawn
        self.more: st.delta_generator.DeltaGenerator | None = None  # made after the shown cards: below them
        self.hidden = 0

    def draw(self, pending: list[PendingCall]) -> None:
        for call in pending[: self.SHOWN]:
            if self.drawn.get(call.index) == (call.name, call.size):
                continue
            if call.index not in self.slots:
                self.slots[call.index] = self.box.empty()
            self.drawn[call.index] = (call.name, call.size)
            with self.slots[call.index].container(border=True):
                st.markdown(f":material/function: **{plain_name(call.name)}** · receiving arguments")
                st.code(call.arguments or " ", language="json")
        hidden = max(len(pending) - self.SHOWN, 0)
        if hidden != self.hidden:
            self.hidden = hidden
            self.more = self.more or self.box.empty()
            self.more.caption(f":material/more_horiz: {hidden:,} more call(s) arriving")


def _answer(call_id: str, name: str, content: str, conv: Conversation, on_done: object) -> None:
    conv.add_tool_result(call_id, content, name)
    if not conv.unanswered():
        on_done()  # type: ignore[operator]


def _typed(call: ToolCall, conv: Conversation, on_done: object) -> None:
    text = st.session_state.get(ANSWER_KEY + call.id, "")
    if text.strip():
        _answer(call.id, call.name, text, conv, on_done)


def render_answers(conv: Conversation, on_done: object) -> None:
    """A form for each unanswered call of the last reply: type a result, or use the tool's saved mock."""
    settings = tp.tool_settings()
    for call in conv.unanswered():
        with st.container(border=True, key=f"answer_box_{call.id}"):
            st.markdown(f":material/reply: Answer **{plain_name(call.name)}** (`{plain_name(call.id)}`)")
            st.text_area(
                "Result (JSON or text)",
                key=ANSWER_KEY + call.id,
                height=90,
                help="What the tool would return. Nothing is executed: you are the tool.",
            )
            with st.container(horizontal=True):
                st.button(
                    "Send result", key=f"send_result_{call.id}", icon=":material/send:",
                    on_click=_typed, args=(call, conv, on_done),
                )  # fmt: skip
                template = settings.mock_for(call.name)
                if template is not None:
                    mock = render_mock(template, call.value if isinstance(call.value, dict) else {})
                    st.button(
                        "Use saved mock", key=f"use_mock_{call.id}", icon=":material/science:",
                        on_click=_answer, args=(call.id, call.name, mock, conv, on_done),
                    )  # fmt: skip
