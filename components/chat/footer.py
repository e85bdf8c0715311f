"""The conversation footer: last reply against the whole conversation, context gauge, next-turn prediction."""

from __future__ import annotations

from decimal import Decimal

import streamlit as st

from components.chat import cache as chat_cache
from components.remote import exact_input_tokens, exact_source
from components.state import conversation
from playground.money.pricing import format_usd, per_million
from playground.money.tokens import MESSAGE_OVERHEAD


def _spent(replies: list) -> tuple[Decimal | None, Decimal]:
    costs = [r.cost.total for r in replies if r.cost is not None]
    return (costs[-1] if costs else None), sum(costs, Decimal(0))


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
        last, total = _spent(conv.replies)
        if conv.replies:
            last_text = format_usd(last) if last is not None else "unknown (no price for this model)"
            st.caption(
                f":material/payments: Last reply {last_text} · conversation so far {format_usd(total)} "
                f"over {len(conv.replies)} replies"
            )
            chat_cache.render_conversation(conv)
        if model.context:
            share = min(1.0, used / model.context)
            approx = "" if exact is not None else "≈"
            st.progress(share, text=f"Context: {approx}{used:,} of {model.context:,} tokens ({share:.1%})")
        if exact is not None:
            by = exact_source(settings.state)
            st.caption(f":material/check_circle: {exact:,} input tokens so far, counted exactly by {by}.")
        chat_cache.render_next(conv, settings)
        st.caption(
            _prediction(model, params, used),
            help="Estimated from the system message, the history"
            + (f" and {extra:,} tokens of tool definitions and schema" if extra else "")
            + "; reasoning tokens count towards max tokens and are billed as output.",
        )


def _prediction(model: object, params: object, used: int) -> str:
    next_in = used + MESSAGE_OVERHEAD
    if model.price is None:
        return f":material/query_stats: Next message ≈ {next_in:,} input tokens (no known price for {model.name})"
    cost_in = per_million(next_in, model.price.input)
    cost_out = per_million(params.max_tokens, model.price.output)
    return (
        f":material/query_stats: Next message ≈ {next_in:,} input tokens ≈ {format_usd(cost_in)}, "
        f"plus up to {format_usd(cost_out)} of output at max tokens ({params.max_tokens:,})"
    )
