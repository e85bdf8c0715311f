"""Fast history list: per-conversation message count and total cost, filled from the messages, plus indexes.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("message_count", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("total_cost", sa.BigInteger, nullable=False, server_default="0"))
    op.execute(
        "UPDATE conversations SET "
        "message_count = (SELECT count(*) FROM messages m WHERE m.conversation_id = conversations.id), "
        "total_cost = (SELECT coalesce(sum(m.cost_total), 0) FROM messages m "
        "WHERE m.conversation_id = conversations.id)"
    )
    op.create_index("ix_conversations_owner_updated", "conversations", ["owner", "updated_at"])
    op.create_index("ix_conversations_owner_cost", "conversations", ["owner", "total_cost"])


def downgrade() -> None:
    op.drop_index("ix_conversations_owner_cost", "conversations")
    op.drop_index("ix_conversations_owner_updated", "conversations")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("total_cost")
        batch.drop_column("message_count")
