"""The usage view: spend per day and per model from the ledger, and the most expensive conversations."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from playground.facts.workspace import Workspace
from playground.money.pricing import format_usd
from playground.store import Store


def render(store: Store, ws: Workspace) -> None:
    """Charts and tables of what this workspace spent (every stored reply, not only this session's)."""
    days = store.spend_by_day(owner=ws.owner)
    if not days:
        st.info("No replies recorded yet.", icon=":material/bar_chart:")
        return
    total = sum((d.cost for d in days), start=days[0].cost * 0)
    st.metric("Spent in all", format_usd(total), help="Every reply saved in this workspace.")
    st.subheader("Spend per day (UTC)", anchor=False)
    per_day = pd.DataFrame({"Day": [d.day for d in days], "USD": [float(d.cost) for d in days]})
    st.bar_chart(per_day, x="Day", y="USD")
    st.subheader("Spend per model", anchor=False)
    models = store.spend_by_model(owner=ws.owner)
    st.dataframe(
        pd.DataFrame(
            {
                "Model": [m.model for m in models],
                "Replies": [m.replies for m in models],
                "Input tokens": [m.tokens_in for m in models],
                "Output tokens": [m.tokens_out for m in models],
                "Cost": [format_usd(m.cost) for m in models],
            }
        ),
        hide_index=True,
        key="usage_models",
    )
    st.subheader("Most expensive conversations", anchor=False)
    top = store.most_expensive(owner=ws.owner, limit=10)
    st.dataframe(
        pd.DataFrame({"Title": [c.title for c in top], "Cost": [format_usd(c.total_cost) for c in top]}),
        hide_index=True,
        key="usage_top",
    )
