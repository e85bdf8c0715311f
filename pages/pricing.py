"""Pricing: what Grok 3 Mini use really costs, from token counts, text, files, measured replies or a batch file."""

import streamlit as st

from components.pricing import batch as pricing_batch
from components.pricing import effort as pricing_effort
from components.pricing import estimator, page_note, related
from components.routing import require_router

require_router()
st.title("Pricing")
page_note.summary()

with st.container(border=True):
    st.subheader("Estimate", anchor=False)
    model, price = estimator.pick_model()
    estimator.measured_button()
    estimator.text_counter()
    workload = estimator.token_inputs()
    volume = estimator.volume_inputs()
    if price is not None:
        estimator.projection(workload, price, volume)

tab_effort, tab_compare, tab_batch, tab_page = st.tabs(
    ["Reasoning effort", "Compare models", "Batch estimate", "About the page's $0.40"]
)
with tab_effort:
    if price is not None:
        pricing_effort.effort_what_if(model, workload, price, volume)
    else:
        st.caption("Pick a priced model above to compare reasoning effort levels.")
with tab_compare:
    related.comparison(workload, volume)
with tab_batch:
    pricing_batch.batch(model, price)
with tab_page:
    page_note.explanation(workload, volume)
