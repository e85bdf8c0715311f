"""Who owns what is saved: a signed-in user, one browser session (public mode), or the one local workspace."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from playground.facts import providers

LOCAL = "local"


@dataclass(frozen=True, slots=True)
class Workspace:
    """The owner key the store files everything under, and what the UI should say about it."""

    owner: str
    signed_in: bool = False
    per_session: bool = False  # public mode without login: history lives only as long as this browser session
    label: str = "Local workspace"


def public_mode(*, secrets: Mapping[str, object] | None = None) -> bool:
    """``PLAYGROUND_PUBLIC`` as the providers' allowlist reads it (one reading of the setting)."""
    return providers.public_mode(os.environ, secrets)


def workspace(*, user: Mapping[str, object] | None, public: bool, session_id: str) -> Workspace:
    """The workspace of this visitor.

    Args:
        user: Streamlit's ``st.user`` as a mapping (``is_logged_in``, ``email``, ``sub``), or None.
        public: the deployment is public (``PLAYGROUND_PUBLIC=1``).
        session_id: an unguessable id of this browser session (used only in public mode without login).
    """
    user = user or {}
    ident = str(user.get("email") or user.get("sub") or "") if user.get("is_logged_in") else ""
    if ident:
        return Workspace(f"user:{ident}", signed_in=True, label=f"Signed in as {ident}")
    if public:
        return Workspace(f"session:{session_id}", per_session=True, label="This browser session only")
    return Workspace(LOCAL)
