"""Tool settings as plain JSON and back: what presets and saved experiments store (checked again when read)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from playground.tools.functions import CHOICE_MODES, ToolChoice, check_tools, tools_from
from playground.tools.response_format import FORMAT_KINDS, ResponseFormat
from playground.tools.schema import check_schema
from playground.tools.settings import DEFAULT_ROUND_LIMIT, MAX_ROUND_LIMIT, ToolSettings


class StoredToolsError(ValueError):
    """Stored tool settings this version cannot read (message is safe to show)."""


def tools_as_json(settings: ToolSettings) -> dict[str, Any]:
    """The tools, choice, parallel switch, response format, mocks and round limit as JSON."""
    fmt = settings.response_format
    return {
        "tools": [t.openai() for t in settings.tools],
        "choice": {"mode": settings.choice.mode, "name": settings.choice.name},
        "parallel": settings.parallel,
        "response_format": {"kind": fmt.kind, "name": fmt.name, "schema": fmt.schema, "strict": fmt.strict},
        "mocks": [list(pair) for pair in settings.mocks],
        "answer_with_mocks": settings.answer_with_mocks,
        "round_limit": settings.round_limit,
    }


def _format(doc: Mapping[str, Any]) -> ResponseFormat:
    kind = doc.get("kind", "text")
    if kind not in FORMAT_KINDS:
        raise StoredToolsError(f"The stored response format {kind!r} is not one this version knows.")
    if kind == "json_schema" and check_schema(doc.get("schema")) is not None:
        raise StoredToolsError("The stored JSON schema does not check.")
    return ResponseFormat(kind, doc.get("name") or "reply", doc.get("schema"), bool(doc.get("strict", True)))


def tools_from_json(doc: Mapping[str, Any]) -> ToolSettings:
    """``tools_as_json`` back (missing parts take their defaults); raise ``StoredToolsError`` when a part does
    not check."""
    listed = doc.get("tools") or []
    problem = check_tools(listed) if listed else None
    if problem is not None:
        raise StoredToolsError(f"The stored tools do not check: {problem}")
    choice = doc.get("choice") or {}
    mode = choice.get("mode", "auto")
    if mode not in CHOICE_MODES:
        raise StoredToolsError(f"The stored tool choice {mode!r} is not one this version knows.")
    mocks = doc.get("mocks") or []
    if not all(isinstance(m, list | tuple) and len(m) == 2 for m in mocks):
        raise StoredToolsError("The stored mock answers cannot be read.")
    rounds = doc.get("round_limit", DEFAULT_ROUND_LIMIT)
    return ToolSettings(
        tools=tools_from(listed) if listed else (),
        choice=ToolChoice(mode, choice.get("name")),
        parallel=bool(doc.get("parallel", True)),
        response_format=_format(doc.get("response_format") or {}),
        mocks=tuple((str(name), str(text)) for name, text in mocks),
        answer_with_mocks=bool(doc.get("answer_with_mocks", False)),
        round_limit=max(1, min(MAX_ROUND_LIMIT, int(rounds))) if isinstance(rounds, int) else DEFAULT_ROUND_LIMIT,
    )
