"""The playground's current settings, read from session state (shared by every page)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from secrets import token_urlsafe

import streamlit as st

from components import state as keys
from components.tools.panel import tool_settings
from playground.chat.state import ChatState
from playground.facts import catalog, providers
from playground.facts.params import DEFAULTS, SAMPLING_FIELDS, GenerationParams, parse
from playground.facts.providers import Protocol, ProviderConfig

PARAM_KEYS = ("system", *SAMPLING_FIELDS, "reasoning_effort")  # widget keys, also the URL parameter names


@dataclass(frozen=True, slots=True)
class Settings:
    """What the next request will use: the chat state without its history, and any problem with typed values."""

    state: ChatState  # history empty: the page adds the conversation where a request is built
    problem: str = ""  # a plain message when a typed value was out of range (the last valid value is used)

    @property
    def config(self) -> ProviderConfig:
        return self.state.config

    @property
    def model(self) -> catalog.Model:
        return self.state.model

    @property
    def params(self) -> GenerationParams:
        return self.state.params

    @property
    def disabled(self) -> frozenset[str]:
        return self.state.disabled

    @property
    def protocol(self) -> Protocol:
        return self.state.protocol


def secrets() -> Mapping[str, object]:
    """``st.secrets`` as a mapping, or empty when there is no secrets file."""
    try:
        return dict(st.secrets)
    except (FileNotFoundError, KeyError, OSError):
        return {}
    except Exception:  # noqa: BLE001 - a malformed secrets file must not break the app
        return {}


def default_provider_id() -> str:
    """The provider the app starts on: the configured one if it has a key (or needs none), else offline."""
    return providers.resolve(None, env=os.environ, secrets=secrets()).provider.id


def resolve_config(provider_id: str) -> ProviderConfig:
    """The provider config for ``provider_id`` with this session's typed key, environment or secrets."""
    state = st.session_state
    typed = state.get(keys.typed_key(provider_id), "") or ""
    provider = providers.PROVIDERS.get(provider_id)
    base_url = state.get(keys.BASE_URL) if provider and provider.user_url else None
    auth = "body" if provider and provider.body_key_auth and state.get(keys.KEY_STYLE) == "body" else None
    config = providers.resolve(
        provider_id,
        env=os.environ,
        secrets=secrets(),
        session_key=typed.strip(),
        base_url=base_url or None,
        auth=auth,
    )
    # chat, compare and test sets all send with this config: the session's connections are bounded across them
    return replace(config, session=state.setdefault(keys.WORKSPACE_SESSION, token_urlsafe(16)))


def params_from_state() -> tuple[GenerationParams, str]:
    """The parameters from the sidebar's widgets (defaults where a widget has not rendered yet)."""
    state = st.session_state
    values = {k: state[k] for k in PARAM_KEYS if k in state}
    if values.get("reasoning_effort") in ("", "default"):
        values["reasoning_effort"] = None
    try:
        params = parse({**DEFAULTS.model_dump(), **values})
    except ValueError as exc:
        return state.get(keys.PARAMS, DEFAULTS), str(exc)
    state[keys.PARAMS] = params
    return params, ""


def current_settings() -> Settings:
    """Provider config, model, parameters and the parameters turned off, for this session."""
    state = st.session_state
    provider_id = state.get(keys.PROVIDER) or default_provider_id()
    model_id = (
        state.get(keys.MODEL_ID) or providers.configured_model(os.environ, secrets()) or catalog.DEFAULT_MODEL_ID
    )
    model = catalog.get_model(model_id)
    params, problem = params_from_state()
    config = resolve_config(provider_id)
    disabled = keys.disabled_params(model.id) | frozenset(keys.dropped_params(model.id, config.base_url))
    chosen = state.get(keys.PROTOCOL, "openai")
    protocol = chosen if chosen in config.provider.protocols else "openai"
    state_ = ChatState(config, model, params, disabled=disabled, protocol=protocol, tools=tool_settings())
    return Settings(state_, problem)


def current_chat_state() -> ChatState:
    """This session's chat state: the current settings over the conversation so far."""
    return current_settings().state.with_history(keys.conversation().history())
