"""Function (tool) definitions in the OpenAI style: parsing, checking, starting examples and ``tool_choice``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from playground.tools.paths import Problem, json_path, parse_json
from playground.tools.schema import check_schema

MAX_TOOLS = 200  # xAI's limit
NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
FUNCTION_KEYS = frozenset({"name", "description", "parameters", "strict"})
EMPTY_PARAMETERS: dict[str, Any] = {"type": "object", "properties": {}}


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """One function the model may call: its name, description and JSON Schema for the arguments."""

    name: str
    description: str = ""
    parameters: Any = None  # a JSON Schema object; None means no arguments
    strict: bool | None = None

    @property
    def schema(self) -> dict[str, Any]:
        """The arguments' schema (an empty object schema when none was given)."""
        return self.parameters if isinstance(self.parameters, dict) else EMPTY_PARAMETERS

    def openai(self) -> dict[str, Any]:
        """The OpenAI ``tools`` entry."""
        function: dict[str, Any] = {"name": self.name}
        if self.description:
            function["description"] = self.description
        function["parameters"] = self.schema
        if self.strict is not None:
            function["strict"] = self.strict
        return {"type": "function", "function": function}

    def anthropic(self) -> dict[str, Any]:
        """The Anthropic ``tools`` entry (``input_schema`` must be an object schema)."""
        tool: dict[str, Any] = {"name": self.name}
        if self.description:
            tool["description"] = self.description
        tool["input_schema"] = self.schema
        return tool


def _function_problem(function: Any, at: list[str | int]) -> Problem | None:
    if not isinstance(function, dict):
        return Problem(json_path(at), "'function' must be an object with a name and parameters.")
    unknown = sorted(set(function) - FUNCTION_KEYS)
    if unknown:
        return Problem(json_path([*at, unknown[0]]), f"Unknown field {unknown[0]!r} in a function definition.")
    name = function.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        return Problem(
            json_path([*at, "name"]), "The name must be 1 to 64 letters, digits, underscores or dashes."
        )
    if "description" in function and not isinstance(function["description"], str):
        return Problem(json_path([*at, "description"]), "The description must be a string.")
    if "strict" in function and not isinstance(function["strict"], bool):
        return Problem(json_path([*at, "strict"]), "'strict' must be true or false.")
    if "parameters" in function:
        params = function["parameters"]
        problem = check_schema(params, what="'parameters'")
        if problem is not None:
            inner = problem.path[1:]
            return Problem(json_path([*at, "parameters"]) + inner, problem.message)
        if params.get("type", "object") != "object":
            return Problem(json_path([*at, "parameters", "type"]), "'parameters' must describe an object.")
    return None


def _tool_problem(tool: Any, i: int) -> Problem | None:
    if not isinstance(tool, dict):
        return Problem(json_path([i]), 'Each tool must be an object: {"type": "function", "function": {...}}.')
    if tool.get("type") != "function":
        return Problem(json_path([i, "type"]), 'Each tool needs "type": "function".')
    extra = sorted(set(tool) - {"type", "function"})
    if extra:
        return Problem(json_path([i, extra[0]]), f"Unknown field {extra[0]!r}: put it inside 'function'.")
    return _function_problem(tool.get("function"), [i, "function"])


def check_tools(value: Any) -> Problem | None:
    """``None`` when ``value`` is a valid list of OpenAI-style tools, else the first problem and its path."""
    if not isinstance(value, list):
        return Problem("$", "Tools must be a JSON list of function definitions.")
    if len(value) > MAX_TOOLS:
        return Problem("$", f"At most {MAX_TOOLS} tools can be sent; this list has {len(value)}.")
    seen: set[str] = set()
    for i, tool in enumerate(value):
        problem = _tool_problem(tool, i)
        if problem is not None:
            return problem
        name = tool["function"]["name"]
        if name in seen:
            return Problem(json_path([i, "function", "name"]), f"Two tools are named {name!r}.")
        seen.add(name)
    return None


def tools_from(value: list[dict[str, Any]]) -> tuple[ToolSpec, ...]:
    """Specs for a checked tools list."""
    return tuple(
        ToolSpec(f["name"], f.get("description", ""), f.get("parameters"), f.get("strict"))
        for f in (t["function"] for t in value)
    )


def parse_tools(text: str) -> tuple[tuple[ToolSpec, ...], Problem | None]:
    """The tools typed in the editor (an empty text is no tools), or the first problem with them."""
    if not text.strip():
        return (), None
    value, problem = parse_json(text, what="The tools list")
    problem = problem or check_tools(value)
    return ((), problem) if problem else (tools_from(value), None)  # type: ignore[arg-type]


def tools_json(tools: tuple[ToolSpec, ...] | list[ToolSpec]) -> str:
    """Editor text for ``tools`` (pretty JSON, OpenAI style)."""
    return json.dumps([t.openai() for t in tools], indent=2, ensure_ascii=False)


ChoiceMode = Literal["auto", "none", "required", "function"]
CHOICE_MODES: tuple[ChoiceMode, ...] = ("auto", "none", "required", "function")


@dataclass(frozen=True, slots=True)
class ToolChoice:
    """Whether and which tool the model must call: auto, none, required, or one named function."""

    mode: ChoiceMode = "auto"
    name: str | None = None

    def problem(self, tools: tuple[ToolSpec, ...] | list[ToolSpec]) -> Problem | None:
        """Why this choice cannot be sent with ``tools`` (a named function must be one of them)."""
        if self.mode == "function" and self.name not in {t.name for t in tools}:
            return Problem("$.tool_choice", f"No tool is named {self.name!r}.")
        if self.mode in ("required", "function") and not tools:
            return Problem("$.tool_choice", "A tool is required but no tools are defined.")
        return None

    def openai(self) -> str | dict[str, Any]:
        """The OpenAI ``tool_choice`` value."""
        if self.mode == "function":
            return {"type": "function", "function": {"name": self.name}}
        return self.mode

    def anthropic(self, *, parallel: bool = True) -> dict[str, Any]:
        """The Anthropic ``tool_choice`` object (``any`` is required; parallel use can be switched off)."""
        kind = {"auto": "auto", "none": "none", "required": "any", "function": "tool"}[self.mode]
        choice: dict[str, Any] = {"type": kind}
        if self.mode == "function":
            choice["name"] = self.name
        if not parallel and self.mode != "none":
            choice["disable_parallel_tool_use"] = True
        return choice
