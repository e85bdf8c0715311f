"""Presets, experiments and share snapshots (functions over a session; the Store wraps them)."""

from __future__ import annotations

import secrets as token_source
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from playground.chat.conversation import Conversation
from playground.store import shares
from playground.store.conversations import load, utc
from playground.store.convert import message_from_row, message_row, scrub
from playground.store.models import ExperimentRow, PresetRow, ShareRow
from playground.store.records import Experiment, ExperimentEntry, Preset, Share


def save_preset(session: Session, *, owner: str, preset: Preset, secrets: Sequence[str], now: datetime) -> None:
    """Insert or replace the owner's preset of that name."""
    row = session.scalars(select(PresetRow).where(PresetRow.owner == owner, PresetRow.name == preset.name)).first()
    if row is None:
        row = PresetRow(owner=owner, name=scrub(preset.name, secrets)[:120])
        session.add(row)
    row.system = scrub(preset.system, secrets)
    row.params = scrub(dict(preset.params), secrets)
    row.provider, row.model, row.updated_at = preset.provider, preset.model, now
    row.response_format = scrub(preset.response_format, secrets)
    row.tools = scrub(preset.tools, secrets)


def _preset(row: PresetRow) -> Preset:
    return Preset(row.name, row.system, dict(row.params), row.provider, row.model, row.response_format, row.tools)


def presets(session: Session, *, owner: str) -> list[Preset]:
    query = select(PresetRow).where(PresetRow.owner == owner).order_by(PresetRow.name)
    return [_preset(r) for r in session.scalars(query)]


def delete_preset(session: Session, *, owner: str, name: str) -> bool:
    result = session.execute(delete(PresetRow).where(PresetRow.owner == owner, PresetRow.name == name))
    return result.rowcount > 0


def save_experiment(
    session: Session,
    *,
    owner: str,
    name: str,
    definition: dict[str, Any],
    results: Any,
    secrets: Sequence[str],
    now: datetime,
    experiment_id: str | None,
) -> str:
    """Insert or update an experiment; returns its id."""
    experiment_id = experiment_id or uuid.uuid4().hex
    row = session.get(ExperimentRow, experiment_id)
    if row is not None and row.owner != owner:
        raise PermissionError("This experiment belongs to someone else.")
    if row is None:
        row = ExperimentRow(id=experiment_id, owner=owner, created_at=now)
        session.add(row)
    row.name = scrub(name, secrets)[:200]
    row.definition, row.results = scrub(definition, secrets), scrub(results, secrets)
    return experiment_id


def _experiment(r: ExperimentRow) -> Experiment:
    return Experiment(r.id, r.name, r.definition, r.results, utc(r.created_at))


def experiments(session: Session, *, owner: str) -> list[Experiment]:
    query = select(ExperimentRow).where(ExperimentRow.owner == owner).order_by(ExperimentRow.created_at.desc())
    return [_experiment(r) for r in session.scalars(query)]


def experiment_index(session: Session, *, owner: str) -> list[ExperimentEntry]:
    """The owner's experiments, newest first, without reading their definitions or results."""
    kind = ExperimentRow.definition["kind"].as_string()
    query = select(ExperimentRow.id, ExperimentRow.name, kind, ExperimentRow.created_at)
    query = query.where(ExperimentRow.owner == owner).order_by(ExperimentRow.created_at.desc())
    return [ExperimentEntry(i, n, k or "", utc(c)) for i, n, k, c in session.execute(query)]


def experiment(session: Session, *, owner: str, experiment_id: str) -> Experiment | None:
    row = session.get(ExperimentRow, experiment_id)
    return _experiment(row) if row is not None and row.owner == owner else None


def delete_experiment(session: Session, *, owner: str, experiment_id: str) -> bool:
    query = delete(ExperimentRow).where(ExperimentRow.owner == owner, ExperimentRow.id == experiment_id)
    return session.execute(query).rowcount > 0


def create_share(
    session: Session,
    *,
    owner: str,
    conversation_id: str,
    secrets: Sequence[str],
    now: datetime,
    expires_in: timedelta | None = None,
) -> str | None:
    """Freeze a copy of the owner's conversation behind a new unguessable id, open until revoked or until
    ``expires_in`` has passed; None if not theirs."""
    stored = load(session, owner=owner, conversation_id=conversation_id)
    if stored is None:
        return None
    messages = [message_row(m, position=i, secrets=secrets) for i, m in enumerate(stored.conversation.messages)]
    for row in messages:
        row["cost_total"] = None if row["cost_total"] is None else str(row["cost_total"])
    s = stored.summary
    snapshot = {"title": s.title, "provider": s.provider, "model": s.model, "settings": stored.settings}
    share_id = token_source.token_urlsafe(24)
    session.add(
        ShareRow(
            id=share_id,
            owner=owner,
            conversation_id=conversation_id,
            created_at=now,
            expires_at=None if expires_in is None else now + expires_in,
            snapshot=scrub({**snapshot, "messages": messages}, secrets),
        )
    )
    return share_id


class _Row:
    """A message row read back from a snapshot's JSON (attribute access like an ORM row)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


def open_share(session: Session, *, share_id: str, now: datetime) -> Share | None:
    """The snapshot behind ``share_id`` as a fresh, independent conversation; None if there is none (revoked,
    deleted with its conversation, or expired at ``now``)."""
    row = session.get(ShareRow, share_id) if share_id else None
    if row is None or not shares.live(row, now):
        return None
    snap = row.snapshot
    conv = Conversation([message_from_row(_Row(m)) for m in snap["messages"]])
    return Share(
        row.id, snap["title"], snap["provider"], snap["model"], dict(snap["settings"]), conv, utc(row.created_at)
    )
