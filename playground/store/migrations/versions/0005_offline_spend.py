"""Offline replies in the ledger: marked, so they are never counted as money spent nor against a budget.

Existing rows of the in-process offline engine (provider ``offline``) are marked, and conversation totals count
only the replies paid for; a day's committed budget is left as it was (it resets at 00:00 UTC).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("spend") as batch:
        batch.add_column(sa.Column("offline", sa.Boolean, nullable=False, server_default=sa.false()))
    op.execute(sa.text("UPDATE spend SET offline = :yes WHERE provider = 'offline'").bindparams(yes=True))
    op.execute(  # a conversation's total is money spent: its offline replies leave it
        "UPDATE conversations SET total_cost = (SELECT coalesce(sum(m.cost_total), 0) FROM messages m "
        "WHERE m.conversation_id = conversations.id AND coalesce(m.provider, '') <> 'offline')"
    )


def downgrade() -> None:
    with op.batch_alter_table("spend") as batch:
        batch.drop_column("offline")
