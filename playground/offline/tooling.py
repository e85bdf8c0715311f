"""The offline engine's function calling and structured output, deterministic.

With tools and a prompt that fits one (words of the tool's name or description appear in the prompt), the engine
calls it with arguments valid for its schema (values from the prompt where they appear); after tool results it
answers in text that uses them, or calls the next fitting tool not yet called in this turn (several rounds);
with ``json_object`` or ``json_schema`` it answers with JSON (valid for the schema).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from playground.offline.stand_in import StandIn
from playground.offline.text import ANSWER_TOKENS_HOOK, build_answer, fence, message_text
from playground.tools.functions import ToolSpec, check_tools, tools_from
from playground.tools.instance import bounded_instance
from playground.tools.paths import Problem
from playground.tools.response_format import ResponseFormat
from playground.tools.schema import check_schema

STOPWORDS = frozenset({"the", "and", "for", "with", "from", "that", "this", "return", "current", "best", "get"})
NOTE = "**This is the offline engine, not Grok.** No model ran; the tool results below came from you."


class ToolRequestError(ValueError):
    """A tools or response-format field the engine refuses (HTTP 400), with the parameter's name."""

    def __init__(self, problem: Problem, param: str) -> None:
        super().__init__(f"Invalid '{param}': {problem}")
        self.param = param


@dataclass(frozen=True, slots=True)
class ToolRequest:
    """The request's tools, choice, parallel switch and response format, checked."""

    tools: tuple[ToolSpec, ...] = ()
    choice: str = "auto"  # auto, none, required, or a function name
    parallel: bool = True
    response_format: ResponseFormat | None = None


def _choice(raw: Any, tools: tuple[ToolSpec, ...]) -> str:
    if raw is None:
        return "auto"
    if raw in ("auto", "none", "required"):
        return raw
    name = (raw.get("function") or {}).get("name") if isinstance(raw, dict) else None
    if name not in {t.name for t in tools}:
        raise ToolRequestError(
            Problem("$", "it must be auto, none, required or a defined function."), "tool_choice"
        )
    return name


def _format(raw: Any) -> ResponseFormat | None:
    if raw is None:
        return None
    kind = raw.get("type") if isinstance(raw, dict) else None
    if kind in ("text", "json_object"):
        return ResponseFormat(kind)
    spec = raw.get("json_schema") if kind == "json_schema" else None
    if not isinstance(spec, dict):
        raise ToolRequestError(Problem("$", "type must be text, json_object or json_schema."), "response_format")
    fmt = ResponseFormat("json_schema", str(spec.get("name") or ""), spec.get("schema"), bool(spec.get("strict")))
    problem = fmt.problem()
    if problem is not None:
        raise ToolRequestError(problem, "response_format")
    return fmt


def parse_tool_request(body: Mapping[str, Any]) -> ToolRequest:
    """The tool fields of a request body; raise ``ToolRequestError`` when one is malformed."""
    raw_tools = body.get("tools")
    tools: tuple[ToolSpec, ...] = ()
    if raw_tools is not None:
        problem = check_tools(raw_tools)
        if problem is not None:
            raise ToolRequestError(problem, "tools")
        tools = tools_from(raw_tools)
    parallel = body.get("parallel_tool_calls", True) is not False
    return ToolRequest(
        tools, _choice(body.get("tool_choice"), tools), parallel, _format(body.get("response_format"))
    )


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2 and w not in STOPWORDS}


def fit(tool: ToolSpec, prompt: str) -> int:
    """How well ``prompt`` fits ``tool``: shared words, the name's counting double (0 means no fit)."""
    said = {w[:5] for w in _words(prompt)}
    name = {w[:5] for w in _words(tool.name.replace("_", " "))}
    described = {w[:5] for w in _words(tool.description)} - name
    return 2 * len(name & said) + len(described & said)


def turn_of(messages: list[dict[str, Any]]) -> tuple[str, list[str], list[dict[str, Any]]]:
    """The last user text, the tools already called since it, and the tool results since it."""
    last = max((i for i, m in enumerate(messages) if m["role"] == "user"), default=-1)
    prompt = message_text(messages[last].get("content")) if last >= 0 else ""
    called, results = [], []
    for m in messages[last + 1 :]:
        for call in m.get("tool_calls") or []:
            called.append((call.get("function") or {}).get("name") or "")
        if m["role"] == "tool":
            results.append(m)
    return prompt, called, results


def choose_tools(request: ToolRequest, prompt: str, called: list[str]) -> list[ToolSpec]:
    """The tools to call now (none when the prompt fits none, the choice is none, or all were called)."""
    if not request.tools or request.choice == "none":
        return []
    if request.choice not in ("auto", "required"):
        named = [t for t in request.tools if t.name == request.choice]
        return [] if called else named
    ranked = sorted((t for t in request.tools if t.name not in called), key=lambda t: (-fit(t, prompt), t.name))
    fitting = [t for t in ranked if fit(t, prompt) > 0]
    if not fitting and request.choice == "required" and not called:
        fitting = ranked[:1]
    return fitting if request.parallel else fitting[:1]


def call_arguments(tool: ToolSpec, prompt: str, notes: list[str] | None = None) -> str:
    """Compact JSON arguments for ``tool``, valid for its schema, from ``prompt`` where possible; what had to be
    cut to keep them within the engine's bounds is added to ``notes``."""
    value, cut = bounded_instance(tool.schema, text=prompt)
    if notes is not None:
        notes.extend(f"`{tool.name}`: {n}" for n in cut)
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def cut_note(notes: list[str]) -> str:
    """The sentence that says the engine bounded what the schema asked for (empty when nothing was cut)."""
    if not notes:
        return ""
    return (
        "**This is the offline engine, not Grok.** The schema asks for more than one reply may hold, so the value "
        "below was cut (it may not satisfy the schema): " + "; ".join(notes) + "."
    )


def _results_text(messages: list[dict[str, Any]], results: list[dict[str, Any]]) -> str:
    names: dict[str, tuple[str, str]] = {}
    for m in messages:
        for call in m.get("tool_calls") or []:
            function = call.get("function") or {}
            names[call.get("id") or ""] = (function.get("name") or "a tool", function.get("arguments") or "{}")
    parts = []
    for r in results:
        name, args = names.get(r.get("tool_call_id") or "", ("a tool", "{}"))
        content = message_text(r.get("content"))
        parts.append(f"`{name}` was called with `{args}` and returned:\n\n" + fence(content, "text"))
    return "\n\n".join(parts)


def answer_from_results(messages: list[dict[str, Any]], results: list[dict[str, Any]]) -> str:
    """The text answer after tool results: it uses (quotes) each result."""
    first = message_text(results[-1].get("content")).strip().splitlines()
    summary = first[0][:120] if first else "an empty result"
    return f"{NOTE}\n\n{_results_text(messages, results)}\n\nAnswer: based on the tool result, {summary}"


def json_answer(request: ToolRequest, prompt: str, extra: str = "") -> str:
    """A JSON answer for ``json_object`` (a small fixed shape) or ``json_schema`` (valid for the schema)."""
    fmt = request.response_format
    if fmt is not None and fmt.kind == "json_schema" and check_schema(fmt.schema) is None:
        value, notes = bounded_instance(fmt.schema, text=f"{prompt}\n{extra}")
        text = json.dumps(value, indent=2, ensure_ascii=False)
        return f"{cut_note(notes)}\n\n{fence(text, 'json')}" if notes else text
    value = {"engine": "offline", "answer": "This is the offline engine, not Grok.", "prompt": prompt[:200]}
    return json.dumps(value, indent=2, ensure_ascii=False)


def plan_answer(
    body: Mapping[str, Any], digest: str, stand_in: StandIn | None = None
) -> tuple[str, tuple[dict[str, str], ...]]:
    """The answer text and the tool calls: call a fitting tool, use tool results, answer in JSON, or describe
    (the request ``stand_in``'s provider would get)."""
    request = parse_tool_request(body)
    messages = list(body["messages"])
    prompt, called, results = turn_of(messages)
    if body.get(ANSWER_TOKENS_HOOK) is None:
        tools = choose_tools(request, prompt, called)
        if tools:
            notes: list[str] = []
            calls = tuple(
                {"id": f"call_{digest[:12]}_{i}", "name": t.name, "arguments": call_arguments(t, prompt, notes)}
                for i, t in enumerate(tools)
            )
            return cut_note(notes), calls
    as_json = request.response_format is not None and request.response_format.kind != "text"
    if results and messages[-1]["role"] == "tool":
        extra = "\n".join(str(r.get("content") or "") for r in results)
        return (json_answer(request, prompt, extra) if as_json else answer_from_results(messages, results)), ()
    if as_json and body.get(ANSWER_TOKENS_HOOK) is None:
        return json_answer(request, prompt), ()
    return build_answer(body, stand_in), ()
