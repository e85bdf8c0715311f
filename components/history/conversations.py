"""The history list: search and filters, the table, and actions on the chosen conversation."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from urllib import parse

import pandas as pd
import streamlit as st

from components import persist, state
from components.history import share_links
from components.history.share_links import EXPIRY_CHOICES, EXPIRY_DEFAULT
from playground.chat import export
from playground.facts.params import DEFAULTS, GenerationParams
from playground.facts.workspace import Workspace
from playground.money.pricing import format_usd
from playground.store import ConversationSummary, Store, StoredConversation
from playground.text import plain

SORTS = {"recent": "Most recent", "oldest": "Oldest", "cost": "Most expensive", "title": "Title"}
PLAYGROUND_PAGE = "pages/chat.py"
PAGE_SIZE = 100  # conversations listed at once (search and filters narrow it)
DELETE_ASKED = "history_delete_asked"  # the conversation whose Delete was clicked: its confirmation is shown


def _filters(store: Store, ws: Workspace) -> dict[str, object]:
    # A form: one click on Search (or Enter) applies what was typed, with no blur needed first.
    with st.form("history_search_form", border=False):
        left, right = st.columns([5, 1], vertical_alignment="bottom")
        search = left.text_input("Search titles and messages", key="history_search", icon=":material/search:")
        right.form_submit_button("Search", key="history_search_go", icon=":material/search:", width="stretch")
    cols = st.columns(5)
    models = ["Any model", *store.models_used(owner=ws.owner)]
    model = cols[0].selectbox("Model", models, key="history_model")
    dates = cols[1].date_input("Updated between", value=(), key="history_dates")
    min_cost = cols[2].number_input(
        "Cost at least (USD)", min_value=0.0, value=None, format="%.6f", key="history_min_cost"
    )
    max_cost = cols[3].number_input(
        "Cost at most (USD)", min_value=0.0, value=None, format="%.6f", key="history_max_cost"
    )
    sort = cols[4].selectbox("Sort", list(SORTS), format_func=SORTS.get, key="history_sort")
    since = until = None
    if isinstance(dates, tuple) and dates:
        since = datetime.combine(dates[0], time(), tzinfo=UTC)
        until = datetime.combine(dates[-1], time(), tzinfo=UTC) + timedelta(days=1)
    return {
        "search": search,
        "model": None if model == models[0] else model,
        "since": since,
        "until": until,
        "min_cost": Decimal(str(min_cost)) if min_cost else None,
        "max_cost": Decimal(str(max_cost)) if max_cost is not None else None,
        "sort": sort,
    }


def _table(rows: list[ConversationSummary]) -> None:
    frame = pd.DataFrame(
        {
            "Title": [r.title for r in rows],
            "Updated": [when(r.updated_at) for r in rows],
            "Model": [r.model for r in rows],
            "Messages": [r.message_count for r in rows],
            "Cost": [format_usd(r.total_cost) for r in rows],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch", key="history_table")


def when(moment: datetime) -> str:
    """A stored time for the table: UTC to the minute ("2026-12-06 22:19 UTC"), not ISO with "+00:00"."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _open(stored: StoredConversation) -> None:
    st.session_state[state.CONVERSATION] = stored.conversation
    st.session_state[state.CONVERSATION_ID] = stored.summary.id
    persist.mark_saved(stored.summary.id)
    system = stored.settings.get("system")
    if isinstance(system, str):
        st.session_state[state.SYSTEM] = system


def _export(stored: StoredConversation) -> str:
    values = {k: v for k, v in stored.settings.items() if k in GenerationParams.model_fields}
    try:
        params = GenerationParams(**values)
    except ValueError:
        params = DEFAULTS
    return export.to_json(
        stored.conversation,
        params=params,
        model_id=stored.summary.model,
        provider_id=stored.summary.provider,
        secrets=persist.typed_keys(),
    )


def _actions(store: Store, ws: Workspace, chosen: ConversationSummary) -> None:
    stored = store.load_conversation(owner=ws.owner, conversation_id=chosen.id)
    if stored is None:
        st.warning("That conversation is gone.", icon=":material/warning:")
        return
    with st.container(horizontal=True, key="history_actions"):
        if st.button("Open in playground", icon=":material/chat:", key="history_open", type="primary"):
            _open(stored)
            st.switch_page(PLAYGROUND_PAGE)
        st.download_button(
            "Export JSON",
            data=lambda: _export(stored),
            file_name="conversation.json",
            mime="application/json",
            icon=":material/download:",
            key="history_export",
            on_click="ignore",
        )
        if st.button("Share link", icon=":material/share:", key="history_share"):
            expiry = EXPIRY_CHOICES[st.session_state.get("history_share_expiry") or EXPIRY_DEFAULT]
            share_id = store.create_share(
                owner=ws.owner, conversation_id=chosen.id, secrets=persist.typed_keys(), expires_in=expiry
            )
            st.session_state[state.SHARE_LINK] = (chosen.id, share_id)
        st.button(
            "Delete…", icon=":material/delete:", key="history_delete_ask", on_click=_ask_delete, args=(chosen.id,)
        )
    if st.session_state.get(DELETE_ASKED) == chosen.id:
        _confirm_delete(store, ws, chosen)  # right under the button that asked
    shared = st.session_state.get(state.SHARE_LINK)
    if shared and shared[0] == chosen.id:
        st.caption("Whoever opens this link gets a read-only copy in their own session.")
        st.code(share_link(st.context.url, shared[1]), language=None)
    share_links.render(store, ws, chosen.id)
    title = st.text_input("Title", value=chosen.title, key=f"history_title_{chosen.id}")
    if st.button("Rename", icon=":material/edit:", key="history_rename"):
        if not title.strip():
            st.warning("Type a title, then Rename.", icon=":material/edit_note:")
        else:
            store.rename(owner=ws.owner, conversation_id=chosen.id, title=title, secrets=persist.typed_keys())
            st.rerun()


def _ask_delete(conversation_id: str) -> None:
    st.session_state[DELETE_ASKED] = conversation_id


def _confirm_delete(store: Store, ws: Workspace, chosen: ConversationSummary) -> None:
    """The question a Delete click asks: delete for good, or keep it."""
    with st.container(border=True, key="history_delete_confirm"):
        st.warning(
            f"Delete {plain(chosen.title)} for good? It leaves History and cannot be brought back, and its share "
            "links stop working too."
        )
        with st.container(horizontal=True):
            if st.button(
                "Delete for good", icon=":material/delete_forever:", key="history_delete", type="primary"
            ):
                store.delete(owner=ws.owner, conversation_id=chosen.id)
                st.session_state.pop(DELETE_ASKED, None)
                st.rerun()
            st.button(
                "Keep it", key="history_delete_cancel", on_click=st.session_state.pop, args=(DELETE_ASKED, None)
            )


def render(store: Store, ws: Workspace) -> None:
    """The whole conversations tab."""
    rows = store.list_conversations(owner=ws.owner, limit=PAGE_SIZE, **_filters(store, ws))
    if not rows:
        st.info("No saved conversations match.", icon=":material/inbox:")
        return
    _table(rows)
    by_id = {r.id: r for r in rows}
    chosen = st.selectbox("Conversation", list(by_id), format_func=lambda i: by_id[i].title, key="history_pick")
    _actions(store, ws, by_id[chosen])


def share_link(page_url: str | None, share_id: str) -> str:
    """The app's address with ``?share=<id>`` (the history page's own address, its page path dropped); only the
    query when the address is unknown."""
    if not page_url:
        return f"?share={share_id}"
    parts = parse.urlsplit(page_url)
    root = parts.path.rstrip("/").removesuffix("/history")
    return parse.urlunsplit((parts.scheme, parts.netloc, root + "/", f"share={share_id}", ""))
