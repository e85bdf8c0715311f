"""A batch unit's daily-budget reservation, kept on its row until its line comes back and settles it.

A live request holds the daily budget for at most a reply's deadline; a batch line may come back a day later, from
another process. The reservation (hold id, amount, day, scopes) is stored with the unit so that the process reading
the line back settles that very hold: the real cost replaces it, or it is released when the line never ran.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("job_units", sa.Column("reservation", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("job_units") as batch:
        batch.drop_column("reservation")
