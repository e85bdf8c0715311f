"""One immutable chat state: everything a request is built from, passed whole to the plan, clients and samples."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from playground.facts.catalog import Model
from playground.facts.params import GenerationParams
from playground.facts.providers import Protocol, ProviderConfig
from playground.tools.settings import ToolSettings


@dataclass(frozen=True, slots=True)
class ChatState:
    """The provider config, model, parameters, parameters turned off, protocol, history, streaming choice, and
    the tools and output format.

    Built once per run (the page) or per request (the core); ``history`` holds OpenAI-style messages (role and
    content, plus ``tool_calls`` on assistant messages and ``tool_call_id`` on tool results).
    """

    config: ProviderConfig
    model: Model
    params: GenerationParams
    history: tuple[Mapping[str, str], ...] = ()
    disabled: frozenset[str] = field(default_factory=frozenset)
    protocol: Protocol = "openai"
    stream: bool = True
    tools: ToolSettings = field(default_factory=ToolSettings)
    conversation_id: str = ""  # the conversation's cache id (x-grok-conv-id to xAI); "" outside a conversation

    def __post_init__(self) -> None:
        object.__setattr__(self, "history", tuple(self.history))
        object.__setattr__(self, "disabled", frozenset(self.disabled))

    def __repr__(self) -> str:  # the config's own repr already hides the key
        return (
            f"ChatState(config={self.config!r}, model={self.model.id!r}, messages={len(self.history)}, "
            f"protocol={self.protocol!r}, stream={self.stream!r}, disabled={sorted(self.disabled)!r})"
        )

    def evolve(self, **changes: Any) -> ChatState:
        """A copy with some fields changed (``history`` and ``disabled`` accept any iterable)."""
        return replace(self, **changes)

    def with_history(self, history: Iterable[Mapping[str, str]]) -> ChatState:
        """The same state over another conversation."""
        return replace(self, history=tuple(history))
