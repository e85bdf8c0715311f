"""Pricing: what Grok 3 Mini use really costs, from token counts, text, files, measured replies or a batch file."""

import streamlit as st

from components import pricing_batch, pricing_compare, pricing_effort, pricing_estimator, pricing_page_note
from components.routing import require_router

require_router()
st.title("Pricing")
pricing_page_note.summary()

with st.container(border=True):
    st.subheader("Estimate", anchor=False)
    model, price = pricing_estimator.pick_model()
    pricing_estimator.measured_button()
    pricing_estimator.text_counter()
    workload = pricing_estimator.token_inputs()
    volume = pricing_estimator.volume_inputs()
    if price is not None:
        pricing_estimator.projection(workload, price, volume)

tab_effort, tab_compare, tab_batch, tab_page = st.tabs(
    ["Reasoning effort", "Compare models", "Batch estimate", "About the page's $0.40"]
)
with tab_effort:
    if price is not None:
        pricing_effort.effort_what_if(model, workload, price, volume)
    else:
        st.caption("Pick a priced model above to compare reasoning effort levels.")
with tab_compare:
    pricing_compare.comparison(workload, volume)
with tab_batch:
    pricing_batch.batch(model, price)
with tab_page:
    pricing_page_note.explanation(workload, volume)
