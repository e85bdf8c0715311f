"""Response format (text, JSON object, JSON schema) and the check of a reply against it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from playground.tools.paths import Problem, parse_json
from playground.tools.schema import check_schema, validate

FormatKind = Literal["text", "json_object", "json_schema"]
FORMAT_KINDS: tuple[FormatKind, ...] = ("text", "json_object", "json_schema")
FORMAT_LABELS: dict[FormatKind, str] = {"text": "Text", "json_object": "JSON object", "json_schema": "JSON schema"}
SCHEMA_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
ANTHROPIC_NO_JSON_MODE = (
    "The Anthropic Messages protocol has no response_format: JSON mode and structured output are sent only "
    "over the OpenAI Chat Completions protocol (ask for JSON in the prompt, or define a tool instead)."
)
_FENCE = re.compile(r"^```[A-Za-z0-9_-]*\s*\n(.*)\n```\s*$", re.S)


@dataclass(frozen=True, slots=True)
class ResponseFormat:
    """The reply format asked for: plain text, any JSON object, or JSON valid for a named schema."""

    kind: FormatKind = "text"
    name: str = "reply"
    schema: Any = None
    strict: bool = True

    def problem(self) -> Problem | None:
        """Why this format cannot be sent (nothing is sent while it is invalid)."""
        if self.kind != "json_schema":
            return None
        if not SCHEMA_NAME.match(self.name or ""):
            return Problem("$.name", "The schema name must be 1 to 64 letters, digits, underscores or dashes.")
        return check_schema(self.schema)

    def openai(self) -> dict[str, Any] | None:
        """The OpenAI ``response_format`` value (``None`` for text: the field is left out)."""
        if self.kind == "text":
            return None
        if self.kind == "json_object":
            return {"type": "json_object"}
        spec = {"name": self.name, "schema": self.schema, "strict": self.strict}
        return {"type": "json_schema", "json_schema": spec}


@dataclass(frozen=True, slots=True)
class ReplyCheck:
    """A reply checked against its format: ``valid``, the first problem (with its path), the parsed value."""

    valid: bool
    problem: Problem | None = None
    value: Any = None
    fenced: bool = False  # the JSON was wrapped in a Markdown code fence (read anyway, and said)

    @property
    def label(self) -> str:
        """A one-line verdict for the UI and exports."""
        if self.valid:
            return "Valid JSON" + (" (inside a code fence)" if self.fenced else "")
        return f"Invalid: {self.problem}"

    def as_dict(self) -> dict[str, Any]:
        """The verdict for exports."""
        out: dict[str, Any] = {"valid": self.valid}
        if self.problem is not None:
            out.update(path=self.problem.path, message=self.problem.message)
        return out


def check_reply(text: str, fmt: ResponseFormat) -> ReplyCheck | None:
    """The reply's verdict under ``fmt`` (``None`` in text mode: nothing to check)."""
    if fmt.kind == "text":
        return None
    body, fenced = text.strip(), False
    match = _FENCE.match(body)
    if match:
        body, fenced = match.group(1), True
    value, problem = parse_json(body, what="The reply")
    if problem is not None:
        return ReplyCheck(False, problem, fenced=fenced)
    if fmt.kind == "json_object" and not isinstance(value, dict):
        return ReplyCheck(False, Problem("$", "The reply must be a JSON object."), value, fenced)
    if fmt.kind == "json_schema" and isinstance(fmt.schema, dict):
        problem = validate(fmt.schema, value)
    return ReplyCheck(problem is None, problem, value, fenced)


def pretty_json(value: Any) -> str:
    """``value`` as indented JSON (non-ASCII kept as is)."""
    return json.dumps(value, indent=2, ensure_ascii=False)
