"""The store: one typed, keyword-only API over SQLite or PostgreSQL. Every call is its own transaction."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, text

from playground.chat.conversation import Conversation, Reply
from playground.offline.spend import answered_offline
from playground.store import conversations as convs
from playground.store import ledger
from playground.store.config import resolve_url, safe_url, server_keys
from playground.store.engine import make_engine, read_session, upgrade, write_session
from playground.store.records import (
    Budget,
    ConversationSummary,
    Sort,
    StoredConversation,
)
from playground.store.runs import EvalRuns
from playground.store.shares import ShareLinks, end_links
from playground.store.spending import LibraryAndSpend


def new_id() -> str:
    """A fresh conversation id."""
    return uuid.uuid4().hex


def _now() -> datetime:
    return datetime.now(UTC)


class Store(LibraryAndSpend, ShareLinks, EvalRuns):
    """Conversations, presets, experiments, shares, the spend ledger and budgets of every owner."""

    def __init__(
        self, *, engine: Engine, url: str, clock: Callable[[], datetime] = _now, keys: Sequence[str] = ()
    ) -> None:
        self.engine = engine
        self.url = safe_url(url)
        self.clock = clock
        self.keys = tuple(keys)  # server keys, masked in everything written besides each call's ``secrets``

    def mask(self, secrets: Sequence[str]) -> tuple[str, ...]:
        """The secrets to mask in one write: the call's and the server's keys."""
        return (*secrets, *self.keys)

    @classmethod
    def open(
        cls, *, url: str | None = None, secrets: Mapping[str, object] | None = None, migrate: bool = True
    ) -> Store | None:
        """Open (and migrate) the configured database; None when ``PLAYGROUND_DATABASE_URL`` is ``none``."""
        resolved = resolve_url(url=url, secrets=secrets)
        if resolved is None:
            return None
        engine = make_engine(resolved)
        if migrate:
            upgrade(engine)
            if engine.dialect.name == "postgresql":  # the job queue's tables, beside Alembic's
                from playground.jobs.queue import ensure_schema

                ensure_schema(engine)
        return cls(engine=engine, url=resolved, keys=server_keys(secrets=secrets))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def ping(self) -> None:
        """Raise if the database cannot be reached."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    # conversations
    def save_conversation(
        self,
        *,
        owner: str,
        conversation_id: str,
        conversation: Conversation,
        provider: str,
        model: str,
        settings: Mapping[str, Any] | None = None,
        title: str | None = None,
        secrets: Sequence[str] = (),
    ) -> None:
        """Insert or update a conversation (messages that did not change are not rewritten)."""
        with write_session(self.engine) as s:
            convs.save(
                s,
                owner=owner,
                conversation_id=conversation_id,
                conversation=conversation,
                provider=provider,
                model=model,
                settings=dict(settings or {}),
                title=title,
                secrets=self.mask(secrets),
                now=self.clock(),
            )

    def save_turn(
        self,
        *,
        owner: str,
        conversation_id: str,
        conversation: Conversation,
        reply: Reply,
        settings: Mapping[str, Any] | None = None,
        reservation: Budget | None = None,
        secrets: Sequence[str] = (),
    ) -> None:
        """Save the conversation and record ``reply`` in the ledger, in one transaction."""
        now = self.clock()
        with write_session(self.engine) as s:
            convs.save(
                s,
                owner=owner,
                conversation_id=conversation_id,
                conversation=conversation,
                provider=reply.provider_id,
                model=reply.model_id,
                settings=dict(settings or {}),
                title=None,
                secrets=self.mask(secrets),
                now=now,
            )
            ledger.record(
                s,
                owner=owner,
                at=now,
                provider=reply.provider_id,
                model=reply.model_id,
                usage=reply.usage,
                cost=reply.cost.total if reply.cost is not None else None,
                conversation_id=conversation_id,
                reservation=reservation,
                offline=answered_offline(reply.provider_id),
            )

    def load_conversation(self, *, owner: str, conversation_id: str) -> StoredConversation | None:
        with read_session(self.engine) as s:
            return convs.load(s, owner=owner, conversation_id=conversation_id)

    def list_conversations(
        self,
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
        """The owner's conversations, filtered and sorted (search: titles and message text)."""
        with read_session(self.engine) as s:
            return convs.listing(
                s,
                owner=owner,
                search=search,
                model=model,
                since=since,
                until=until,
                min_cost=min_cost,
                max_cost=max_cost,
                sort=sort,
                limit=limit,
                offset=offset,
            )

    def models_used(self, *, owner: str) -> list[str]:
        with read_session(self.engine) as s:
            return convs.models_used(s, owner=owner)

    def rename(self, *, owner: str, conversation_id: str, title: str, secrets: Sequence[str] = ()) -> bool:
        with write_session(self.engine) as s:
            return convs.rename(
                s, owner=owner, conversation_id=conversation_id, title=title, secrets=self.mask(secrets)
            )

    def delete(self, *, owner: str, conversation_id: str) -> bool:
        """Delete the owner's conversation for good, and end every share link to it."""
        with write_session(self.engine) as s:
            removed = convs.remove(s, owner=owner, conversation_id=conversation_id)
            if removed:
                end_links(s, owner=owner, conversation_id=conversation_id)
            return removed
