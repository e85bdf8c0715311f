"""The session's tool and response-format settings as one immutable value, and the mock-answering rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from playground.tools.calls import ToolCall
from playground.tools.count import request_extra_tokens
from playground.tools.functions import ToolChoice, ToolSpec
from playground.tools.mocks import render_mock
from playground.tools.paths import Problem
from playground.tools.response_format import ResponseFormat
from playground.tools.wire import anthropic_fields, openai_fields

DEFAULT_ROUND_LIMIT = 5
MAX_ROUND_LIMIT = 20


@dataclass(frozen=True, slots=True)
class ToolSettings:
    """Tools, tool choice, parallel calls, response format, saved mocks, the mock switch and the round limit."""

    tools: tuple[ToolSpec, ...] = ()
    choice: ToolChoice = field(default_factory=ToolChoice)
    parallel: bool = True
    response_format: ResponseFormat = field(default_factory=ResponseFormat)
    mocks: tuple[tuple[str, str], ...] = ()  # (tool name, template) pairs
    answer_with_mocks: bool = False
    round_limit: int = DEFAULT_ROUND_LIMIT

    @property
    def active(self) -> bool:
        """Whether anything beyond a plain text chat is asked for."""
        return bool(self.tools) or self.response_format.kind != "text"

    def problem(self) -> Problem | None:
        """Why a request cannot be sent with these settings (nothing is sent while there is one)."""
        return self.response_format.problem() or (self.choice.problem(self.tools) if self.tools else None)

    def openai(self) -> dict[str, Any]:
        """Chat Completions body fields."""
        return openai_fields(
            tools=self.tools, tool_choice=self.choice, parallel=self.parallel, response_format=self.response_format
        )

    def anthropic(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Messages body fields and what is left out (with the reason)."""
        return anthropic_fields(
            tools=self.tools, tool_choice=self.choice, parallel=self.parallel, response_format=self.response_format
        )

    def extra_tokens(self) -> int:
        """Input tokens the definitions and the schema add to every request."""
        return request_extra_tokens(tools=self.tools, response_format=self.response_format)

    def mock_for(self, name: str) -> str | None:
        return dict(self.mocks).get(name)


def mock_answers(calls: Sequence[ToolCall], settings: ToolSettings) -> list[tuple[ToolCall, str]] | None:
    """Every call answered by its tool's saved mock, or ``None`` when the switch is off or a mock is missing."""
    if not settings.answer_with_mocks or not calls:
        return None
    answers = []
    for call in calls:
        template = settings.mock_for(call.name)
        if template is None:
            return None
        answers.append((call, render_mock(template, call.value if isinstance(call.value, dict) else {})))
    return answers


def may_continue(rounds: int, settings: ToolSettings) -> bool:
    """Whether another tool round may run in this turn (the limit stops a loop of calls)."""
    return rounds < settings.round_limit
