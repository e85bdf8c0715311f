"""Session-state keys shared across pages, and their one initialiser."""

from __future__ import annotations

import streamlit as st

from playground.conversation import Conversation

CONVERSATION = "conversation"  # playground.conversation.Conversation of this browser session


def conversation() -> Conversation:
    """This session's conversation (created on first use)."""
    return st.session_state.setdefault(CONVERSATION, Conversation())
