"""The usage view: money spent per day and per model from the ledger, the most expensive conversations, and the
offline engine's replies apart (what they would have cost: nobody paid for them)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from playground.facts.workspace import Workspace
from playground.money.pricing import format_usd
from playground.offline.spend import would_cost
from playground.store import ModelSpend, Store


def _spent(store: Store, ws: Workspace) -> None:
    """Money spent, and the offline engine's replies apart with what they would have cost."""
    offline = store.offline_spend(owner=ws.owner)
    with st.container(horizontal=True):
        total = store.spend_total(owner=ws.owner)
        st.metric(
            "Spent in all", format_usd(total), help="Money spent on replies from providers in this workspace."
        )
        if offline.replies:
            st.metric(
                "Offline replies (not spent)",
                f"{offline.replies:,}",
                help="Written by the offline engine on this machine: no provider was called and nothing was paid.",
            )
    if offline.replies:
        st.caption(
            ":material/cloud_off: Nothing spent on offline replies: had a provider written them, they "
            f"{would_cost(offline.would_cost)}."
        )


def _models_table(models: list[ModelSpend]) -> None:
    st.dataframe(
        pd.DataFrame(
            {
                "Model": [m.model for m in models],
                "Replies from": ["Offline engine" if m.offline else "A provider" for m in models],
                "Replies": [m.replies for m in models],
                "Input tokens": [m.tokens_in for m in models],
                "Output tokens": [m.tokens_out for m in models],
                "Cost": [
                    f"nothing spent ({would_cost(m.cost)})" if m.offline else format_usd(m.cost) for m in models
                ],
            }
        ),
        hide_index=True,
        key="usage_models",
    )


def render(store: Store, ws: Workspace) -> None:
    """Charts and tables of what this workspace spent (every stored reply, not only this session's)."""
    days = store.spend_by_day(owner=ws.owner)
    models = store.spend_by_model(owner=ws.owner)
    if not models:
        st.info("No replies recorded yet.", icon=":material/bar_chart:")
        return
    _spent(store, ws)
    if days:
        st.subheader("Spend per day (UTC)", anchor=False)
        per_day = pd.DataFrame({"Day": [d.day for d in days], "USD": [float(d.cost) for d in days]})
        st.bar_chart(per_day, x="Day", y="USD")
    st.subheader("Spend per model", anchor=False)
    _models_table(models)
    st.subheader("Most expensive conversations", anchor=False)
    top = [c for c in store.most_expensive(owner=ws.owner, limit=10) if c.total_cost > 0]
    if not top:
        st.caption("No conversation has cost anything yet.")
        return
    st.dataframe(
        pd.DataFrame({"Title": [c.title for c in top], "Cost": [format_usd(c.total_cost) for c in top]}),
        hide_index=True,
        key="usage_top",
    )
