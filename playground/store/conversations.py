"""Saving, loading, listing and searching conversations (functions over a session; the Store wraps them)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from playground.chat.conversation import Conversation, Message
from playground.offline.spend import answered_offline
from playground.store.convert import digest, message_from_row, message_row, scrub
from playground.store.models import ConversationRow, MessageRow
from playground.store.records import ConversationSummary, Sort, StoredConversation
from playground.store.search import search_rows

TITLE_LENGTH = 80


def utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC time (SQLite hands back naive ones)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def default_title(conv: Conversation) -> str:
    """The first user message, shortened, or "New chat"."""
    first = next((m.content for m in conv.messages if m.role == "user" and m.content.strip()), "")
    text = " ".join(first.split())
    return (text[: TITLE_LENGTH - 1] + "…" if len(text) > TITLE_LENGTH else text) or "New chat"


def spent(messages: Sequence[Message]) -> Decimal:
    """Money the conversation's replies cost: the offline engine's replies are left out (nobody paid them)."""
    return sum(
        (
            m.reply.cost.total
            for m in messages
            if m.reply and m.reply.cost and not answered_offline(m.reply.provider_id)
        ),
        Decimal(0),
    )


def summary(row: ConversationRow) -> ConversationSummary:
    return ConversationSummary(
        id=row.id,
        title=row.title,
        created_at=utc(row.created_at),
        updated_at=utc(row.updated_at),
        provider=row.provider,
        model=row.model,
        message_count=row.message_count,
        total_cost=row.total_cost or Decimal(0),
        shareable=row.shareable,
    )


def save(
    session: Session,
    *,
    owner: str,
    conversation_id: str,
    conversation: Conversation,
    provider: str,
    model: str,
    settings: dict[str, Any],
    title: str | None,
    secrets: Sequence[str],
    now: datetime,
) -> None:
    """Insert or update one conversation; only messages whose content changed are rewritten."""
    row = session.get(ConversationRow, conversation_id)
    if row is not None and row.owner != owner:
        raise PermissionError("This conversation belongs to someone else.")
    if row is None:
        row = ConversationRow(id=conversation_id, owner=owner, created_at=now, shareable=True)
        row.title = scrub(title or default_title(conversation), secrets)[:200]
        session.add(row)
    elif title:
        row.title = scrub(title, secrets)[:200]
    row.updated_at, row.provider, row.model = now, provider, model
    row.settings = scrub(settings, secrets)
    messages = conversation.messages
    row.message_count = len(messages)
    row.total_cost = spent(messages)
    session.flush()
    _write_messages(session, conversation_id, messages, secrets)


def _write_messages(session: Session, conversation_id: str, messages: list, secrets: Sequence[str]) -> None:
    """Rewrite only the messages whose fingerprint changed, and drop the ones past the end."""
    stored = dict(
        session.execute(
            select(MessageRow.position, MessageRow.digest).where(MessageRow.conversation_id == conversation_id)
        ).all()
    )
    digests = [digest(m, secrets=secrets) for m in messages]
    stale = [p for p, d in stored.items() if p >= len(messages) or digests[p] != d]
    if stale:
        session.execute(
            delete(MessageRow).where(MessageRow.conversation_id == conversation_id, MessageRow.position.in_(stale))
        )
    fresh = [p for p, d in enumerate(digests) if stored.get(p) != d]
    session.add_all(
        MessageRow(conversation_id=conversation_id, **message_row(messages[p], position=p, secrets=secrets))
        for p in fresh
    )


def load(session: Session, *, owner: str | None, conversation_id: str) -> StoredConversation | None:
    """One conversation with its messages, if ``owner`` has it (``owner=None``: whoever owns it)."""
    row = session.get(ConversationRow, conversation_id)
    if row is None or (owner is not None and row.owner != owner):
        return None
    rows = session.scalars(
        select(MessageRow).where(MessageRow.conversation_id == conversation_id).order_by(MessageRow.position)
    )
    conv = Conversation([message_from_row(r) for r in rows])
    return StoredConversation(summary(row), dict(row.settings or {}), conv)


_ORDER = {
    "recent": (ConversationRow.updated_at.desc(),),
    "oldest": (ConversationRow.updated_at.asc(),),
    "cost": (ConversationRow.total_cost.desc(), ConversationRow.updated_at.desc()),
    "title": (func.lower(ConversationRow.title).asc(),),
}


def listing(
    session: Session,
    *,
    owner: str,
    search: str = "",
    model: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    min_cost: Decimal | None = None,
    max_cost: Decimal | None = None,
    sort: Sort = "recent",
    limit: int = 100,
    offset: int = 0,
) -> list[ConversationSummary]:
    """The owner's conversations matching every filter given (search: titles and message text, any case)."""
    query = select(ConversationRow).where(ConversationRow.owner == owner)
    if model:
        query = query.where(ConversationRow.model == model)
    if since is not None:
        query = query.where(ConversationRow.updated_at >= since)
    if until is not None:
        query = query.where(ConversationRow.updated_at < until)
    if min_cost is not None:
        query = query.where(ConversationRow.total_cost >= min_cost)
    if max_cost is not None:
        query = query.where(ConversationRow.total_cost <= max_cost)
    query = query.order_by(*_ORDER[sort])
    if search.strip():
        return [summary(r) for r in search_rows(session, query, text=search.strip(), limit=limit, offset=offset)]
    return [summary(r) for r in session.scalars(query.limit(limit).offset(offset))]


def models_used(session: Session, *, owner: str) -> list[str]:
    """The models of the owner's conversations, for a filter menu."""
    query = select(ConversationRow.model).where(ConversationRow.owner == owner).distinct()
    return sorted(session.scalars(query))


def rename(session: Session, *, owner: str, conversation_id: str, title: str, secrets: Sequence[str]) -> bool:
    row = session.get(ConversationRow, conversation_id)
    if row is None or row.owner != owner:
        return False
    row.title = scrub(title.strip() or "New chat", secrets)[:200]
    return True


def remove(session: Session, *, owner: str, conversation_id: str) -> bool:
    row = session.get(ConversationRow, conversation_id)
    if row is None or row.owner != owner:
        return False
    session.execute(delete(MessageRow).where(MessageRow.conversation_id == conversation_id))
    session.delete(row)
    return True
