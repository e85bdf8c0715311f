"""The playground's sidebar: provider, key, model, system message and every generation parameter."""

from __future__ import annotations

import os

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components import settings as cfg
from components import state as keys
from components.chat.footer import render_footer
from components.presets import render_presets
from components.remote import model_check, remote_model_ids
from components.tools import dialog
from playground.facts import catalog, providers
from playground.facts.params import DEFAULTS, SAMPLING_FIELDS, spec
from playground.facts.providers import PROTOCOLS
from playground.text import plain
from playground.wire.protocols import build_plan

LABELS = {
    "temperature": "Temperature",
    "max_tokens": "Max tokens",
    "top_p": "Top P",
    "frequency_penalty": "Frequency penalty",
    "presence_penalty": "Presence penalty",
}


ADVANCED = ("top_p", "frequency_penalty", "presence_penalty")  # in the collapsed "Advanced" part


def reset_defaults() -> None:
    """Put every parameter and the system message back to the product page's defaults."""
    state = st.session_state
    for name in SAMPLING_FIELDS:
        state[name] = getattr(DEFAULTS, name)
    state[keys.SYSTEM] = DEFAULTS.system
    state["reasoning_effort"] = "default"


def _param_control(name: str, reason: str | None, max_value: float | None) -> None:
    """One slider per parameter (drag, or focus it and use the arrow keys); disabled with its reason when the
    model rejects it."""
    info = spec(name)
    top = max_value if max_value is not None else info["max"]
    kind = int if name == "max_tokens" else float
    state = st.session_state
    state.setdefault(name, info["default"])
    if state[name] > top:  # the model's context can be smaller than the value in the URL
        state[name] = kind(top)
    st.slider(
        LABELS[name],
        kind(info["min"]),
        kind(top),
        step=kind(info["step"]),
        key=name,
        help=info["help"],
        disabled=reason is not None,
        bind="query-params",
    )
    if reason:
        st.caption(f":material/block: Not sent: {reason}.")


def _provider_and_key() -> str:
    """Provider picker, base URL (custom) and the key field; returns the chosen provider id."""
    allowed = providers.allowed_provider_ids(os.environ, cfg.secrets())
    default = cfg.default_provider_id()
    index = allowed.index(default) if default in allowed else 0
    if keys.PROVIDER in st.session_state:  # set by a preset or "Continue with this one": a default beside it warns
        index = 0
    provider_id = st.selectbox(
        "Provider",
        allowed,
        help="The offline engine answers on this machine: no network, no key, not Grok.",
        index=index,
        key=keys.PROVIDER,
        format_func=lambda p: providers.PROVIDERS[p].label,
        bind="query-params",
    )
    provider = providers.PROVIDERS[provider_id]
    if provider.offline:  # the page's header says it too, in a badge
        return provider_id
    public = providers.public_mode(os.environ, cfg.secrets())
    if provider.user_url and not providers.custom_url_hidden(os.environ, cfg.secrets()):
        st.text_input(
            "Base URL",
            key=keys.BASE_URL,
            placeholder="https://llm.example.com/v1" if public else provider.base_url,
            help="Any OpenAI-compatible server: Ollama, llama.cpp server, vLLM, LM Studio."
            + (" This shared deployment calls public addresses only." if public else ""),
        )
    st.text_input(
        "API key",
        type="password",
        key=keys.typed_key(provider_id),
        autocomplete="off",
        help="Kept only in this browser session; never put in the URL, exports or code samples.",
    )
    _key_caption(provider)
    if len(provider.protocols) > 1:
        st.radio(
            "Protocol",
            list(provider.protocols),
            key=keys.PROTOCOL,
            horizontal=True,
            format_func=PROTOCOLS.get,
            help=f"{provider.label} serves both Chat Completions and Anthropic Messages for this model.",
        )
    if provider.body_key_auth:
        anthropic = st.session_state.get(keys.PROTOCOL) == "anthropic"
        other = "x-api-key header" if anthropic else "In the body (as on the page)"
        st.radio(
            "Send the key",
            ["header", "body"],
            key=keys.KEY_STYLE,
            horizontal=True,
            format_func={"header": "Bearer header", "body": other}.get,
        )
    return provider_id


def _key_caption(provider: providers.Provider) -> None:
    typed = st.session_state.get(keys.typed_key(provider.id))
    key, source = providers.key_for(provider, os.environ, cfg.secrets())
    config = cfg.resolve_config(provider.id)
    problem = providers.key_problem(provider, os.environ, cfg.secrets())
    if config.problem or problem:
        st.warning(plain(config.problem or problem), icon=":material/error:")
    elif typed:
        st.caption(":material/key: Using the key typed here (this session only).")
    elif key and config.url_source == "user":
        st.caption(":material/key_off: The server's key is only sent to its own URL: enter your key for this one.")
    elif key:
        if providers.public_mode(os.environ, cfg.secrets()):  # users need not learn where the operator keeps it
            st.caption(":material/key: Using this deployment's key.")
        else:
            st.caption(f":material/key: Using the key from {source} ({provider.key_env}).")
    elif provider.key_required:
        st.caption(
            f":material/cloud_off: No {provider.label} key: replies come from the offline engine until "
            f"you enter one or set {provider.key_env}."
        )


def _model_picker(provider_id: str) -> catalog.Model:
    ids = list(catalog.MODELS)
    ids += [m for m in remote_model_ids(cfg.resolve_config(provider_id)) if m not in catalog.MODELS]
    ids += [m for m in keys.switched_models() if m not in ids]
    configured = providers.configured_model(os.environ, cfg.secrets())
    if configured and configured not in ids:
        ids.insert(0, configured)
    default = configured or catalog.DEFAULT_MODEL_ID
    model_id = st.selectbox(
        "Model",
        ids,
        index=0 if keys.MODEL_ID in st.session_state else ids.index(default),  # the session's value wins
        key=keys.MODEL_ID,
        format_func=lambda m: catalog.get_model(m).name,
        bind="query-params",
    )
    model = catalog.get_model(model_id)
    _served_caption(cfg.resolve_config(provider_id), model)
    return model


def _served_caption(config: providers.ProviderConfig, model: catalog.Model) -> None:
    """Whether the provider's own model list (read with the key) has the chosen model; nothing without a key."""
    check = model_check(config, model)
    name, label = model.name_for(config.provider.id), config.provider.label
    if check.status == "served":
        st.caption(f":material/check_circle: `{name}` is in {label}'s model list.")
    elif check.status == "not served":
        st.caption(
            f":material/warning: `{name}` is not in {label}'s model list: the request may fail, or another "
            "model may answer."
        )
    elif check.reason:
        st.caption(f":material/help: Could not read {label}'s model list: {plain(check.reason)}")


def _choice(current: cfg.Settings) -> tuple[object, ...]:
    """What the whole page and the parameter controls depend on; a change redraws the whole page."""
    return current.config.provider.id, current.model.id, current.protocol, current.disabled


def _omitted(current: cfg.Settings) -> dict[str, str]:
    """Parameters the selected model or protocol rejects, with the reason (the server's, after a family retry)."""
    dropped = keys.dropped_params(current.model.id, current.config.base_url)
    return {name: dropped.get(name, reason) for name, reason in build_plan(current.state).omitted.items()}


@st.fragment
def _general(
    top: DeltaGenerator,
    max_slot: DeltaGenerator,
    bottom: DeltaGenerator,
    effort: DeltaGenerator,
    footer: DeltaGenerator,
) -> None:
    """Provider, key, model, system message, max tokens and effort, with the footer that depends on them."""
    with top:
        provider_id = _provider_and_key()
        _model_picker(provider_id)
        st.session_state.setdefault(keys.SYSTEM, DEFAULTS.system)  # a default, not value=: Reset writes the state
        st.text_area("System message", key=keys.SYSTEM, height=96, bind="query-params")
    current = cfg.current_settings()
    if not st.session_state.get(keys.FULL_RUN, True) and _choice(current) != st.session_state.get(keys.CHOICE):
        st.rerun()  # the header, prices, history labels and the other controls depend on these
    with max_slot:
        _param_control("max_tokens", _omitted(current).get("max_tokens"), current.model.context)
    with effort:
        if current.model.reasoning:
            st.selectbox(
                "Reasoning effort",
                ["default", "low", "high"],
                key="reasoning_effort",
                bind="query-params",
                help=spec("reasoning_effort")["help"] + " default: the provider's.",
            )
    with bottom:
        current = cfg.current_settings()
        if current.problem:
            st.warning(current.problem, icon=":material/error:")
    render_footer(footer, current)


@st.fragment
def _param_fragment(slot: DeltaGenerator, name: str, reason: str | None) -> None:
    """One parameter nothing else on the page shows: a move redraws this control only (3 elements)."""
    with slot:
        _param_control(name, reason, None)


def render_sidebar(footer_slot: DeltaGenerator) -> cfg.Settings:
    """Lay out the sidebar, fill it with fragments, return the settings; a move never reruns the history.

    The fragments are siblings writing into slots drawn here (a fragment inside a fragment that writes outside
    itself breaks Streamlit's element paths). Reset is drawn here too: it changes every control, so it reruns all.
    """
    with st.sidebar:
        top = st.container()
        slots = {name: st.container() for name in SAMPLING_FIELDS if name not in ADVANCED}
        bottom = st.container()
        advanced = st.expander("Advanced", icon=":material/tune:", key="sidebar_advanced")
        effort = advanced.container()
        slots |= {name: advanced.container() for name in ADVANCED}
    st.session_state[keys.FULL_RUN] = True
    _general(top, slots["max_tokens"], bottom, effort, footer_slot)
    st.session_state[keys.FULL_RUN] = False
    current = cfg.current_settings()
    st.session_state[keys.CHOICE] = _choice(current)
    omitted = _omitted(current)
    for name in SAMPLING_FIELDS:
        if name != "max_tokens":
            _param_fragment(slots[name], name, omitted.get(name))
    with advanced:
        dialog.render_entry(current.protocol)
        st.toggle(
            "Load images in replies",
            key=keys.LOAD_IMAGES,
            help="Off: an image in a reply shows as a link naming its host, so that host learns nothing (not even "
            "that the reply was viewed) until you open it.",
        )
        st.button(
            "Reset to page defaults", icon=":material/restart_alt:", key="reset_defaults", on_click=reset_defaults
        )
    with st.sidebar:
        render_presets(current)
    return current
