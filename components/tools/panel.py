"""Tools and output format: the sidebar summary and the dialog that edits them (built only when opened).

The dialog's widgets exist only while it is open, so what they edit lives in plain session values (the editor
texts, their problems, and the ``ToolSettings`` built from the valid parts); each widget is seeded from those
values when the dialog opens and writes them back on change. A problem blocks sending until it is fixed.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import streamlit as st

from components import state as keys
from playground.tools.examples import EXAMPLE_MOCKS, EXAMPLE_TOOLS, STARTING_SCHEMAS
from playground.tools.functions import ToolChoice, parse_tools, tools_json
from playground.tools.response_format import FORMAT_LABELS
from playground.tools.schema import parse_schema
from playground.tools.settings import ToolSettings

CHOICE_LABELS = {"auto": "Auto", "none": "None", "required": "Required", "function": "One function"}
W_FORMAT, W_SCHEMA, W_NAME, W_STRICT, W_START = "fmt_kind", "fmt_schema", "fmt_name", "fmt_strict", "fmt_start"
W_TOOLS, W_CHOICE, W_FUNCTION, W_PARALLEL = "tools_text", "tools_choice", "tools_function", "tools_parallel"
W_MOCKS, W_AUTO, W_ROUNDS = "tools_mock_", "tools_auto_mocks", "tools_round_limit"


def tool_settings() -> ToolSettings:
    """This session's tools and output format (the valid parts of what the editors hold)."""
    return st.session_state.get(keys.TOOL_SETTINGS) or ToolSettings()


def texts() -> dict[str, str]:
    """The editors' texts as typed (kept even while invalid): ``tools`` and ``schema``."""
    return st.session_state.setdefault(keys.TOOL_TEXTS, {"tools": "", "schema": ""})


def problems() -> dict[str, str]:
    """What is wrong in each editor (empty when all is well): nothing is sent while one is set."""
    return st.session_state.setdefault(keys.TOOL_PROBLEMS, {})


def blocking_problem() -> str | None:
    """The first problem that stops sending, as a sentence for the user."""
    found = problems()
    for name, label in (("schema", "The JSON schema"), ("tools", "The tools")):
        if found.get(name):
            return f"{label} cannot be sent: {found[name]}"
    problem = tool_settings().problem()
    return f"The tools and output format cannot be sent: {problem}" if problem else None


def editor_texts(settings: ToolSettings) -> dict[str, str]:
    """The editors' texts that show ``settings``: ``tools`` and ``schema`` (pretty JSON, empty for none)."""
    fmt = settings.response_format
    return {
        "tools": tools_json(settings.tools) if settings.tools else "",
        "schema": json.dumps(fmt.schema, indent=2) if fmt.schema is not None else "",
    }


def put(settings: ToolSettings) -> None:
    """Replace the session's tools and output format (a callback: the dialog seeds its widgets from these)."""
    st.session_state[keys.TOOL_SETTINGS] = settings
    st.session_state[keys.TOOL_TEXTS] = editor_texts(settings)
    st.session_state[keys.TOOL_PROBLEMS] = {}


def _store(**changes: Any) -> None:
    st.session_state[keys.TOOL_SETTINGS] = replace(tool_settings(), **changes)


def on_tools() -> None:
    text = st.session_state.get(W_TOOLS, "")
    texts()["tools"] = text
    tools, problem = parse_tools(text)
    problems()["tools"] = str(problem) if problem else ""
    if problem is None:
        _store(tools=tools)


def on_schema() -> None:
    text = st.session_state.get(W_SCHEMA, "")
    texts()["schema"] = text
    schema, problem = parse_schema(text)
    problems()["schema"] = str(problem) if problem else ""
    if problem is None:
        fmt = tool_settings().response_format
        _store(response_format=replace(fmt, schema=schema))


def on_format() -> None:
    kind = st.session_state.get(W_FORMAT, "text")
    name = st.session_state.get(W_NAME) or "reply"
    strict = bool(st.session_state.get(W_STRICT, True))
    fmt = replace(tool_settings().response_format, kind=kind, name=name, strict=strict)
    if kind == "json_schema" and fmt.schema is None and not texts()["schema"].strip():
        use_schema("extraction")
        fmt = replace(tool_settings().response_format, kind=kind, name=name, strict=strict)
    _store(response_format=fmt)
    if kind != "json_schema":
        problems()["schema"] = ""  # an unfinished schema does not block a format that does not use it
    else:
        on_schema_text_only()


def on_schema_text_only() -> None:
    _, problem = parse_schema(texts()["schema"])
    problems()["schema"] = str(problem) if problem else ""


def use_schema(name: str) -> None:
    schema = STARTING_SCHEMAS[name]
    text = json.dumps(schema, indent=2)
    texts()["schema"] = text
    st.session_state[W_SCHEMA] = text
    problems()["schema"] = ""
    fmt = tool_settings().response_format
    _store(response_format=replace(fmt, schema=schema, name=name))
    st.session_state[W_NAME] = name


def use_examples() -> None:
    text = tools_json(EXAMPLE_TOOLS)
    st.session_state[W_TOOLS] = text
    mocks = dict(tool_settings().mocks)
    for name, template in EXAMPLE_MOCKS.items():
        mocks.setdefault(name, template)
    _store(mocks=tuple(mocks.items()))
    on_tools()


def on_choice() -> None:
    mode = st.session_state.get(W_CHOICE, "auto")
    name = st.session_state.get(W_FUNCTION) if mode == "function" else None
    _store(choice=ToolChoice(mode, name), parallel=bool(st.session_state.get(W_PARALLEL, True)))


def on_mock(tool: str) -> None:
    mocks = dict(tool_settings().mocks)
    text = st.session_state.get(W_MOCKS + tool, "")
    if text.strip():
        mocks[tool] = text
    else:
        mocks.pop(tool, None)
    _store(mocks=tuple(mocks.items()))


def on_runs() -> None:
    _store(
        answer_with_mocks=bool(st.session_state.get(W_AUTO)),
        round_limit=int(st.session_state.get(W_ROUNDS) or 1),
    )


def seed(key: str, value: Any) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def summary(settings: ToolSettings) -> str:
    """One line for the sidebar: how many tools, which choice, which format."""
    parts = []
    if settings.tools:
        parts.append(f"{len(settings.tools)} tool{'s' if len(settings.tools) != 1 else ''}")
        parts.append(f"choice {settings.choice.name or settings.choice.mode}")
        if settings.answer_with_mocks:
            parts.append("answered with mocks")
    fmt = settings.response_format
    parts.append(FORMAT_LABELS[fmt.kind] + (f" ({fmt.name})" if fmt.kind == "json_schema" else ""))
    return " · ".join(parts)
