"""Persistence: conversations, presets, experiments, spend ledger, budgets and share snapshots (no streamlit).

``Store.open(url=...)`` opens SQLite or PostgreSQL and migrates to the newest schema; ``BackgroundWriter`` saves
off the script thread; ``resolve_url`` reads ``PLAYGROUND_DATABASE_URL``.
"""

from playground.store.config import URL_VARIABLE, default_path, resolve_url
from playground.store.records import (
    Budget,
    ConversationSummary,
    DaySpend,
    Experiment,
    ExperimentEntry,
    ModelSpend,
    OfflineSpend,
    Preset,
    Share,
    StoredConversation,
)
from playground.store.runs import RunEntry, StoredRun
from playground.store.store import Store, new_id
from playground.store.writer import BackgroundWriter, Health

__all__ = [
    "URL_VARIABLE",
    "BackgroundWriter",
    "Budget",
    "ConversationSummary",
    "DaySpend",
    "Experiment",
    "ExperimentEntry",
    "Health",
    "ModelSpend",
    "OfflineSpend",
    "Preset",
    "RunEntry",
    "Share",
    "Store",
    "StoredConversation",
    "StoredRun",
    "default_path",
    "new_id",
    "resolve_url",
]
