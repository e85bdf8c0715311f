"""The compare page's variant columns: each its own provider, model, system message, parameters, effort, tools and
response format."""

from __future__ import annotations

import os
from dataclasses import replace

import streamlit as st

from components import settings as cfg
from components import state as keys
from components.compare import column_tools
from components.tools.panel import tool_settings
from playground.experiments.variant import STARTING_SETS, Variant
from playground.facts import catalog, providers
from playground.facts.params import parse, spec

COUNT = "cmp_count"  # how many variant columns (2 to 4)
MIN_VARIANTS, MAX_VARIANTS = 2, 4
EFFORTS = ("default", "low", "high")
EXTRA = "extra"  # a loaded variant's parameters the columns do not show (else the playground's)
KEPT_PARAMS = ("frequency_penalty", "presence_penalty", "stop")
FIELDS = (
    "label",
    "provider",
    "model",
    "system",
    "temperature",
    "max_tokens",
    "top_p",
    "effort",
    *column_tools.FIELDS,
)


def key(i: int, name: str) -> str:
    """The widget key of field ``name`` in column ``i``."""
    return f"cmp_{i}_{name}"


def _write(i: int, variant: Variant) -> None:
    """Put ``variant`` into column ``i``'s widgets (callbacks only: before the widgets are drawn)."""
    state, p = st.session_state, variant.params
    values = {
        "label": variant.label,
        "provider": variant.config.provider.id,
        "model": variant.model.id,
        "system": p.system,
        "temperature": p.temperature,
        "max_tokens": p.max_tokens,
        "top_p": p.top_p,
        "effort": p.reasoning_effort or "default",
        **column_tools.texts(variant.tools),
    }
    for name, value in values.items():
        state[key(i, name)] = value
    state.pop(key(i, EXTRA), None)  # penalties and stop follow the playground again


def load(variants: list[Variant]) -> None:
    """Put saved variants into the columns (a callback), their penalties and stop kept with them."""
    state = st.session_state
    state[COUNT] = max(MIN_VARIANTS, min(MAX_VARIANTS, len(variants)))
    for i, variant in enumerate(variants[:MAX_VARIANTS]):
        _write(i, variant)
        state[key(i, EXTRA)] = {name: getattr(variant.params, name) for name in KEPT_PARAMS}


def base_variant() -> Variant:
    """The playground's current settings as a variant."""
    s = cfg.current_settings().state
    return Variant("Playground", s.config, s.model, s.params, s.protocol, s.disabled, s.tools)


def ensure_columns() -> None:
    """Start the columns from the playground's current settings the first time the page opens."""
    state = st.session_state
    if COUNT in state and all(key(i, "provider") in state for i in range(state[COUNT])):
        return
    base = base_variant()
    state[COUNT] = MIN_VARIANTS
    for i in range(MIN_VARIANTS):
        _write(i, replace(base, label=f"Variant {i + 1}"))


def apply_set(name: str) -> None:
    """Replace the columns by a starting set built on the playground's current settings."""
    made = STARTING_SETS[name](base_variant())
    st.session_state[COUNT] = len(made)
    for i, variant in enumerate(made):
        _write(i, variant)


def add_column() -> None:
    """Add a column copying the last one."""
    state = st.session_state
    n = state[COUNT]
    if n < MAX_VARIANTS:
        for name in FIELDS:
            state[key(n, name)] = state.get(key(n - 1, name), "")
        state[key(n, "label")] = f"Variant {n + 1}"
        state[COUNT] = n + 1


def remove_column() -> None:
    """Drop the last column."""
    st.session_state[COUNT] = max(MIN_VARIANTS, st.session_state[COUNT] - 1)


def render_toolbar() -> None:
    """One-click starting sets, and add or remove a column."""
    cols = st.columns(len(STARTING_SETS) + 2)
    for n, (col, name) in enumerate(zip(cols, STARTING_SETS, strict=False)):
        col.button(name, key=f"cmp_set_{n}", on_click=apply_set, args=(name,), icon=":material/tune:")
    count = st.session_state[COUNT]
    cols[-2].button(
        "Add variant", key="cmp_add", on_click=add_column, disabled=count >= MAX_VARIANTS, icon=":material/add:"
    )
    cols[-1].button(
        "Remove variant",
        key="cmp_remove",
        on_click=remove_column,
        disabled=count <= MIN_VARIANTS,
        icon=":material/remove:",
    )


def _controls(i: int) -> None:
    allowed = providers.allowed_provider_ids(os.environ, cfg.secrets())
    state = st.session_state
    if state.get(key(i, "provider")) not in allowed:
        state[key(i, "provider")] = allowed[0]
    st.text_input("Label", key=key(i, "label"))
    st.selectbox("Provider", allowed, key=key(i, "provider"), format_func=lambda p: providers.PROVIDERS[p].label)
    st.selectbox("Model", list(catalog.MODELS), key=key(i, "model"), format_func=lambda m: catalog.MODELS[m].name)
    st.text_area("System message", key=key(i, "system"), height=80)
    for name, label in (("temperature", "Temperature"), ("top_p", "Top P")):
        info = spec(name)
        st.slider(label, float(info["min"]), float(info["max"]), step=float(info["step"]), key=key(i, name))
    info = spec("max_tokens")
    st.number_input("Max tokens", int(info["min"]), int(info["max"]), step=1, key=key(i, "max_tokens"))
    st.selectbox("Reasoning effort", EFFORTS, key=key(i, "effort"))
    column_tools.render(key, i)


def render_columns() -> list[Variant]:
    """Draw every column's controls; the variants they describe."""
    count = st.session_state[COUNT]
    variants = []
    for i, col in enumerate(st.columns(count)):
        with col, st.expander(st.session_state.get(key(i, "label")) or f"Variant {i + 1}", expanded=True):
            _controls(i)
            variant = variant_at(i)
            chosen = providers.PROVIDERS[st.session_state[key(i, "provider")]]
            if variant.config.provider.offline and not chosen.offline:
                st.caption(
                    f":material/cloud_off: No key for {chosen.label} (type one in the playground's sidebar): "
                    "this column runs on the offline engine."
                )
            problem = column_tools.problems().get(i)
            if problem:
                st.error(problem, icon=":material/error:")
        variants.append(variant)
    return variants


def variant_at(i: int) -> Variant:
    """Column ``i`` as a variant (penalties and stop from the playground unless loaded with it; validated)."""
    state = st.session_state
    current = cfg.current_settings()
    effort = state[key(i, "effort")]
    params = parse(
        {
            **current.params.model_dump(),
            **state.get(key(i, EXTRA), {}),
            "system": state[key(i, "system")],
            "temperature": state[key(i, "temperature")],
            "max_tokens": state[key(i, "max_tokens")],
            "top_p": state[key(i, "top_p")],
            "reasoning_effort": None if effort == "default" else effort,
        }
    )
    provider_id = state[key(i, "provider")]
    config = cfg.resolve_config(provider_id)
    model = catalog.get_model(state[key(i, "model")])
    protocol = current.protocol if current.protocol in config.provider.protocols else "openai"
    disabled = keys.disabled_params(model.id)
    label = state[key(i, "label")] or f"Variant {i + 1}"
    tools = column_tools.settings_at(key, i, tool_settings())
    return Variant(label, config, model, params, protocol, disabled, tools)


def blocking_problem() -> str | None:
    """Why nothing can be sent from the columns now (a column's tools or schema do not parse), or None."""
    return column_tools.blocking_problem(st.session_state[COUNT])
