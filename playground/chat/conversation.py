"""The conversation: OpenAI-style messages, each assistant reply with its own record (usage, cost, timings)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any, Literal

from playground.chat.events import Usage
from playground.money.tokens import MESSAGE_OVERHEAD, count_tokens
from playground.tools.calls import ToolCall
from playground.tools.count import message_tokens
from playground.tools.response_format import ReplyCheck

Role = Literal["system", "user", "assistant", "tool"]
ROLES: tuple[Role, ...] = ("system", "user", "assistant", "tool")

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
    cost: Any = None  # playground.money.pricing.Cost, or None when the model has no known price
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
    """One chat message of any role; assistant messages carry their ``reply`` record and any tool calls,
    tool messages the id of the call they answer; ``check`` is a reply's verdict under a JSON format."""

    role: Role
    content: str
    reply: Reply | None = None
    _tokens: int | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    name: str | None = None  # the tool a tool message answers (shown, not sent)
    check: ReplyCheck | None = None

    @property
    def tokens(self) -> int:
        """Estimated prompt tokens this message adds when sent (counted once, then cached)."""
        if self._tokens is None:
            self._tokens = message_tokens(self.wire())
        return self._tokens

    def wire(self) -> dict[str, Any]:
        """The message as the OpenAI wire format has it (tool calls and the answered call's id included)."""
        out: dict[str, Any] = {"role": self.role, "content": self.content}
        if self.tool_calls:
            out["tool_calls"] = [c.openai() for c in self.tool_calls]
        if self.role == "tool":
            out["tool_call_id"] = self.tool_call_id or ""
        return out

    def edit(self, content: str) -> None:
        """Replace the text (the token count is redone)."""
        self.content, self._tokens = content, None

    @property
    def sendable(self) -> bool:
        """Replies that failed with no text and no calls are left out of what is sent."""
        return bool(self.content or self.tool_calls or self.role != "assistant")


def new_cache_id() -> str:
    """A fresh, unguessable conversation id (128 random bits) for the provider's prompt-cache routing."""
    return secrets.token_urlsafe(16)


@dataclass(slots=True)
class Conversation:
    """The messages of one browser session (the system message lives in the parameters).

    ``cache_id`` is sent to xAI as ``x-grok-conv-id`` so that every request of this conversation reaches the
    server holding its cached prompt prefix.  It is random and made with the object, never stored nor taken from
    a saved row: a conversation keeps it while it lives in its session, and no two conversations (of one owner
    or of two) share one; a conversation opened again from the history gets a fresh one.
    """

    messages: list[Message] = field(default_factory=list)
    cache_id: str = field(default_factory=new_cache_id, compare=False, repr=False)
    # the last request's prompt as the cache model sees it (playground.money.cache.prompt_prefix), set when sent
    sent_prompt: tuple = field(default=(), compare=False, repr=False)

    def history(self) -> list[dict[str, str]]:
        """The messages to send, in wire format (replies that failed with no text are left out)."""
        return [m.wire() for m in self.messages if m.sendable]

    @property
    def replies(self) -> list[Reply]:
        """Every assistant reply record, oldest first."""
        return [m.reply for m in self.messages if m.reply is not None]

    def history_tokens(self) -> int:
        """Estimated prompt tokens of the history (without the system message)."""
        return sum(m.tokens for m in self.messages if m.sendable)

    def prompt_tokens(self, system: str) -> int:
        """Estimated prompt tokens so far: the system message (with its message overhead, if any) and the history.

        The one count the footer's gauge and prediction and the checks before sending all use.
        """
        head = count_tokens(system) + MESSAGE_OVERHEAD if system.strip() else 0
        return head + self.history_tokens()

    def add_user(self, text: str) -> None:
        self.messages.append(Message("user", text))

    def add_assistant(
        self, text: str, reply: Reply, calls: tuple[ToolCall, ...] = (), check: ReplyCheck | None = None
    ) -> None:
        self.messages.append(Message("assistant", text, reply, tool_calls=tuple(calls), check=check))

    def add_tool_result(self, call_id: str, content: str, name: str | None = None) -> None:
        """The user's answer to the call ``call_id``."""
        self.messages.append(Message("tool", content, tool_call_id=call_id, name=name))

    def unanswered(self) -> list[ToolCall]:
        """The last assistant message's calls that no tool message has answered yet."""
        for i in range(len(self.messages) - 1, -1, -1):
            m = self.messages[i]
            if m.role == "assistant" and m.tool_calls:
                answered = {x.tool_call_id for x in self.messages[i + 1 :] if x.role == "tool"}
                return [c for c in m.tool_calls if c.id not in answered]
            if m.role in ("user", "assistant"):
                return []
        return []

    def rounds_in_turn(self) -> int:
        """Tool-call rounds since the last user message (each assistant message with calls is one)."""
        last = self.last_user_index()
        start = 0 if last is None else last + 1
        return sum(1 for m in self.messages[start:] if m.role == "assistant" and m.tool_calls)

    def last_user_index(self) -> int | None:
        """Index of the last user message, or None."""
        for i in range(len(self.messages) - 1, -1, -1):
            if self.messages[i].role == "user":
                return i
        return None

    def insert(self, index: int, role: Role, content: str) -> None:
        """Add a message of any role at ``index`` (role-based editing before sending)."""
        self.messages.insert(max(0, min(index, len(self.messages))), Message(role, content))

    def delete(self, index: int) -> None:
        del self.messages[index]

    def move(self, index: int, offset: int) -> None:
        """Move the message at ``index`` up (negative) or down, within the list."""
        target = max(0, min(index + offset, len(self.messages) - 1))
        self.messages.insert(target, self.messages.pop(index))

    def sequence_problem(self, *, after: bool = False) -> str | None:
        """Why this history cannot be sent as it is: a tool result with no call before it, or calls left
        unanswered before the conversation moves on (providers answer both with HTTP 400). With ``after``,
        also calls still open at the end (a new user message is about to follow)."""
        open_calls: dict[str, str] = {}
        for m in self.messages:
            if m.role == "tool":
                if m.tool_call_id not in open_calls:
                    return "A tool result must follow the assistant message whose call it answers."
                open_calls.pop(m.tool_call_id)
                continue
            if open_calls and m.role in ("user", "assistant"):
                return f"The call to {next(iter(open_calls.values()))} has no result yet: answer it first."
            if m.role == "assistant":
                open_calls = {c.id: c.name for c in m.tool_calls}
        if after and open_calls:
            return f"The call to {next(iter(open_calls.values()))} has no result yet: answer it first."
        return None

    def truncate(self, length: int) -> None:
        """Keep only the first ``length`` messages."""
        del self.messages[length:]

    def clear(self) -> None:
        self.messages.clear()
