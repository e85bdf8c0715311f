"""Pricing page: the same workload priced across the page's related models (genai-prices)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import streamlit as st

from playground.money.pricing import Volume, Workload, format_usd
from playground.money.related import LIBRARY, UNKNOWN, Quote, compare

TABLE = "pricing_compare_table"
MONTH = "Per month (USD)"


def _number(value: Decimal | None) -> float | None:
    """A Decimal for sorting and plotting in the table; the exact figure is in the text column."""
    return None if value is None else float(value)


def _row(q: Quote, monthly: int) -> dict[str, object]:
    per_month = None if q.per_request is None else q.per_request * monthly
    return {
        "Model": q.model.name,
        "Platform": q.model.platform,
        "Price": format_usd(per_month) + " / month" if per_month is not None else UNKNOWN,
        "Input per 1M": _number(q.input_mtok),
        "Cached input per 1M": _number(q.cached_mtok if q.cached_mtok is not None else q.input_mtok),
        "Output per 1M": _number(q.output_mtok),
        "Per request (USD)": _number(q.per_request),
        MONTH: _number(per_month),
        "genai-prices entry": q.matched or "—",
        "Source": q.source or None,
        "As of": q.as_of or "—",
        "Note": q.note,
    }


def frame(workload: Workload, volume: Volume) -> pd.DataFrame:
    """One row per model: prices per 1M tokens, the workload's cost, source and as-of date."""
    monthly = volume.requests_per_day * volume.days_per_month
    return pd.DataFrame([_row(q, monthly) for q in compare(workload)])


def _config() -> dict[str, object]:
    money = {"format": "$%.6f"}
    return {
        "Model": st.column_config.TextColumn(pinned=True),
        "Price": st.column_config.TextColumn(
            help="The workload's monthly cost, or unknown when genai-prices cannot price the model"
        ),
        "Input per 1M": st.column_config.NumberColumn(format="$%.3f"),
        "Cached input per 1M": st.column_config.NumberColumn(format="$%.3f"),
        "Output per 1M": st.column_config.NumberColumn(format="$%.3f"),
        "Per request (USD)": st.column_config.NumberColumn(**money),
        MONTH: st.column_config.NumberColumn(format="$%.2f"),
        "Source": st.column_config.LinkColumn(help="The provider pricing page genai-prices cites"),
        "As of": st.column_config.TextColumn(help="When the applied price started, where genai-prices records it"),
    }


def comparison(workload: Workload, volume: Volume) -> pd.DataFrame:
    """The sortable table and a bar chart of the monthly cost of the priced models."""
    st.caption(
        f"Prices from pydantic's {LIBRARY} catalogue, matched by each model's platform. The same "
        "workload for every model: reasoning tokens are billed as output; a model that does not reason "
        "would not produce them. Click a column header to sort."
    )
    table = frame(workload, volume)
    st.dataframe(table, hide_index=True, column_config=_config(), key=TABLE)
    priced = table[table[MONTH].notna()]
    st.bar_chart(priced, x="Model", y=MONTH, horizontal=True, height=40 + 28 * len(priced))
    unknown = table.loc[table[MONTH].isna(), "Model"].tolist()
    if unknown:
        st.caption(f":material/help: Unknown to {LIBRARY}, so not priced: {', '.join(unknown)}.")
    return table
