"""What the provider itself can tell us, fetched once per session: its model list and exact token counts."""

from __future__ import annotations

import hashlib
import os

from components import state
from components.settings import secrets
from playground.chat.conversation import Conversation
from playground.chat.errors import PlaygroundError
from playground.chat.state import ChatState
from playground.facts import providers
from playground.facts.catalog import Model
from playground.facts.providers import ProviderConfig
from playground.wire import anthropic_messages, tokenize
from playground.wire.models import ModelCheck, list_style, model_ids, served_status
from playground.wire.request import chat_messages


def _tag(config: ProviderConfig) -> str:
    digest = hashlib.sha256(config.api_key.encode()).hexdigest()[:12]  # cache per key without keeping it
    return f"{config.provider.id}|{config.base_url}|{digest}"


def _listing(config: ProviderConfig) -> tuple[list[str], str]:
    """The provider's model list for this key and why it failed ("" when it did not), fetched once a session."""
    if not providers.base_url_allowed(config.base_url, os.environ, secrets()):
        return [], "this deployment does not allow requests to this base URL"
    cache = state.cache(state.REMOTE_MODELS)
    tag = _tag(config)
    if tag not in cache:
        try:
            cache[tag] = (model_ids(config, style=list_style(config.provider)), "")
        except PlaygroundError as err:
            cache[tag] = ([], err.message)  # the catalogue is the fallback
    return cache[tag]


def remote_model_ids(config: ProviderConfig) -> list[str]:
    """The provider's ``/v1/models`` list for this key (empty when it lists none, keyless or on any failure)."""
    if not config.provider.lists_models or not config.api_key:
        return []
    return _listing(config)[0]


def model_check(config: ProviderConfig, model: Model) -> ModelCheck:
    """Whether ``model`` is in the provider's model list (needs a key; unknown without one or on failure)."""
    if config.provider.offline or not config.api_key:
        return ModelCheck("unknown")
    ids, reason = _listing(config)
    return ModelCheck(served_status(model=model, provider_id=config.provider.id, ids=ids), ids, reason)


def exact_source(chat: ChatState) -> str:
    """What counts the prompt exactly for ``chat`` ("" when the estimator does)."""
    if chat.protocol == "anthropic" and chat.config.api_key:
        return "the provider's count_tokens"
    return tokenize.SOURCE if tokenize.available(chat.config) else ""


def exact_input_tokens(chat: ChatState, conv: Conversation) -> int | None:
    """The exact input tokens of the history: from ``/v1/messages/count_tokens`` when the Messages API is used,
    from xAI's ``/v1/tokenize-text`` (each text once, see playground/wire/tokenize.py) when xAI is used directly;
    None (keep the estimate) otherwise or on any failure."""
    config = chat.config
    if chat.protocol != "anthropic" and tokenize.available(config):
        counter = tokenize.ExactCounter(state.cache(state.EXACT_TOKENS))
        model = chat.model.name_for(config.provider.id)
        counted = counter.count_messages(
            config, model=model, messages=chat_messages(chat.params.system, conv.history())
        )
        return None if counted is None else counted.tokens + chat.tools.extra_tokens()
    if chat.protocol != "anthropic" or not config.api_key:
        return None
    chat = chat.with_history(conv.history())  # built only when asked for: the footer runs on every slider move
    cache = state.cache(state.EXACT_TOKENS)
    digest = hashlib.sha256(repr((chat.params.system, chat.history, chat.tools)).encode()).hexdigest()
    tag = (_tag(config), chat.model.id, digest)
    if tag not in cache:
        try:
            cache[tag] = anthropic_messages.count_tokens(chat)
        except PlaygroundError:
            cache[tag] = None
    return cache[tag]
