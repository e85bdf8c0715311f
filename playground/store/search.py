"""Search over titles and message text that stays fast whether a word is rare or in every conversation.

Query planners pick one plan for ``EXISTS (... content ILIKE ...)`` and lose either way: a hash join over every
matching message is slow for a common word (1.2 s at 100,000 messages on PostgreSQL), a scan is slow for a rare
one. So the search walks the filtered, sorted conversations in growing chunks and asks which of each chunk match,
stopping once the page is full: a common word is found in the first chunk, a rare one costs one pass over the
messages in a few round trips. Before that a rare word is looked up through a trigram index (migration 0003).
"""

from __future__ import annotations

import re

from sqlalchemy import Select, func, select
from sqlalchemy import text as sa_text
from sqlalchemy.orm import Session

from playground.store.models import ConversationRow, MessageRow

CHUNK = 100  # conversations checked in the first round trip; each later one checks four times as many
FTS_CAP = 2000  # SQLite: more matching messages than this and the chunked scan is the faster way


def like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards taken literally (escape character ``\\``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _folding(session: Session, text: str) -> bool:
    """Whether matching needs Unicode case folding in SQL: SQLite (whose LIKE folds ASCII letters only) and a text
    with other letters. PostgreSQL's ILIKE folds them itself."""
    return session.get_bind().dialect.name == "sqlite" and not text.isascii()


def _contains(session: Session, column, text: str):  # noqa: ANN001, ANN202 - a column, a SQL condition
    """``column`` contains ``text``, case-insensitively in every script."""
    if _folding(session, text):
        return func.playground_fold(column).like(like_pattern(text.casefold()), escape="\\")
    return column.ilike(like_pattern(text), escape="\\")


def _ascii_key(text: str) -> str:
    """The longest run of ``text`` the trigram table can look up case-insensitively: ASCII, no LIKE wildcard."""
    runs = re.findall(r"[ -$&-\[\]-^`-~]+", text)  # printable ASCII but % _ and backslash
    return max(runs, key=len, default="")


def _sqlite_probe(session: Session, text: str) -> list[int] | None:
    """Message ids containing ``text`` from the FTS5 trigram table, at most ``FTS_CAP + 1``; None without it.

    The table folds ASCII letters only, so a text with other letters is looked up by its longest ASCII run (a
    superset of the messages that contain it, checked by ``search_rows``), or not at all when that run is short."""
    if not text.isascii():
        text = _ascii_key(text)
    if len(text) < 3 or any(c in text for c in "%_\\"):
        return None  # the trigram table answers LIKE only for 3+ characters without an ESCAPE clause
    found = session.execute(sa_text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'messages_fts'"))
    if found.first() is None:
        return None
    query = sa_text("SELECT rowid FROM messages_fts WHERE content LIKE :p LIMIT :n")
    return [r[0] for r in session.execute(query, {"p": f"%{text}%", "n": FTS_CAP + 1})]


def _indexed_ids(session: Session, text: str) -> list[str] | None:
    """Conversation ids with a message containing ``text``, found through a trigram index when the word is rare
    (at most ``FTS_CAP`` messages); None when it is common (or there is no index): then the chunked scan runs.

    PostgreSQL's planner serves the capped probe from the pg_trgm index for a rare word and from a scan that stops
    early for a common one."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        message_ids = _sqlite_probe(session, text)
        if message_ids is None or len(message_ids) > FTS_CAP:
            return None
        ids = select(MessageRow.conversation_id).where(MessageRow.id.in_(message_ids)).distinct()
        if _folding(session, text):  # the probe looked up an ASCII part: keep the messages with the whole text
            ids = ids.where(_contains(session, MessageRow.content, text))
        return list(session.scalars(ids))
    probe = select(MessageRow.conversation_id).where(MessageRow.content.ilike(like_pattern(text), escape="\\"))
    rows = list(session.scalars(probe.limit(FTS_CAP + 1)))
    return None if len(rows) > FTS_CAP else list(set(rows))


def search_rows(session: Session, query: Select, *, text: str, limit: int, offset: int) -> list[ConversationRow]:
    """Rows of ``query`` (filtered and sorted conversations) whose title or any message contains ``text``."""
    title_hit = _contains(session, ConversationRow.title, text)
    indexed = _indexed_ids(session, text)
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
            MessageRow.conversation_id.in_(list(by_id)), _contains(session, MessageRow.content, text)
        )
        in_title = select(ConversationRow.id).where(ConversationRow.id.in_(list(by_id)), title_hit)
        hits = set(session.scalars(in_text.union(in_title)))
        found += [row for row in chunk if row.id in hits]
        start, size = start + size, size * 4
    return found[offset:wanted]
