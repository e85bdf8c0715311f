"""What the provider itself can tell us, fetched once per session: its model list and exact token counts."""

from __future__ import annotations

import hashlib

from components import state
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
    cache = state.cache(state.REMOTE_MODELS)
    tag = _tag(config)
    if tag not in cache:
        try:
            cache[tag] = anthropic_messages.list_models(config)
        except PlaygroundError:
            cache[tag] = []  # the catalogue is the fallback
    return cache[tag]


def exact_input_tokens(chat: ChatState, conv: Conversation) -> int | None:
    """The exact input tokens of the history from ``/v1/messages/count_tokens``, when the Messages API is used."""
    config = chat.config
    if chat.protocol != "anthropic" or not config.api_key:
        return None
    chat = chat.with_history(conv.history())  # built only when asked for: the footer runs on every slider move
    cache = state.cache(state.EXACT_TOKENS)
    digest = hashlib.sha256(repr((chat.params.system, chat.history)).encode()).hexdigest()
    tag = (_tag(config), chat.model.id, digest)
    if tag not in cache:
        try:
            cache[tag] = anthropic_messages.count_tokens(chat)
        except PlaygroundError:
            cache[tag] = None
    return cache[tag]
