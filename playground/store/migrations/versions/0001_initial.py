"""The first schema: conversations, messages, presets, experiments, spend ledger, shares and daily budgets.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("owner", sa.String(320), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("shareable", sa.Boolean, nullable=False),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "conversation_id", sa.String(32), sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("reasoning", sa.Text, nullable=False),
        sa.Column("tool_calls", sa.JSON),
        sa.Column("extra", sa.JSON),
        sa.Column("served_model", sa.String(200)),
        sa.Column("provider", sa.String(64)),
        sa.Column("params", sa.JSON),
        sa.Column("usage", sa.JSON),
        sa.Column("cost", sa.JSON),
        sa.Column("cost_total", sa.BigInteger),
        sa.Column("timings", sa.JSON),
        sa.Column("finish_reason", sa.String(200)),
        sa.Column("status", sa.String(16)),
        sa.Column("error", sa.Text),
        sa.UniqueConstraint("conversation_id", "position", name="uq_messages_position"),
    )
    op.create_table(
        "presets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("owner", sa.String(320), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("system", sa.Text, nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("response_format", sa.JSON),
        sa.Column("tools", sa.JSON),
        sa.Column("updated_at", TIME, nullable=False),
        sa.UniqueConstraint("owner", "name", name="uq_presets_owner_name"),
    )
    op.create_table(
        "experiments",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("owner", sa.String(320), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("definition", sa.JSON, nullable=False),
        sa.Column("results", sa.JSON),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_table(
        "spend",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("owner", sa.String(320), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("conversation_id", sa.String(32)),
        sa.Column("tokens_in", sa.Integer, nullable=False),
        sa.Column("tokens_out", sa.Integer, nullable=False),
        sa.Column("tokens_reasoning", sa.Integer, nullable=False),
        sa.Column("tokens_cached", sa.Integer, nullable=False),
        sa.Column("cost", sa.BigInteger, nullable=False),
        sa.Column("estimated", sa.Boolean, nullable=False),
    )
    op.create_index("ix_spend_owner_day", "spend", ["owner", "day"])
    op.create_table(
        "shares",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("owner", sa.String(320), nullable=False),
        sa.Column("conversation_id", sa.String(32), nullable=False),
        sa.Column("snapshot", sa.JSON, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_table(
        "budget_days",
        sa.Column("scope", sa.String(330), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("committed", sa.BigInteger, nullable=False),
        sa.Column("reserved", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    for table in ("budget_days", "shares", "spend", "experiments", "presets", "messages", "conversations"):
        op.drop_table(table)
