"""Fast search on SQLite: an FTS5 trigram table over message text, so a rare word is found without a scan.

``messages_fts`` is an external-content FTS5 table over ``messages.content`` kept in step by triggers. Where it
cannot be created (an SQLite without FTS5 trigram) the search still works by its chunked scan. PostgreSQL gets no
index here: a trigram index made its planner choose a bitmap over every match for a common word (1.2 s at
100,000 messages) and costs every insert, while the chunked scan stays well under the goal (BENCHMARKS.md).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_SQLITE = (
    "CREATE VIRTUAL TABLE messages_fts USING fts5(content, content='messages', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN "
    "INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content); END",
    "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content); END",
    "CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content); "
    "INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content); END",
    "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    savepoint = bind.begin_nested()
    try:
        for statement in _SQLITE:
            op.execute(statement)
    except Exception:  # noqa: BLE001 - an SQLite built without FTS5 trigram: search scans instead
        savepoint.rollback()
        return
    savepoint.commit()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS messages_fts_{name}")
        op.execute("DROP TABLE IF EXISTS messages_fts")
