"""A conversation's share links on the History page: how long a new link lasts, the live links, and Revoke."""

from __future__ import annotations

import streamlit as st

from components import state
from playground.facts.workspace import Workspace
from playground.store import Store
from playground.store.shares import EXPIRY_CHOICES

EXPIRY_DEFAULT = next(iter(EXPIRY_CHOICES))
EXPIRY_KEY = "history_share_expiry"

__all__ = ["EXPIRY_CHOICES", "EXPIRY_DEFAULT", "render"]


def _revoke(store: Store, ws: Workspace, share_id: str) -> None:
    store.revoke_share(owner=ws.owner, share_id=share_id)
    shown = st.session_state.get(state.SHARE_LINK)
    if shown and shown[1] == share_id:
        st.session_state.pop(state.SHARE_LINK, None)


def _ends(link_expires: object) -> str:
    return "until revoked" if link_expires is None else f"until {link_expires:%Y-%m-%d %H:%M} UTC"


def render(store: Store, ws: Workspace, conversation_id: str) -> None:
    """The expiry for the next link, then each live link of the conversation with a Revoke button."""
    links = store.list_shares(owner=ws.owner, conversation_id=conversation_id)
    with st.expander(f"Share links ({len(links)})", icon=":material/link:", expanded=bool(links)):
        st.selectbox("A new link works", list(EXPIRY_CHOICES), key=EXPIRY_KEY)
        if not links:
            st.caption("No link opens this conversation.")
        for link in links:
            with st.container(horizontal=True, vertical_alignment="center", key=f"share_row_{link.id[:8]}"):
                st.caption(
                    f":material/link: Made {link.created_at:%Y-%m-%d %H:%M} UTC, works {_ends(link.expires_at)} "
                    f"`…{link.id[-6:]}`"
                )
                st.button(
                    "Revoke", icon=":material/link_off:", key=f"share_revoke_{link.id}",
                    on_click=_revoke, args=(store, ws, link.id),
                )  # fmt: skip
