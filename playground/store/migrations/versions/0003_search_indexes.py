"""Trigram indexes over message text, so a rare word is found without reading every message.

SQLite: ``messages_fts``, an external-content FTS5 table (trigram tokenizer) over ``messages.content`` kept in
step by triggers. PostgreSQL: a GIN ``pg_trgm`` index (a trusted extension since PostgreSQL 13: the database owner
may create it). Where either cannot be created the search still works, by its chunked scan (slower for rare words).

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


_POSTGRESQL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_messages_content_trgm ON messages USING gin (content gin_trgm_ops)",
)


def upgrade() -> None:
    bind = op.get_bind()
    statements = {"sqlite": _SQLITE, "postgresql": _POSTGRESQL}.get(bind.dialect.name, ())
    if not statements:
        return
    savepoint = bind.begin_nested()
    try:
        for statement in statements:
            op.execute(statement)
    except Exception:  # noqa: BLE001 - no FTS5 trigram / no pg_trgm here: search scans instead
        savepoint.rollback()
        return
    savepoint.commit()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS messages_fts_{name}")
        op.execute("DROP TABLE IF EXISTS messages_fts")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_messages_content_trgm")
