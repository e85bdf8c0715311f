"""Live code samples of the playground's current state: five language tabs and a streaming toggle (dialog-safe)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import streamlit as st

from playground.catalog import Model
from playground.params import GenerationParams
from playground.providers import ProviderConfig
from playground.snippets import samples as snippets
from playground.wire.protocols import Protocol

State = tuple[ProviderConfig, Model, GenerationParams, frozenset[str], Protocol, list[dict[str, str]]]


def current_state() -> State:
    """Config, model, parameters, parameters turned off, protocol and conversation of this session."""
    from components.settings import current_settings
    from components.state import conversation

    settings = current_settings()
    return (
        settings.config,
        settings.model,
        settings.params,
        settings.disabled,
        settings.protocol,
        conversation().history(),
    )


def _reasons(title: str, reasons: Mapping[str, str]) -> None:
    if reasons:
        lines = "\n".join(f"- `{name}`: {why}" for name, why in sorted(reasons.items()))
        st.caption(f"{title}\n{lines}")


def render_code_samples(
    *,
    config: ProviderConfig,
    model: Model,
    params: GenerationParams,
    history: Iterable[Mapping[str, str]],
    disabled: Iterable[str] = (),
    protocol: Protocol = "openai",
    key: str = "code_samples",
) -> snippets.Samples:
    """Tabs of samples that send exactly the app's next request (the key only ever from the environment)."""
    history = list(history)
    stream = st.toggle(
        "Streaming",
        value=True,
        key=f"{key}_stream",
        help="Stream the reply token by token (server-sent events), or wait for it whole.",
    )
    samples = snippets.build_samples(
        config, model, params, history, stream=stream, disabled=disabled, protocol=protocol
    )
    source = f"{len(history)} message(s) of this conversation" if history else "the first starter prompt"
    keyed = any(snippets.KEY_PLACEHOLDER in code for code in samples.code.values())
    key_env = samples_key_env(config)
    key_note = f" The key is read from `{key_env}`, else the placeholder `YOUR_API_KEY`." if keyed else ""
    st.caption(f"{samples.provider_label} · {model.name} · `{samples.url}` · messages: {source}.{key_note}")
    if samples.note:
        st.info(samples.note, icon=":material/info:")
    tabs = st.tabs([samples.labels[name] for name in snippets.LANGUAGES])
    for tab, name in zip(tabs, snippets.LANGUAGES, strict=True):
        with tab:
            st.code(samples.code[name], language=snippets.LANGUAGE_OF[name])
    _reasons("Left out, as the app leaves them out:", samples.omitted)
    _reasons("Sent with a changed value:", samples.adjusted)
    return samples


def samples_key_env(config: ProviderConfig) -> str:
    """The environment variable the samples read the key from."""
    cfg, _ = snippets.sample_config(config)
    return cfg.provider.key_env or "API_KEY"


def render_current_code_samples(key: str = "code_samples") -> snippets.Samples:
    """Samples for this session's playground state (what the "View code" dialog and the model page show)."""
    config, model, params, disabled, protocol, history = current_state()
    return render_code_samples(
        config=config, model=model, params=params, history=history, disabled=disabled, protocol=protocol, key=key
    )


@st.dialog("Code for this conversation", width="large")
def code_dialog() -> None:
    """A "View code" dialog over the current page with the samples for this session's state."""
    render_current_code_samples(key="dialog_code")
