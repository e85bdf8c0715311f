"""Evaluation runs kept with their saved experiment: summary, per-row results, and which one is the baseline.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "eval_runs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "experiment_id", sa.String(32), sa.ForeignKey("experiments.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("owner", sa.String(320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("baseline", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
    )
    op.create_index("ix_eval_runs_owner_experiment_created", "eval_runs", ["owner", "experiment_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_eval_runs_owner_experiment_created", table_name="eval_runs")
    op.drop_table("eval_runs")
