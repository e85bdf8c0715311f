"""Playground: tune the parameters, send prompts, watch the reasoning and the answer stream, see what it cost."""

import streamlit as st

from components import persist, state
from components.chat import actions, generation, messages_editor, pane, tool_cards
from components.chat.input_checks import MAX_PROMPT_CHARS, check_prompt, render_notice
from components.routing import require_router
from components.sidebar import render_sidebar
from components.state import conversation

require_router()
persist.open_shared_link()
persist.reopen_chat()
conv = conversation()
# The starters' slot is redrawn (empty) on every run: the run that starts the first reply replaces them at once
# instead of leaving them greyed out until it ends.
header_box, starters_slot, history_box, footer_box = st.container(), st.empty(), st.container(), st.container()
settings = render_sidebar(footer_box)
# Drawn before any streaming (it is pinned to the bottom wherever it is called): a stopped run ends mid-script,
# and an input not drawn in that run would vanish with it.
st.chat_input(
    "Type your message", key="chat_prompt", submit_mode="stop", on_submit=check_prompt, max_chars=MAX_PROMPT_CHARS
)

with header_box:
    pane.render_header(settings)
    persist.render_health()
if not conv.messages:
    with starters_slot.container():
        pane.render_starters(actions.send)
        messages_editor.render_entry()

with history_box:
    pane.render_history(conv)
    if state.reply_pending():
        generation.generate(settings)
    tool_cards.render_answers(conv, generation.request_reply)
    actions.render_error(settings)
    render_notice()
    actions.render_actions(settings)
    messages_editor.maybe_render(generation.request_reply)
