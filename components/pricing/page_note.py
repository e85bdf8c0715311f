"""Pricing page: the product page's contradictory "$0.40 / call", explained."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import streamlit as st

from playground.facts.catalog import GROK_3_MINI
from playground.facts.page import PAGE
from playground.money.pricing import Volume, Workload, format_usd, per_million, project


def summary() -> None:
    """One line at the top of the page: which price the page uses."""
    price = GROK_3_MINI.price
    st.info(
        f"The product page lists {format_usd(price.input)} per 1M input tokens and {format_usd(price.output)} "
        f'per 1M output tokens, but also says "{PAGE.page_price_label}" and '
        f'"{PAGE.price_per_million_text}". This page uses the per-token '
        "prices; see *About the page's $0.40* below.",
        icon=":material/info:",
    )


def explanation(workload: Workload, volume: Volume) -> None:
    """Why the per-token prices are used, with the three readings of the page side by side."""
    price = GROK_3_MINI.price
    blended = PAGE.page_price_per_million
    st.markdown(
        f"- **{format_usd(blended)} is the plain average** of the {format_usd(price.input)} input and "
        f"{format_usd(price.output)} output prices. A blended figure is right only when a request has as many "
        "input as output tokens; real prompts (history, context) are usually far longer than answers.\n"
        '- **"Per call" cannot be literal**: every provider behind this model bills per token, so a '
        '100,000-token prompt does not cost the same as "hi". The table below shows how far apart the '
        "readings are for the workload above.\n"
        "- **Reasoning is billed as output.** Grok 3 Mini thinks before answering; those tokens cost "
        f"{format_usd(price.output)} per 1M like the answer, which a flat figure hides.\n"
        f"- The per-token prices agree with xAI's own price list and with pydantic's genai-prices for "
        f"x-ai grok-3-mini (which also gives the {format_usd(price.cached_input)} cached-input price). So the "
        "playground's cost figures, this page and the batch estimate all use "
        f"{format_usd(price.input)} / {format_usd(price.output)} per 1M tokens."
    )
    per_token = project(workload, price, volume).per_month.total
    calls = volume.requests_per_day * volume.days_per_month
    month_tokens = (workload.input_tokens + workload.output_tokens + workload.reasoning_tokens) * calls
    readings = pd.DataFrame(
        {
            "Reading of the page": [
                "Per-token prices (used here)",
                f"{format_usd(blended)} per 1M tokens, blended",
                f'"{PAGE.page_price_label}" taken literally',
            ],
            "This workload per month": [
                format_usd(per_token),
                format_usd(per_million(month_tokens, blended)),
                format_usd(Decimal(calls) * blended),
            ],
        }
    )
    st.dataframe(readings, hide_index=True, key="pricing_page_readings")
