"""Share links that end: a conversation's links listed, revoked one by one, and ended with the conversation.

A link opens while its row exists and its expiry (if any) has not passed. Revoking deletes the row, snapshot and
all, so nothing of the conversation stays readable behind it; "Delete for good" ends every link of the
conversation in the same transaction (``end_links`` is called from ``Store.delete``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from playground.store.conversations import utc
from playground.store.engine import read_session, write_session
from playground.store.models import ShareRow

EXPIRY_CHOICES: dict[str, timedelta | None] = {
    "Never (until revoked)": None,
    "1 day": timedelta(days=1),
    "7 days": timedelta(days=7),
    "30 days": timedelta(days=30),
}


@dataclass(frozen=True, slots=True)
class ShareLink:
    """One live link of a conversation: its id, when it was made, and when it ends (None: until revoked)."""

    id: str
    created_at: datetime
    expires_at: datetime | None


def live(row: ShareRow, now: datetime) -> bool:
    """Whether ``row``'s link still opens at ``now``."""
    return row.expires_at is None or utc(row.expires_at) > now


def end_links(session: Session, *, owner: str, conversation_id: str) -> int:
    """Delete every link of the owner's conversation; how many there were."""
    query = delete(ShareRow).where(ShareRow.owner == owner, ShareRow.conversation_id == conversation_id)
    return session.execute(query).rowcount


class ShareLinks:
    """The share-link methods ``Store`` provides (over ``engine`` and ``clock``)."""

    engine: Engine
    clock: Callable[[], datetime]

    def list_shares(self, *, owner: str, conversation_id: str) -> list[ShareLink]:
        """The owner's live links to that conversation, oldest first (expired ones are left out)."""
        query = select(ShareRow.id, ShareRow.created_at, ShareRow.expires_at).where(
            ShareRow.owner == owner, ShareRow.conversation_id == conversation_id
        )
        now = self.clock()
        with read_session(self.engine) as s:
            rows = s.execute(query.order_by(ShareRow.created_at)).all()
        found = [ShareLink(i, utc(c), None if e is None else utc(e)) for i, c, e in rows]
        return [link for link in found if link.expires_at is None or link.expires_at > now]

    def revoke_share(self, *, owner: str, share_id: str) -> bool:
        """End one of the owner's links (its snapshot is deleted); False when it is not theirs or gone."""
        with write_session(self.engine) as s:
            query = delete(ShareRow).where(ShareRow.owner == owner, ShareRow.id == share_id)
            return s.execute(query).rowcount > 0
