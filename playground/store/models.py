"""Tables of the playground's store (SQLAlchemy 2 declarative); the migrations under migrations/ create them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from playground.store.money import Money

UTC_TIME = DateTime(timezone=True)


class Base(DeclarativeBase):
    """Declarative base of every table."""


class ConversationRow(Base):
    """One saved conversation: who owns it, its title, settings and running totals."""

    __tablename__ = "conversations"
    __table_args__ = (
        Index("ix_conversations_owner_updated", "owner", "updated_at"),
        Index("ix_conversations_owner_cost", "owner", "total_cost"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(320))
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTC_TIME)
    updated_at: Mapped[datetime] = mapped_column(UTC_TIME)
    provider: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    shareable: Mapped[bool] = mapped_column(Boolean, default=True)
    message_count: Mapped[int] = mapped_column(Integer, default=0)  # added by revision 0002
    total_cost: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))  # added by revision 0002


class MessageRow(Base):
    """One message of a conversation, in order; assistant replies carry their record."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("conversation_id", "position", name="uq_messages_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    reasoning: Mapped[str] = mapped_column(Text, default="")
    tool_calls: Mapped[Any | None] = mapped_column(JSON, nullable=True)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    served_model: Mapped[str | None] = mapped_column(String(200), nullable=True)
    provider: Mapped[str | None] = mapped_column(String(64), nullable=True)
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    usage: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    cost: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)  # exact decimal strings
    cost_total: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    timings: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    finish_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class PresetRow(Base):
    """Named settings an owner can load again."""

    __tablename__ = "presets"
    __table_args__ = (UniqueConstraint("owner", "name", name="uq_presets_owner_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    owner: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(120))
    system: Mapped[str] = mapped_column(Text)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    provider: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(200))
    response_format: Mapped[Any | None] = mapped_column(JSON, nullable=True)
    tools: Mapped[Any | None] = mapped_column(JSON, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTC_TIME)


class ExperimentRow(Base):
    """A compare or test-set run: its definition and results as JSON."""

    __tablename__ = "experiments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(320), index=True)
    name: Mapped[str] = mapped_column(String(200))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    results: Mapped[Any | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTC_TIME)


class SpendRow(Base):
    """The ledger: one row per reply (who, when, which model, tokens, cost; offline replies marked)."""

    __tablename__ = "spend"
    __table_args__ = (Index("ix_spend_owner_day", "owner", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    owner: Mapped[str] = mapped_column(String(320))
    at: Mapped[datetime] = mapped_column(UTC_TIME)
    day: Mapped[date] = mapped_column(Date)
    provider: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(200))
    conversation_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    tokens_in: Mapped[int] = mapped_column(Integer, default=0)
    tokens_out: Mapped[int] = mapped_column(Integer, default=0)
    tokens_reasoning: Mapped[int] = mapped_column(Integer, default=0)
    tokens_cached: Mapped[int] = mapped_column(Integer, default=0)
    cost: Mapped[Decimal] = mapped_column(Money)
    estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    # the in-process offline engine wrote the reply: ``cost`` is what it would have cost, nobody paid it (0005)
    offline: Mapped[bool] = mapped_column(Boolean, default=False)


class ShareRow(Base):
    """A frozen, read-only copy of a conversation behind an unguessable id."""

    __tablename__ = "shares"
    __table_args__ = (Index("ix_shares_owner_conversation", "owner", "conversation_id"),)  # revision 0006

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(320))
    conversation_id: Mapped[str] = mapped_column(String(32))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTC_TIME)
    expires_at: Mapped[datetime | None] = mapped_column(UTC_TIME, nullable=True)  # None: until revoked


class HoldRow(Base):
    """A reservation held against one scope's day until its reply is recorded or, if its process died first,
    until it expires: the next reservation in that scope gives back what expired holds still keep reserved."""

    __tablename__ = "budget_holds"
    __table_args__ = (Index("ix_budget_holds_scope_day_expires", "scope", "day", "expires"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    scope: Mapped[str] = mapped_column(String(330), primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    expires: Mapped[int] = mapped_column(BigInteger)  # Unix seconds


class BudgetRow(Base):
    """Spend committed and held (reserved, not yet settled) per scope ("*" or an owner) and UTC day."""

    __tablename__ = "budget_days"

    scope: Mapped[str] = mapped_column(String(330), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    committed: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    reserved: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))


class EvalRunRow(Base):
    """One evaluation run of a saved experiment: its summary and the per-row results a comparison needs (0007)."""

    __tablename__ = "eval_runs"
    __table_args__ = (Index("ix_eval_runs_owner_experiment_created", "owner", "experiment_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    experiment_id: Mapped[str] = mapped_column(ForeignKey("experiments.id", ondelete="CASCADE"))
    owner: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTC_TIME)
    baseline: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
