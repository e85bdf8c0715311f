"""Live code samples of the playground's current state: five language tabs and a streaming toggle (dialog-safe),
and beside them the product page's fixed Quick Start samples."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from components.settings import current_chat_state
from playground.chat.state import ChatState
from playground.facts.providers import ProviderConfig
from playground.snippets import quickstart, samples
from playground.wire.request import KEY_PLACEHOLDER


def _reasons(title: str, reasons: Mapping[str, str]) -> None:
    if reasons:
        lines = "\n".join(f"- `{name}`: {why}" for name, why in sorted(reasons.items()))
        st.caption(f"{title}\n{lines}")


def render_code_samples(
    state: ChatState, *, key: str = "code_samples", quick_start_first: bool = False
) -> samples.Samples:
    """Tabs of samples that send exactly the app's next request (the key only ever from the environment), and the
    product page's Quick Start: first and open on the model page (under its Quick start heading), else last."""
    stream = st.toggle(
        "Streaming",
        value=True,
        key=f"{key}_stream",
        help="Stream the reply token by token (server-sent events), or wait for it whole.",
    )
    state = state.evolve(stream=stream)
    built = samples.build_samples(state)
    history = state.history
    source = f"{len(history)} message(s) of this conversation" if history else "the first starter prompt"
    keyed = any(KEY_PLACEHOLDER in code for code in built.code.values())
    key_env = samples_key_env(state.config)
    key_note = f" The key is read from `{key_env}`, else the placeholder `YOUR_API_KEY`." if keyed else ""
    st.caption(f"{built.provider_label} · {state.model.name} · `{built.url}` · messages: {source}.{key_note}")
    if built.note:
        st.info(built.note, icon=":material/info:")
    live = [built.labels[name] for name in samples.LANGUAGES]
    if quick_start_first:
        page_tab, *tabs = st.tabs([QUICK_START_TAB, *live], default=QUICK_START_TAB)
    else:
        *tabs, page_tab = st.tabs([*live, QUICK_START_TAB])
    for tab, name in zip(tabs, samples.LANGUAGES, strict=True):
        with tab:
            st.code(built.code[name], language=samples.LANGUAGE_OF[name])
    with page_tab:
        render_quick_start()
    _reasons("Left out, as the app leaves them out:", built.omitted)
    _reasons("Sent with a changed value:", built.adjusted)
    return built


QUICK_START_TAB = "Quick start (product page)"
QUICK_START_NOTE = (
    'The product page\'s own samples: one fixed request ("Hello!", max_tokens 1000) with `model_id` and `key` '
    "in the body, the key a placeholder. They do not follow the playground's settings or conversation."
)


def render_quick_start() -> None:
    """The product page's Quick Start samples in its four languages (no key needed, none ever shown)."""
    st.caption(QUICK_START_NOTE)
    code = quickstart.samples()
    tabs = st.tabs([quickstart.LABELS[lang] for lang in quickstart.LANGUAGES])
    for tab, lang in zip(tabs, quickstart.LANGUAGES, strict=True):
        with tab:
            st.code(code[lang], language=quickstart.HIGHLIGHT[lang])


def samples_key_env(config: ProviderConfig) -> str:
    """The environment variable the samples read the key from."""
    cfg, _ = samples.sample_config(config)
    return cfg.provider.key_env or "API_KEY"


def render_current_code_samples(key: str = "code_samples") -> samples.Samples:
    """Samples for this session's playground state (what the "View code" dialog and the model page show)."""
    return render_code_samples(current_chat_state(), key=key)


@st.dialog("Code for this conversation", width="large")
def code_dialog() -> None:
    """A "View code" dialog over the current page with the samples for this session's state."""
    render_current_code_samples(key="dialog_code")
