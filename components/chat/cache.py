"""The prompt cache on the chat page: one line per reply (for the strip's details) and one for the conversation.

The figures are computed in ``playground.money.cache``; this module only words them and writes them.
"""

from __future__ import annotations

import streamlit as st

from playground.chat.conversation import Conversation, Reply
from playground.facts.catalog import get_model
from playground.money.cache import CacheFigures, hit_percent, reply_cache, total_cache
from playground.money.cache_forecast import NextTurn, predict
from playground.money.pricing import format_usd


def figures(reply: Reply) -> CacheFigures | None:
    """The cache figures of ``reply`` (money only when the reply was priced)."""
    price = get_model(reply.model_id).price if reply.cost is not None else None
    return reply_cache(reply.usage, price)


def _words(f: CacheFigures) -> str:
    saved = f" · the cache saved {format_usd(f.saved)}" if f.saved is not None and f.cached_tokens else ""
    return (
        f"{f.cached_tokens:,} of {f.input_tokens:,} input tokens from the cache ({f.hit_percent} % hit), "
        f"{f.uncached_tokens:,} at full price{saved}"
    )


def reply_line(reply: Reply) -> str:
    """The reply's cache line ("" when it has no usage to tell)."""
    f = figures(reply)
    return f":material/cached: Prompt cache: {_words(f)}" if f is not None else ""


def conversation_line(conv: Conversation) -> str:
    """The conversation's cache totals ("" before any reply with usage)."""
    total = total_cache(figures(r) for r in conv.replies)
    if not total.replies:
        return ""
    return f":material/cached: Prompt cache over {total.replies} replies: {_words(total)}"


def render_reply(reply: Reply) -> None:
    """Write the reply's cache line, if it has one (call from the strip's details)."""
    if line := reply_line(reply):
        st.caption(line)


def render_conversation(conv: Conversation) -> None:
    """Write the conversation's cache totals, if any (call from the footer or the totals)."""
    if line := conversation_line(conv):
        st.caption(line)


def next_turn(conv: Conversation, settings: object, next_user: str = "") -> NextTurn | None:
    """The cache's reading of the next request (None before the first one, or for a provider with no cache
    routing, where the app cannot say what will be cached)."""
    if not conv.sent_prompt or not settings.config.provider.conversation_header:
        return None
    return predict(
        conv.sent_prompt,
        system=settings.params.system,
        history=conv.history(),
        price=settings.model.price,
        next_user=next_user,
    )


def next_words(turn: NextTurn) -> str:
    """The footer's "Next message" tokens as the cache will read them ("120 of 1,500 input tokens from the cache
    (8 %)")."""
    return (
        f"{turn.cached_tokens:,} of {turn.input_tokens:,} input tokens from the cache "
        f"({hit_percent(turn.cached_tokens, turn.input_tokens)} %)"
    )


def edit_words(turn: NextTurn) -> str:
    """What an edit of the system message or an earlier message does to the next turn ("" when nothing changed
    what the cache reads)."""
    if not turn.reread_tokens:
        return ""
    extra = f": +{format_usd(turn.extra_cost)}" if turn.extra_cost is not None else ""
    payback = (
        f"; it pays back after {turn.payback_turns} turns"
        if turn.payback_turns is not None
        else "; it does not pay back (the prompt is not shorter)"
    )
    return f". Your edit: the next turn re-reads {turn.reread_tokens:,} tokens at full price{extra}{payback}"
