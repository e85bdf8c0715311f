"""The conversation footer: last reply against the whole conversation, context gauge, next-turn prediction."""

from __future__ import annotations

from decimal import Decimal

import streamlit as st

from components.chat import cache as chat_cache
from components.remote import exact_input_tokens, exact_source
from components.state import conversation
from playground.chat.conversation import Reply
from playground.money.cache_forecast import NextTurn
from playground.money.pricing import format_usd, per_million
from playground.money.tokens import MESSAGE_OVERHEAD
from playground.offline.spend import LIST_PRICES, answered_offline, prices_of, would_cost


def cost_line(replies: list[Reply], *, at: str = LIST_PRICES) -> str:
    """Last reply against the conversation: money spent, and the offline replies apart (what they would cost
    ``at`` those prices; nobody paid them)."""
    last = replies[-1]
    paid = [r.cost.total for r in replies if r.cost is not None and not answered_offline(r.provider_id)]
    offline = [r for r in replies if answered_offline(r.provider_id)]
    if last.cost is None:
        last_text = "unknown (no price for this model)"
    elif answered_offline(last.provider_id):
        last_text = f"offline, nothing spent ({would_cost(last.cost.total, at=at)})"
    else:
        last_text = format_usd(last.cost.total)
    would = sum((r.cost.total for r in offline if r.cost is not None), Decimal(0))
    if len(offline) == len(replies):
        more = f" (its {len(offline)} offline replies {would_cost(would, at=at)})" if len(offline) > 1 else ""
        return f"Last reply {last_text} · nothing spent so far{more}"
    line = f"Last reply {last_text} · conversation so far {format_usd(sum(paid, Decimal(0)))} spent"
    line += f" over {len(replies)} replies"
    if offline:
        line += f" ({len(offline)} offline, not spent: {would_cost(would, at=at)})"
    return line


def render_footer(slot: st.delta_generator.DeltaGenerator, settings: object) -> None:
    """Write the footer into ``slot`` from the conversation and the current settings."""
    conv = conversation()
    model, params = settings.model, settings.params
    extra = settings.state.tools.extra_tokens()  # tool definitions and the schema go with every request
    used = conv.prompt_tokens(params.system) + extra
    exact = exact_input_tokens(settings.state, conv)
    if exact is not None:
        used = exact
    with slot.container(key="conversation_footer"):
        if conv.replies:
            st.caption(f":material/payments: {cost_line(conv.replies, at=prices_of(settings.config.shaped_for))}")
            chat_cache.render_conversation(conv)
        if model.context:
            share = min(1.0, used / model.context)
            approx = "" if exact is not None else "≈"
            st.progress(share, text=f"Context: {approx}{used:,} of {model.context:,} tokens ({share:.1%})")
        if exact is not None:
            by = exact_source(settings.state)
            st.caption(f":material/check_circle: {exact:,} input tokens so far, counted exactly by {by}.")
        turn = chat_cache.next_turn(conv, settings)
        st.caption(
            _prediction(model, params, used, turn),
            help="Estimated from the system message, the history"
            + (f" and {extra:,} tokens of tool definitions and schema" if extra else "")
            + ("; the cached part is the prefix the last request shares with this one" if turn else "")
            + "; reasoning tokens count towards max tokens and are billed as output.",
        )


def _prediction(model: object, params: object, used: int, turn: NextTurn | None = None) -> str:
    """The one "Next message" line: what the prompt cache will read when the provider routes the conversation to
    it (``turn``, xAI's conversation header), else the whole prompt at the input price."""
    if turn is not None:
        inputs, cost_in = chat_cache.next_words(turn), turn.input_cost
    else:
        next_in = used + MESSAGE_OVERHEAD
        inputs = f"{next_in:,} input tokens"
        cost_in = per_million(next_in, model.price.input) if model.price is not None else None
    edit = chat_cache.edit_words(turn) if turn is not None else ""
    if model.price is None or cost_in is None:
        return f":material/query_stats: Next message ≈ {inputs} (no known price for {model.name}){edit}"
    cost_out = per_million(params.max_tokens, model.price.output)
    return (
        f":material/query_stats: Next message ≈ {inputs} ≈ {format_usd(cost_in)} of input, "
        f"plus up to {format_usd(cost_out)} of output at max tokens ({params.max_tokens:,}){edit}"
    )
