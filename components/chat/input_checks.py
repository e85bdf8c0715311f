"""Checks on a prompt before it is sent: empty, very large, or over the model's context."""

from __future__ import annotations

import streamlit as st

from components import state
from components.chat.actions import send
from components.settings import current_settings
from components.state import conversation
from components.tools.panel import blocking_problem
from playground.facts.catalog import Model
from playground.money.pricing import format_usd, per_million
from playground.money.tokens import MESSAGE_OVERHEAD, count_tokens

LARGE_PROMPT_TOKENS = 20_000  # above this, ask before sending
MAX_PROMPT_CHARS = 600_000  # the chat input's limit: above any prompt the largest context takes (131,072 tokens)


def check_prompt() -> None:
    """Send the chat input's text, or keep it and explain why not (callback of the chat input).

    The settings are read now, not taken from the page's last full run: the sidebar's fragments change them
    without rerunning the page.
    """
    settings = current_settings()
    text = st.session_state.get(state.CHAT_PROMPT) or ""
    state.clear_notice()
    if not text.strip():
        state.set_notice("info", "Type a message first: empty prompts are not sent.")
        return
    text = text[:MAX_PROMPT_CHARS]  # what the box holds; a client that got past the box is cut the same way
    problem = blocking_problem() or conversation().sequence_problem(after=True)
    if problem:
        state.set_notice("error", f"Not sent: {problem} Your text is kept below.")
        st.session_state[state.KEPT] = text
        return
    tokens = count_tokens(text) + MESSAGE_OVERHEAD
    model = settings.model
    context = model.context
    used = conversation().prompt_tokens(settings.params.system) + settings.state.tools.extra_tokens()
    cut = len(text) >= MAX_PROMPT_CHARS  # the box stops (and cuts a paste) there: never send such a text silently
    if cut or context and used + tokens + 1 > context:
        st.session_state[state.HELD] = None
        note = (
            f"this text reached the message box's limit of {MAX_PROMPT_CHARS:,} characters, so a longer paste "
            "was cut there; "
            if cut
            else ""
        )
        state.set_notice(
            "error",
            (
                f"Not sent: {note}this prompt is ≈{tokens:,} tokens{_input_cost(model, tokens)} and the "
                f"conversation already uses ≈{used:,}; "
                + (f"{model.name} takes {context:,} tokens in all. " if context else "")
                + "Shorten it or clear the conversation. "
                "Your text is kept below."
            ),
        )
        st.session_state[state.KEPT] = text
        return
    if tokens > LARGE_PROMPT_TOKENS:
        st.session_state[state.HELD] = text
        state.set_notice(
            "warning",
            f"This prompt is large: ≈{tokens:,} input tokens"
            f"{_input_cost(model, tokens)} per send. Send it anyway?",
        )
        return
    send(text)


def _input_cost(model: Model, tokens: int) -> str:
    """`` ≈ $0.12`` for ``tokens`` of input at the model's price (empty when the price is unknown)."""
    return f" ≈ {format_usd(per_million(tokens, model.price.input))}" if model.price else ""


def send_held() -> None:
    text = st.session_state.pop(state.HELD, None)
    state.clear_notice()
    if text:
        send(text)


def render_notice() -> None:
    """The notice about the last prompt, with its kept text or a confirm button."""
    notice = state.notice()
    if not notice:
        return
    kind, message = notice
    getattr(st, kind)(message)
    if st.session_state.get(state.HELD):
        st.button("Send anyway", key="send_large", icon=":material/send:", on_click=send_held)
    kept = st.session_state.get(state.KEPT)
    if kind == "error" and kept:
        st.code(kept[:2000] + ("…" if len(kept) > 2000 else ""), language=None, wrap_lines=True)
        st.download_button(
            "Download the whole prompt",
            kept,
            file_name="prompt.txt",
            mime="text/plain",
            key="download_kept_prompt",
            icon=":material/download:",
            on_click="ignore",
        )
