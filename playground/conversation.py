"""The conversation: OpenAI-style messages, each assistant reply with its own record (usage, cost, timings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from playground.events import Usage
from playground.tokens import MESSAGE_OVERHEAD, count_tokens

# unconfirmed: the stream ended with neither a finish reason nor [DONE], so the reply may be cut
Status = Literal["complete", "stopped", "error", "length", "unconfirmed"]


@dataclass(slots=True)
class Timings:
    """Seconds from sending the request: first token of any kind, first answer token, and the whole reply."""

    first_token: float | None = None
    first_answer_token: float | None = None
    total: float | None = None
    reasoning_seconds: float | None = None
    tokens_per_second: float | None = None


@dataclass(slots=True)
class Reply:
    """Everything known about one assistant reply besides its text."""

    model_id: str
    provider_id: str
    params: dict[str, Any]
    reasoning: str = ""
    usage: Usage | None = None
    cost: Any = None  # playground.pricing.Cost, or None when the model has no known price
    timings: Timings = field(default_factory=Timings)
    finish_reason: str | None = None
    status: Status = "complete"
    error: str | None = None
    asked_model: str = ""  # the model name the request carried
    served_model: str | None = None  # the reply's model field, as the server sent it (None when it sent none)
    served_other: bool = False  # the served model is not the one asked for (the strip says "served by")
    price_note: str = ""  # which price the cost uses when another model answered, or why there is none


@dataclass(slots=True)
class Message:
    """One chat message; assistant messages carry their ``reply`` record."""

    role: Literal["system", "user", "assistant"]
    content: str
    reply: Reply | None = None
    _tokens: int | None = None

    @property
    def tokens(self) -> int:
        """Estimated prompt tokens this message adds when sent (counted once, then cached)."""
        if self._tokens is None:
            self._tokens = count_tokens(self.content) + MESSAGE_OVERHEAD
        return self._tokens

    def wire(self) -> dict[str, str]:
        """The message as the OpenAI wire format has it."""
        return {"role": self.role, "content": self.content}


@dataclass(slots=True)
class Conversation:
    """The messages of one browser session (the system message lives in the parameters)."""

    messages: list[Message] = field(default_factory=list)

    def history(self) -> list[dict[str, str]]:
        """The messages to send, in wire format (replies that failed with no text are left out)."""
        return [m.wire() for m in self.messages if m.content or m.role != "assistant"]

    @property
    def replies(self) -> list[Reply]:
        """Every assistant reply record, oldest first."""
        return [m.reply for m in self.messages if m.reply is not None]

    def history_tokens(self) -> int:
        """Estimated prompt tokens of the history (without the system message)."""
        return sum(m.tokens for m in self.messages if m.content or m.role != "assistant")

    def prompt_tokens(self, system: str) -> int:
        """Estimated prompt tokens so far: the system message (with its message overhead, if any) and the history.

        The one count the footer's gauge and prediction and the checks before sending all use.
        """
        head = count_tokens(system) + MESSAGE_OVERHEAD if system.strip() else 0
        return head + self.history_tokens()

    def add_user(self, text: str) -> None:
        self.messages.append(Message("user", text))

    def add_assistant(self, text: str, reply: Reply) -> None:
        self.messages.append(Message("assistant", text, reply))

    def last_user_index(self) -> int | None:
        """Index of the last user message, or None."""
        for i in range(len(self.messages) - 1, -1, -1):
            if self.messages[i].role == "user":
                return i
        return None

    def truncate(self, length: int) -> None:
        """Keep only the first ``length`` messages."""
        del self.messages[length:]

    def clear(self) -> None:
        self.messages.clear()
