"""Search over titles and message text that stays fast whether a word is rare or in every conversation.

Query planners pick one plan for ``EXISTS (... content ILIKE ...)`` and lose either way: a hash join over every
matching message is slow for a common word (1.2 s at 100,000 messages on PostgreSQL), a scan is slow for a rare
one. So the search walks the filtered, sorted conversations in growing chunks and asks which of each chunk match,
stopping once the page is full: a common word is found in the first chunk, a rare one costs one pass over the
messages in a few round trips. On
SQLite a rare word is first looked up in the FTS5 trigram index (migration 0003).
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy import text as sa_text
from sqlalchemy.orm import Session

from playground.store.models import ConversationRow, MessageRow

CHUNK = 100  # conversations checked in the first round trip; each later one checks four times as many
FTS_CAP = 2000  # SQLite: more matching messages than this and the chunked scan is the faster way


def like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards taken literally (escape character ``\\``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_ids(session: Session, text: str) -> list[str] | None:
    """Conversation ids with a message containing ``text``, from SQLite's trigram index; None when it cannot
    answer (another database, no index, a pattern it cannot use, or too many matches to be worth it)."""
    if session.get_bind().dialect.name != "sqlite" or len(text) < 3 or any(c in text for c in "%_\\"):
        return None
    found = session.execute(sa_text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'messages_fts'"))
    if found.first() is None:
        return None
    rows = session.execute(
        sa_text("SELECT rowid FROM messages_fts WHERE content LIKE :p LIMIT :n"),
        {"p": f"%{text}%", "n": FTS_CAP + 1},
    ).all()
    if len(rows) > FTS_CAP:
        return None
    ids = select(MessageRow.conversation_id).where(MessageRow.id.in_([r[0] for r in rows])).distinct()
    return list(session.scalars(ids))


def search_rows(session: Session, query: Select, *, text: str, limit: int, offset: int) -> list[ConversationRow]:
    """Rows of ``query`` (filtered and sorted conversations) whose title or any message contains ``text``."""
    pattern = like_pattern(text)
    title_hit = ConversationRow.title.ilike(pattern, escape="\\")
    indexed = _fts_ids(session, text)
    if indexed is not None:
        narrowed = query.where(title_hit | ConversationRow.id.in_(indexed))
        return list(session.scalars(narrowed.limit(limit).offset(offset)))
    wanted = limit + offset
    found, start, size = [], 0, max(CHUNK, wanted)
    while len(found) < wanted:
        chunk = list(session.scalars(query.limit(size).offset(start)))
        if not chunk:
            break
        by_id = {row.id: row for row in chunk}
        in_text = select(MessageRow.conversation_id).where(
            MessageRow.conversation_id.in_(list(by_id)), MessageRow.content.ilike(pattern, escape="\\")
        )
        in_title = select(ConversationRow.id).where(ConversationRow.id.in_(list(by_id)), title_hit)
        hits = set(session.scalars(in_text.union(in_title)))
        found += [row for row in chunk if row.id in hits]
        start, size = start + size, size * 4
    return found[offset:wanted]
