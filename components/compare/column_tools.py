"""A compare column's tools and output format: a response-format choice, its JSON schema and a tools list.

Each column starts from the playground's tools and output format and can change them on its own; a column whose
schema or tools do not parse says why and keeps the page from sending (``problems``).
"""

from __future__ import annotations

import json
from dataclasses import replace

import streamlit as st

from components.tools.panel import editor_texts
from playground.tools.examples import STARTING_SCHEMAS
from playground.tools.functions import ToolChoice, parse_tools
from playground.tools.response_format import FORMAT_KINDS, FORMAT_LABELS
from playground.tools.schema import parse_schema
from playground.tools.settings import ToolSettings

FIELDS = ("format", "schema", "tools")  # per-column widget fields (``compare_variants.key(i, name)``)
PROBLEMS = "cmp_tool_problems"  # {column: "what is wrong"}: nothing is sent while one is set


def texts(settings: ToolSettings) -> dict[str, str]:
    """The widget values that show ``settings``: format kind, schema text and tools text."""
    return {"format": settings.response_format.kind, **editor_texts(settings)}


def render(key: object, column: int) -> None:
    """Draw the column's controls in a popover (``key(column, field)`` names each widget)."""
    state = st.session_state
    kind = state.get(key(column, "format"), "text")
    count = len(parse_tools(state.get(key(column, "tools"), ""))[0])
    label = FORMAT_LABELS[kind] + (f" · {count} tool{'s' * (count != 1)}" if count else "")
    with st.popover(f"Tools and output format: {label}", icon=":material/build:", use_container_width=True):
        st.selectbox(
            "Response format",
            FORMAT_KINDS,
            key=key(column, "format"),
            format_func=FORMAT_LABELS.get,
            on_change=_starting_schema,
            args=(key(column, "format"), key(column, "schema")),
        )
        st.text_area("JSON schema (for the JSON schema format)", key=key(column, "schema"), height=160)
        st.text_area(
            "Tools (JSON list, OpenAI style; empty for none)",
            key=key(column, "tools"),
            height=160,
            placeholder='[{"type": "function", "function": {"name": "get_weather", "parameters": {...}}}]',
        )


def _starting_schema(format_key: str, schema_key: str) -> None:
    """Choosing JSON schema with no schema typed starts from the extraction example (as the playground does)."""
    state = st.session_state
    if state.get(format_key) == "json_schema" and not str(state.get(schema_key) or "").strip():
        state[schema_key] = json.dumps(STARTING_SCHEMAS["extraction"], indent=2)


def settings_at(key: object, column: int, base: ToolSettings) -> ToolSettings:
    """The column's tools and output format on top of ``base`` (the playground's choice, mocks and limits).

    A problem is recorded in ``problems()`` (and ``base``'s values kept for the broken part).
    """
    state = st.session_state
    found: list[str] = []
    tools, problem = parse_tools(state.get(key(column, "tools"), ""))
    if problem is not None:
        found.append(f"The tools cannot be sent: {problem}")
    kind = state.get(key(column, "format"), "text")
    fmt = replace(base.response_format, kind=kind)
    if kind == "json_schema":
        schema, problem = parse_schema(state.get(key(column, "schema"), ""), what="The JSON schema")
        if problem is not None:
            found.append(f"The JSON schema cannot be sent: {problem}")
        fmt = replace(fmt, schema=schema)
    choice = base.choice if base.choice.problem(tools) is None else ToolChoice()
    made = replace(base, tools=tools, response_format=fmt, choice=choice)
    if not found and made.problem() is not None:
        found.append(f"The tools and output format cannot be sent: {made.problem()}")
    if found:
        problems()[column] = " ".join(found)
    else:
        problems().pop(column, None)
    return made


def problems() -> dict[int, str]:
    """What is wrong in each column's tools or format (empty when all can be sent)."""
    return st.session_state.setdefault(PROBLEMS, {})


def blocking_problem(columns: int) -> str | None:
    """The first problem among the first ``columns`` columns, naming the column, or None."""
    found = problems()
    return next((f"Variant {i + 1}: {found[i]}" for i in range(columns) if found.get(i)), None)
