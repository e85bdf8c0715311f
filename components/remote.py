"""What the provider itself can tell us, fetched once per session: its model list and exact token counts."""

from __future__ import annotations

import hashlib

import streamlit as st

from playground.chat_state import ChatState
from playground.conversation import Conversation
from playground.errors import PlaygroundError
from playground.providers import ProviderConfig
from playground.wire import anthropic_messages


def _tag(config: ProviderConfig) -> str:
    digest = hashlib.sha256(config.api_key.encode()).hexdigest()[:12]  # cache per key without keeping it
    return f"{config.provider.id}|{config.base_url}|{digest}"


def remote_model_ids(config: ProviderConfig) -> list[str]:
    """The provider's ``/v1/models`` list for this key (empty when it lists none, keyless or on any failure)."""
    if not config.provider.lists_models or not config.api_key:
        return []
    cache = st.session_state.setdefault("remote_models", {})
    tag = _tag(config)
    if tag not in cache:
        try:
            cache[tag] = anthropic_messages.list_models(config)
        except PlaygroundError:
            cache[tag] = []  # the catalogue is the fallback
    return cache[tag]


def exact_input_tokens(state: ChatState, conv: Conversation) -> int | None:
    """The exact input tokens of the history from ``/v1/messages/count_tokens``, when the Messages API is used."""
    config = state.config
    if state.protocol != "anthropic" or not config.api_key:
        return None
    state = state.with_history(conv.history())  # built only when asked for: the footer runs on every slider move
    cache = st.session_state.setdefault("exact_tokens", {})
    digest = hashlib.sha256(repr((state.params.system, state.history)).encode()).hexdigest()
    tag = (_tag(config), state.model.id, digest)
    if tag not in cache:
        try:
            cache[tag] = anthropic_messages.count_tokens(state)
        except PlaygroundError:
            cache[tag] = None
    return cache[tag]
