"""What the store hands back: plain frozen records, no ORM objects outside the package."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from playground.chat.conversation import Conversation

Sort = Literal["recent", "oldest", "cost", "title"]


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    """One line of the history list."""

    id: str
    title: str
    created_at: datetime
    updated_at: datetime
    provider: str
    model: str
    message_count: int
    total_cost: Decimal
    shareable: bool


@dataclass(frozen=True, slots=True)
class StoredConversation:
    """A saved conversation: its summary line, the settings it was made with, and the messages."""

    summary: ConversationSummary
    settings: dict[str, Any]
    conversation: Conversation


@dataclass(frozen=True, slots=True)
class Preset:
    """Named settings."""

    name: str
    system: str
    params: dict[str, Any]
    provider: str
    model: str
    response_format: Any = None
    tools: Any = None


@dataclass(frozen=True, slots=True)
class Experiment:
    """A saved compare or test-set run."""

    id: str
    name: str
    definition: dict[str, Any]
    results: Any
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ExperimentEntry:
    """One line of the saved-experiments list: no definition or results (they can be large)."""

    id: str
    name: str
    kind: str  # the definition's "kind" ("" when it has none)
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Share:
    """A read-only snapshot opened through its link."""

    id: str
    title: str
    provider: str
    model: str
    settings: dict[str, Any]
    conversation: Conversation
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DaySpend:
    day: date
    cost: Decimal
    replies: int


@dataclass(frozen=True, slots=True)
class ModelSpend:
    model: str
    cost: Decimal  # money spent; for offline replies what they would have cost (nobody paid it)
    replies: int
    tokens_in: int
    tokens_out: int
    offline: bool = False  # the offline engine's replies to this model


@dataclass(frozen=True, slots=True)
class OfflineSpend:
    """The offline engine's replies: how many, and what they would have cost (never counted as spent)."""

    replies: int
    would_cost: Decimal


@dataclass(frozen=True, slots=True)
class Budget:
    """The outcome of a reservation: granted or not, with the numbers of the scope that decided it."""

    granted: bool
    amount: Decimal
    scope: str = ""  # "*" (everyone) or the owner; the scope that refused, when refused
    limit: Decimal | None = None
    spent: Decimal = Decimal(0)
    reserved: Decimal = Decimal(0)
    day: date | None = None
    owner: str = ""
    scopes: tuple[str, ...] = field(default=())  # the scopes holding this reservation
    hold_id: str = ""  # its holds in the store (given back on expiry if never settled)
    counted: bool = True  # False: not the operator's spend (the user's own key or server): recorded, never charged

    @property
    def left(self) -> Decimal | None:
        """What was left in the refusing scope before this request."""
        return None if self.limit is None else max(self.limit - self.spent - self.reserved, Decimal(0))
