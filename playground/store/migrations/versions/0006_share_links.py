"""Share links that end: an optional expiry per link, and an index to list or end a conversation's links.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("shares") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_shares_owner_conversation", "shares", ["owner", "conversation_id"])


def downgrade() -> None:
    op.drop_index("ix_shares_owner_conversation", table_name="shares")
    with op.batch_alter_table("shares") as batch:
        batch.drop_column("expires_at")
