"""Budget holds: each reservation's amount, scope and expiry, so a reservation whose process died is given back.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "budget_holds",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("scope", sa.String(330), primary_key=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("expires", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_budget_holds_scope_day_expires", "budget_holds", ["scope", "day", "expires"])


def downgrade() -> None:
    op.drop_index("ix_budget_holds_scope_day_expires", "budget_holds")
    op.drop_table("budget_holds")
