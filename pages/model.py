"""Model and API: the product page's model details, endpoints, Quick Start and live code samples, pricing and
links, Claude Code, FAQ, related models."""

import streamlit as st

from components.code_samples import render_code_samples
from components.model import info as model_info
from components.routing import require_router
from components.settings import current_chat_state
from playground.facts.catalog import GROK_3_MINI

require_router()
state = current_chat_state()
model = state.model

model_info.render_header(GROK_3_MINI)
model_info.render_about(GROK_3_MINI)
model_info.render_specs(GROK_3_MINI)
model_info.render_features_and_uses()
model_info.render_endpoints()

model_info.render_quick_start_intro()
st.subheader("Code for the playground's current state", anchor=False)
if model.id != GROK_3_MINI.id:
    st.info(
        f"The playground is set to {model.name}: these samples and the Claude Code command use it.",
        icon=":material/swap_horiz:",
    )
render_code_samples(state, key="model_page_code", quick_start_first=True)
model_info.render_docs_note()
model_info.render_pricing()
model_info.render_claude_code(model)
model_info.render_faq(GROK_3_MINI)
model_info.render_related(model.id)
