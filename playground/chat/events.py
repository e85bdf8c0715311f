"""Typed events that every wire protocol turns its stream into."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class ReasoningDelta:
    """A piece of the model's reasoning ("thinking") text."""

    text: str


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of the answer text."""

    text: str


@dataclass(frozen=True, slots=True)
class ToolCallDelta:
    """A fragment of a tool call, keyed by its index (arguments arrive as JSON text pieces)."""

    index: int
    id: str | None = None
    name: str | None = None
    arguments: str = ""


# A stream that ended (cleanly) with neither a finish reason nor ``[DONE]``: the reply may be cut.
UNKNOWN_FINISH = "unknown (stream ended without a finish reason)"


@dataclass(frozen=True, slots=True)
class Finish:
    """The reason the model stopped: stop, length, tool_calls, content_filter, error, or ``UNKNOWN_FINISH``."""

    reason: str


@dataclass(frozen=True, slots=True)
class ServedModel:
    """The model the server says answered (the reply's ``model`` field), sent once, before the usage.

    The name is the server's text and is shown inside code spans: it is kept to one line of at most 120
    characters without backticks, so it cannot close the span and become Markdown.
    """

    name: str

    def __post_init__(self) -> None:
        clean = " ".join(str(self.name).replace("`", "'").split())[:120]
        object.__setattr__(self, "name", clean)


@dataclass(frozen=True, slots=True)
class Usage:
    """Token usage as the server reported it (or as estimated, when ``estimated`` is set).

    ``completion_tokens`` is kept exactly as the server sent it; ``reasoning_included`` says whether it already
    contains ``reasoning_tokens`` (OpenAI and OpenRouter convention) or not (xAI convention). ``prompt_tokens``
    always includes cache reads (``cached_tokens``) and cache writes (``cache_write_tokens``).

    How the numbers were read (see ``playground.money.usage_reading``): ``reading`` names the convention used,
    ``read_from`` the evidence ("total_tokens", a count that rules a reading out, the field names, or "provider
    default"), ``default_reading`` the provider's own convention; ``differs_from_default`` is True when the
    reading used bills other token counts than the provider default would, and ``unverified`` when the numbers
    could not tell and another reading would bill differently.
    """

    prompt_tokens: int = 0
    completion_tokens: int = 0
    reasoning_tokens: int = 0
    cached_tokens: int = 0
    cost: Decimal | None = None
    reasoning_included: bool = True
    estimated: bool = False
    invalid: str = ""  # why the server's numbers cannot be right (then the reply is not priced)
    raw: dict = field(default_factory=dict, compare=False, repr=False)
    cache_write_tokens: int = 0
    reading: str = ""
    read_from: str = ""
    default_reading: str = ""
    differs_from_default: bool = False
    unverified: bool = False

    @property
    def output_tokens(self) -> int:
        """Every billed output token, reasoning included."""
        if self.reasoning_included:
            return max(self.completion_tokens, self.reasoning_tokens)
        return self.completion_tokens + self.reasoning_tokens

    @property
    def answer_tokens(self) -> int:
        """Output tokens that are answer text, not reasoning."""
        return self.output_tokens - self.reasoning_tokens


Event = ReasoningDelta | TextDelta | ToolCallDelta | Finish | Usage | ServedModel
