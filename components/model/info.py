"""The product page's model sections: header, about, specs, features, endpoints, Claude Code, FAQ, related."""

from __future__ import annotations

import streamlit as st

from components.state import MODEL_ID
from playground.facts.catalog import RELATED, Model
from playground.facts.page import PAGE
from playground.facts.providers import MODELSLAB
from playground.snippets import samples as snippets

PLAYGROUND_PAGE = "pages/chat.py"
RELATED_PER_ROW = 3
LINKS_PER_ROW = 3


def per_million(amount: object) -> str:
    """A catalogue price as the page writes it per 1M tokens, e.g. ``$0.30 / 1M tokens``."""
    return f"${amount} / 1M tokens"


def render_header(model: Model) -> None:
    """Name, model ID with copy, vendor, licence label and prices."""
    st.title(model.name, anchor=False)
    st.markdown(f":gray-badge[{model.vendor}] :violet-badge[{model.access}] :blue-badge[{PAGE.page_price_label}]")
    st.caption("Model ID (copy with the button on the right)")
    st.code(model.id, language=None)
    if model.price is not None:
        left, right = st.columns(2)
        left.metric("Input", per_million(model.price.input), border=True)
        right.metric("Output", per_million(model.price.output), border=True)
        st.caption(f"Source: {model.price.source}")


def render_about(model: Model) -> None:
    st.subheader(f"About {model.name}", anchor=False)
    st.write(PAGE.about)


def spec_rows(model: Model) -> dict[str, str]:
    """The technical specifications exactly as the page lists them, nothing added."""
    return {
        "Model ID": model.id,
        "Category": PAGE.category,
        "Task": PAGE.task,
        "Price": PAGE.price_per_million_text,
        "Added": PAGE.added,
    }


def render_specs(model: Model) -> None:
    """The page's technical specifications table; beside it the context window, which the page does not give."""
    st.subheader("Technical specifications", anchor=False)
    table, side = st.columns(2)
    rows = spec_rows(model)
    table.markdown("| Specification | Value |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows.items()))
    if model.context:
        side.metric("Context window", f"{model.context:,} tokens", border=True)
        side.caption(f"Not on the product page. Source: {model.context_source or 'the catalogue'}")


def render_quick_start_intro() -> None:
    """The page's Quick Start heading and introduction (with its link to the pricing page for a key)."""
    st.subheader("Quick start", anchor=False)
    st.markdown(PAGE.quick_start)


def render_docs_note() -> None:
    """The page's pointer to the full API documentation, under the samples."""
    st.markdown(PAGE.docs_note)


def render_pricing() -> None:
    """The page's Pricing section, quoted exactly, then its row of links."""
    st.subheader("Pricing", anchor=False)
    st.markdown(PAGE.pricing)
    st.caption("The playground prices replies per token (input and output); see the Pricing page.")
    render_links()


def render_links() -> None:
    """The page's link row and footer links, as real links, three to a row."""
    for start in range(0, len(PAGE.links), LINKS_PER_ROW):
        row = PAGE.links[start : start + LINKS_PER_ROW]
        for column, (label, url) in zip(st.columns(LINKS_PER_ROW), row, strict=False):
            column.link_button(label, url, icon=":material/open_in_new:", width="stretch")


def _bullets(title: str, items: tuple[str, ...]) -> None:
    st.subheader(title, anchor=False)
    st.markdown("\n".join(f"- {item}" for item in items))


def render_features_and_uses() -> None:
    left, right = st.columns(2)
    with left:
        _bullets("Key features", PAGE.features)
    with right:
        _bullets("Use cases", PAGE.use_cases)


def render_endpoints() -> None:
    """Every API endpoint, grouped by protocol, each in a copyable block."""
    st.subheader("API endpoints", anchor=False)
    for protocol in dict.fromkeys(p for p, _, _ in PAGE.endpoints):
        st.markdown(f"**{protocol}**")
        for _, label, path in (e for e in PAGE.endpoints if e[0] == protocol):
            st.caption(label)
            st.code(f"{MODELSLAB.base_url}{path}", language=None)


def render_claude_code(model: Model) -> None:
    """How to point Claude Code at ModelsLab's Anthropic-compatible API with ``model``."""
    st.subheader("Use with Claude Code", anchor=False)
    st.write(
        f"Claude Code speaks the Anthropic Messages API, which ModelsLab also serves. Set these variables "
        f"(your key in `{MODELSLAB.key_env}`) and start it with {model.name}:"
    )
    st.code(snippets.claude_code(model), language="bash")


def render_faq(model: Model) -> None:
    st.subheader(f"{model.name} FAQ", anchor=False)
    for question, answer in PAGE.faq:
        with st.expander(question):
            st.write(answer)


def render_related(current_id: str) -> None:
    """The page's related models; each button switches the playground to that model."""
    st.subheader("Related models", anchor=False)
    st.caption("Discover similar models you might be interested in")
    label, url = PAGE.all_models
    st.link_button(label, url, icon=":material/open_in_new:")
    for start in range(0, len(RELATED), RELATED_PER_ROW):  # row by row, so reading order is the page's order
        row = RELATED[start : start + RELATED_PER_ROW]
        for column, model in zip(st.columns(RELATED_PER_ROW), row, strict=False):
            with column.container(border=True):
                _related_card(model, model.id == current_id)


def _related_card(model: Model, selected: bool) -> None:
    name = f"[{model.name}]({model.page_url})" if model.page_url else model.name
    platform = f"[{model.platform}]({model.platform_url})" if model.platform_url else model.platform
    st.markdown(f"**{name}**  \n{model.access} · {platform}")
    if st.button(
        "In the playground" if selected else "Use in playground",
        key=f"related_{model.id}",
        icon=":material/chat:",
        disabled=selected,
    ):
        switch_to_model(model)


def switch_to_model(model: Model) -> None:
    """Open the playground on ``model``, with the model in the URL so a reload or a shared link keeps it."""
    st.session_state[MODEL_ID] = model.id
    # The picker is bound to ``model_id``; its URL value is the option as the picker formats it (the name).
    # Passed with the switch, the URL is written before the playground runs, in one history entry.
    st.switch_page(PLAYGROUND_PAGE, query_params={MODEL_ID: model.name})
