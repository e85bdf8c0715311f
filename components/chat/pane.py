"""The chat pane: model header, starter prompts, the (windowed) history and each reply's strip."""

from __future__ import annotations

import streamlit as st

from components import state
from components.chat import cache as chat_cache
from components.chat.tool_cards import plain_name, render_calls, render_check
from components.settings import Settings
from components.state import HISTORY_WINDOW
from playground.chat.conversation import Conversation, Message, Reply
from playground.chat.markdown import balance
from playground.facts.page import PAGE
from playground.facts.providers import PROVIDERS
from playground.money.pricing import format_usd
from playground.money.usage_reading import reading_note
from playground.offline.spend import LIST_PRICES, answered_offline, prices_of, reply_cost
from playground.text import plain

WINDOW = 20  # messages drawn at first; older ones load on request (a long history must not slow every rerun)


def render_header(settings: Settings) -> None:
    """Model name, ID with a copy button, provider, price per 1M tokens, and the offline badge."""
    model, provider, chosen = settings.model, settings.config.provider, settings.config.shaped_for
    st.title(model.name, anchor=False)
    with st.container(horizontal=True, vertical_alignment="center"):
        st.badge(model.vendor, icon=":material/business:", color="gray")
        via = (
            provider.label if chosen.id == provider.id else f"{chosen.label} (no key: the offline engine answers)"
        )
        st.badge(f"via {via}", icon=":material/hub:", color="blue")
        if model.price:
            st.badge(
                f"Input ${model.price.input} / 1M · Output ${model.price.output} / 1M",
                icon=":material/payments:",
                color="green",
            )
        if provider.offline:
            st.badge("Offline engine: not Grok, no network", icon=":material/cloud_off:", color="orange")
    st.code(model.id, language=None)


def render_starters(on_pick: object) -> None:
    """The product page's four starter prompts; a click sends that text as the user's message."""
    st.caption("Choose a prompt below to get started or type your own message")
    with st.container(horizontal=True):
        for i, text in enumerate(PAGE.starters):
            st.button(text, key=f"starter_{i}", on_click=on_pick, args=(text,), icon=":material/bolt:")


def prices_at() -> str:
    """Whose prices an offline reply's would-be cost uses: the provider chosen in the sidebar."""
    return prices_of(PROVIDERS.get(st.session_state.get(state.PROVIDER) or ""))


def reply_strip(reply: Reply, *, at: str = LIST_PRICES) -> str:
    """The one line under a reply (short enough for a phone): total time, speed, tokens out (reasoning included;
    the thinking block's label has the reasoning's share) and cost."""
    t, u = reply.timings, reply.usage
    parts = []
    if t.total is not None:
        parts.append(f"{t.total:.1f} s")
    if t.tokens_per_second:
        parts.append(f"{t.tokens_per_second:.0f} tok/s")
    if u is not None:
        parts.append(f"{'≈' if u.estimated else ''}{u.output_tokens:,} tokens")
    if u is not None and u.invalid:
        parts.append(":material/warning: not priced")
    elif reply.cost is not None and answered_offline(reply.provider_id):
        parts.append("not spent")  # offline: the details say what it would cost ``at`` those prices
    elif reply.cost is not None:
        parts.append(format_usd(reply.cost.total))
    elif reply.served_other:
        parts.append("cost unknown")
    return " · ".join(parts)


def render_strip(reply: Reply, *, at: str = LIST_PRICES) -> None:
    """The reply's one-line strip; a click on it unfolds the rest (the cache's figures too)."""
    with st.expander(reply_strip(reply, at=at), type="compact"):
        st.caption("  \n".join(reply_details(reply, at=at)))
        chat_cache.render_reply(reply)


def reply_details(reply: Reply, *, at: str = LIST_PRICES) -> list[str]:
    """Everything measured about a reply, one fact per line: timings, finish, served model, tokens in/out/
    reasoning/cached, the cost split, price and usage notes."""
    t, u = reply.timings, reply.usage
    parts = []
    if t.first_token is not None:
        parts.append(f"first token {t.first_token:.2f} s")
    if t.first_answer_token is not None:
        parts.append(f"first answer token {t.first_answer_token:.2f} s")
    if t.tokens_per_second:
        parts.append(f"{t.tokens_per_second:.0f} tok/s")
    if t.total is not None:
        parts.append(f"total {t.total:.2f} s")
    parts.append(f"finish {reply.finish_reason or reply.status}")
    if reply.served_other and reply.served_model:
        parts.append(f"served by `{reply.served_model}`")  # a code span (ServedModel keeps backticks out of names)
    if u is not None:
        label = "estimated " if u.estimated else ""
        parts.append(
            f"{label}tokens in {u.prompt_tokens:,} · out {u.output_tokens:,} · reasoning "
            f"{u.reasoning_tokens:,} · cached {u.cached_tokens:,}"
        )
    if u is not None and u.invalid:
        parts.append(f":material/warning: {plain(u.invalid)}: not priced")  # holds server values
    if reply.cost is not None:
        parts.append(reply_cost(reply, at=at))
    elif reply.served_other:
        parts.append("cost unknown")
    if reply.price_note:
        parts.append(reply.price_note)
    if u is not None and (note := reading_note(u)):
        parts.append(note)
    return parts


def _thought_label(reply: Reply) -> str:
    secs, u = reply.timings.reasoning_seconds, reply.usage
    label = f"Thought for {secs:.1f} s" if secs is not None else "Thinking"
    if u is not None and u.reasoning_tokens:
        label += f" ({'≈' if u.estimated else ''}{u.reasoning_tokens:,} tokens)"
    return label


def _render_tool_result(message: Message) -> None:
    with st.chat_message("tool", avatar=":material/build:"):
        name, call_id = plain_name(message.name, "a call"), plain_name(message.tool_call_id)
        st.caption(f":material/reply: Result for {name} (`{call_id}`)")
        st.code(message.content, language=None, wrap_lines=True)


def render_message(message: Message) -> None:
    """One message of the history, with its reasoning block, tool calls, JSON verdict, status marker and strip."""
    if message.role == "tool":
        _render_tool_result(message)
        return
    with st.chat_message(message.role):
        reply = message.reply
        if reply is not None and reply.reasoning:
            with st.expander(_thought_label(reply), icon=":material/psychology:"):
                st.markdown(state.model_markdown(reply.reasoning))
        if message.check is not None:
            render_check(message.content, message.check)
        elif message.content:
            cut = reply is not None and reply.status != "complete"  # stopped, failed or cut: close what is open
            st.markdown(state.model_markdown(balance(message.content) if cut else message.content))
        render_calls(message)
        if reply is None:
            return
        if reply.status == "stopped":
            st.caption(":material/stop_circle: Stopped: the partial reply is kept.")
        elif reply.status == "error":
            st.caption(f":material/error: Interrupted: {plain(reply.error or '')}")
        elif reply.status == "length":
            st.caption(":material/content_cut: Cut at max tokens.")
        elif reply.status == "unconfirmed":
            st.caption(":material/help: The stream ended without a finish reason: the reply may be cut.")
        render_strip(reply, at=prices_at())


def render_history(conv: Conversation) -> None:
    """The last messages of the conversation, with a button to load older ones."""
    shown = st.session_state.setdefault(HISTORY_WINDOW, WINDOW)
    hidden = max(0, len(conv.messages) - shown)
    if hidden:
        st.button(
            f"Show {min(hidden, WINDOW)} earlier messages ({hidden} hidden)",
            key="show_earlier",
            icon=":material/history:",
            on_click=lambda: st.session_state.update({HISTORY_WINDOW: shown + WINDOW}),
        )
    for message in conv.messages[hidden:]:
        render_message(message)
