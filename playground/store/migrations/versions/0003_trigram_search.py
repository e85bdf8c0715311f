"""Fast substring search: trigram indexes for ``ILIKE`` on PostgreSQL, an FTS5 trigram table on SQLite.

pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it. SQLite's ``messages_fts`` is an
external-content FTS5 table over ``messages.content`` kept in step by triggers. Where either cannot be created
the search still works, by a scan (slower; see BENCHMARKS.md).

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


def _sqlite() -> None:
    bind = op.get_bind()
    savepoint = bind.begin_nested()
    try:
        for statement in _SQLITE:
            op.execute(statement)
    except Exception:  # noqa: BLE001 - an SQLite built without FTS5 trigram: search scans instead
        savepoint.rollback()
        return
    savepoint.commit()


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _sqlite()
        return
    if bind.dialect.name != "postgresql":
        return
    savepoint = bind.begin_nested()
    try:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001 - no contrib package or no right to create it: search scans instead
        savepoint.rollback()
        return
    savepoint.commit()
    op.execute("CREATE INDEX ix_messages_content_trgm ON messages USING gin (content gin_trgm_ops)")
    op.execute("CREATE INDEX ix_conversations_title_trgm ON conversations USING gin (title gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS messages_fts_{name}")
        op.execute("DROP TABLE IF EXISTS messages_fts")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_conversations_title_trgm")
        op.execute("DROP INDEX IF EXISTS ix_messages_content_trgm")
