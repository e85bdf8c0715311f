"""Who owns what is saved: a signed-in user, one browser session (public mode), or the one local workspace."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass

from playground.facts import providers

LOCAL = "local"
OWNER_WIDTH = 320  # the owner columns' width in the store


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

    A signed-in user is keyed on the identity provider's issuer and subject (``iss`` + ``sub``, which the provider
    never reassigns); an email names the workspace only when the provider says it is verified
    (``email_verified``) and there is no subject. Anyone else signed in counts as not signed in.

    Args:
        user: Streamlit's ``st.user`` as a mapping (``is_logged_in``, ``iss``, ``sub``, ``email``,
            ``email_verified``), or None.
        public: the deployment is public (``PLAYGROUND_PUBLIC=1``).
        session_id: an unguessable id of this browser session (used only in public mode without login).
    """
    user = user or {}
    owner = _signed_in_owner(user) if user.get("is_logged_in") is True else None
    if owner:
        email = str(user.get("email") or "") if user.get("email_verified") is True else ""
        return Workspace(owner, signed_in=True, label=f"Signed in as {email or user.get('name') or 'you'}")
    if public:
        return Workspace(f"session:{session_id}", per_session=True, label="This browser session only")
    return Workspace(LOCAL)


def _signed_in_owner(user: Mapping[str, object]) -> str | None:
    """``user:<issuer>|<subject>``, else ``user:<email>`` when verified, else None (hashed when too long)."""
    sub, iss = user.get("sub"), user.get("iss")
    if isinstance(sub, str) and sub:
        owner = f"user:{iss if isinstance(iss, str) else ''}|{sub}"
    elif user.get("email_verified") is True and isinstance(user.get("email"), str) and user.get("email"):
        owner = f"user:{user['email']}"
    else:
        return None
    if len(owner) > OWNER_WIDTH:
        owner = "user:sha256:" + hashlib.sha256(owner.encode("utf-8", "surrogatepass")).hexdigest()
    return owner
