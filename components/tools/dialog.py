"""The "Tools and output format" dialog: its contents are built only while it is open (the page stays light)."""

from __future__ import annotations

import streamlit as st

from components import state as keys
from components.tools import panel as tp
from playground.tools.examples import STARTING_SCHEMAS
from playground.tools.functions import CHOICE_MODES
from playground.tools.response_format import ANTHROPIC_NO_JSON_MODE, FORMAT_KINDS, FORMAT_LABELS
from playground.tools.settings import MAX_ROUND_LIMIT


def _open() -> None:
    st.session_state[keys.TOOLS_OPEN] = True


def _close() -> None:
    st.session_state[keys.TOOLS_OPEN] = False


def render_entry(protocol: str) -> None:
    """The sidebar's button, a one-line summary, and the problem that blocks sending (if any)."""
    settings = tp.tool_settings()
    st.button(
        "Tools and output format", icon=":material/build:", key="open_tools", on_click=_open, width="stretch"
    )
    st.caption(f":material/tune: {tp.summary(settings)}")
    if protocol == "anthropic" and settings.response_format.kind != "text":
        st.caption(f":material/block: Output format not sent: {ANTHROPIC_NO_JSON_MODE}")
    problem = tp.blocking_problem()
    if problem:
        st.warning(problem, icon=":material/error:")
    if st.session_state.get(keys.TOOLS_OPEN):
        tools_dialog()


@st.dialog("Tools and output format", width="large", on_dismiss=_close)
def tools_dialog() -> None:
    """Output format, tools and how calls are answered, in three tabs."""
    tabs = st.tabs(list(TABS), key=TAB_KEY, on_change="rerun")  # the open tab stays open; only it is built
    for tab, draw in zip(tabs, TABS.values(), strict=True):
        with tab:
            if tab.open:
                draw()
    if st.button("Done", type="primary", key="tools_done", icon=":material/check:"):
        _close()
        st.rerun()


def _format_editor() -> None:
    """Response format: text, JSON object, or JSON schema with its editor."""
    settings = tp.tool_settings()
    fmt = settings.response_format
    tp.seed(tp.W_FORMAT, fmt.kind)
    st.radio(
        "Response format",
        list(FORMAT_KINDS),
        key=tp.W_FORMAT,
        horizontal=True,
        format_func=FORMAT_LABELS.get,
        on_change=tp.on_format,
        help="JSON object asks for any JSON object; JSON schema asks for JSON valid for the schema below.",
    )
    if st.session_state[tp.W_FORMAT] != "json_schema":
        return
    with st.container(horizontal=True):
        for name in STARTING_SCHEMAS:
            st.button(f"Start from {name}", key=f"schema_start_{name}", on_click=tp.use_schema, args=(name,))
    tp.seed(tp.W_NAME, fmt.name)
    tp.seed(tp.W_STRICT, fmt.strict)
    tp.seed(tp.W_SCHEMA, tp.texts()["schema"])
    st.text_input("Schema name", key=tp.W_NAME, on_change=tp.on_format)
    st.toggle("Strict", key=tp.W_STRICT, on_change=tp.on_format, help="Ask the provider to follow it exactly.")
    st.text_area("JSON schema", key=tp.W_SCHEMA, height=300, on_change=tp.on_schema)
    problem = tp.problems().get("schema")
    if problem:
        st.error(problem, icon=":material/error:")
    elif tp.texts()["schema"].strip():
        st.caption(":material/check_circle: A valid JSON Schema.")


def _tools_editor() -> None:
    settings = tp.tool_settings()
    tp.seed(tp.W_TOOLS, tp.texts()["tools"])
    st.button("Load the examples", key="tools_examples", icon=":material/library_add:", on_click=tp.use_examples)
    st.text_area(
        "Function definitions (OpenAI style JSON list)",
        key=tp.W_TOOLS,
        height=300,
        on_change=tp.on_tools,
        placeholder='[{"type": "function", "function": {"name": "get_weather", "parameters": {...}}}]',
    )
    problem = tp.problems().get("tools")
    if problem:
        st.error(problem, icon=":material/error:")
    names = [t.name for t in settings.tools]
    tp.seed(tp.W_CHOICE, settings.choice.mode)
    tp.seed(tp.W_PARALLEL, settings.parallel)
    st.selectbox(
        "Tool choice", list(CHOICE_MODES), key=tp.W_CHOICE, format_func=tp.CHOICE_LABELS.get,
        on_change=tp.on_choice,
    )  # fmt: skip
    if st.session_state[tp.W_CHOICE] == "function" and names:
        tp.seed(tp.W_FUNCTION, settings.choice.name if settings.choice.name in names else names[0])
        st.selectbox("Function", names, key=tp.W_FUNCTION, on_change=tp.on_choice)
        if settings.choice.mode != "function":
            tp.on_choice()
    st.toggle("Parallel calls", key=tp.W_PARALLEL, on_change=tp.on_choice)


def _answers_editor() -> None:
    settings = tp.tool_settings()
    tp.seed(tp.W_AUTO, settings.answer_with_mocks)
    tp.seed(tp.W_ROUNDS, settings.round_limit)
    st.toggle(
        "Answer with mocks",
        key=tp.W_AUTO,
        on_change=tp.on_runs,
        help="Every call whose tool has a saved mock is answered with it at once; nothing is ever executed.",
    )
    st.number_input(
        "Round limit per turn", 1, MAX_ROUND_LIMIT, key=tp.W_ROUNDS, on_change=tp.on_runs,
        help="Tool rounds allowed after one user message before the playground stops asking the model.",
    )  # fmt: skip
    if not settings.tools:
        st.caption("Define tools first; each can have a mock result here.")
    for tool in settings.tools:
        tp.seed(tp.W_MOCKS + tool.name, settings.mock_for(tool.name) or "")
        st.text_area(
            f"Mock result for {tool.name}",
            key=tp.W_MOCKS + tool.name,
            height=90,
            on_change=tp.on_mock,
            args=(tool.name,),
            help="Plain text or JSON; {{name}} is replaced by the call's argument of that name.",
        )


TAB_KEY = "tools_tab"
TABS = {"Output format": _format_editor, "Tools": _tools_editor, "Answering calls": _answers_editor}
