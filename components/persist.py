"""The app's link to the store: one store and writer per process, this visitor's workspace, saving after a reply.

Nothing here may delay or break the chat: saving goes through the background writer, and a database that is down
shows a notice (``render_health``) while the chat goes on.
"""

from __future__ import annotations

import re
import secrets as token_source
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import streamlit as st

from components import state
from components.settings import Settings, secrets
from playground.chat.conversation import Conversation
from playground.facts.workspace import Workspace, public_mode, workspace
from playground.money.budget import Ledger, flat_price, limits
from playground.store import BackgroundWriter, Budget, Store, new_id, resolve_url
from playground.store.writer import plain_error
from playground.text import plain

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Link:
    """The process's store and writer, or why there is none (``store`` None: off or unreachable)."""

    store: Store | None
    writer: BackgroundWriter | None
    problem: str = ""  # set when the database could not be opened
    failed_at: float = 0.0  # monotonic time of that failure (a retry waits RETRY_SECONDS)


_LINKS: dict[str, Link] = {}  # one per database URL (server configuration, never user input) in this process
_LOCK = threading.Lock()
RETRY_SECONDS = 30.0
CHAT_PARAM = "chat"  # ?chat=<id>: the saved conversation open in this tab, reopened on reload (owner-checked)
LINK_READ = "chat_link_read"  # session: the URL's ?chat was read once, at this session's first playground run
SAVED_ID = "chat_saved_id"  # session: the conversation id this session has saved (or opened from the store)
CHAT_ID = re.compile(r"[0-9a-f]{32}")  # new_id(): 122 random bits, unguessable


def _open(url: str) -> Link:
    """The process's link to ``url``, opened (and migrated) once; a failure is kept and retried on a later run."""
    with _LOCK:
        current = _LINKS.get(url)
        if current is not None and (not current.problem or time.monotonic() - current.failed_at < RETRY_SECONDS):
            return current
        try:
            store = Store.open(url=url)
        except Exception as exc:  # noqa: BLE001 - a database that is down must not break the app
            current = Link(None, None, plain_error(exc, url=url), time.monotonic())
        else:
            current = Link(store, BackgroundWriter(store=store))
        _LINKS[url] = current
        return current


def link() -> Link:
    """This process's store for ``PLAYGROUND_DATABASE_URL`` (an SQLite file by default; ``none``: off)."""
    url = resolve_url(secrets=secrets())
    return _open(url) if url else Link(None, None)


def current_workspace() -> Workspace:
    """Who this visitor is to the store: the signed-in user, this browser session (public mode) or "local"."""
    try:
        user = st.user.to_dict()
    except Exception:  # noqa: BLE001 - no auth configured
        user = {}
    session_id = st.session_state.setdefault(state.WORKSPACE_SESSION, token_source.token_urlsafe(16))
    return workspace(user=user, public=public_mode(secrets=secrets()), session_id=session_id)


def conversation_id() -> str:
    """The id this session's conversation is saved under."""
    return st.session_state.setdefault(state.CONVERSATION_ID, new_id())


def new_chat() -> None:
    """Start a new conversation (the current one stays in the history)."""
    st.session_state[state.CONVERSATION] = Conversation()
    st.session_state[state.CONVERSATION_ID] = new_id()
    state.clear_error()


def typed_keys() -> tuple[str, ...]:
    """Every key typed in this session's sidebar: masked in everything saved."""
    return tuple(str(v) for k, v in st.session_state.items() if str(k).startswith("api_key_") and v)


def render_health() -> None:
    """A notice when saving is failing (the chat goes on)."""
    current = link()
    if current.problem:
        st.warning(
            f"History is not being saved: the database cannot be opened ({current.problem}).",
            icon=":material/cloud_off:",
        )
    elif current.writer is not None and current.writer.health.state == "down":
        st.warning(
            f"History is not being saved right now. {current.writer.health.message}", icon=":material/cloud_off:"
        )
    elif current.writer is not None and current.writer.health.quarantined:
        st.caption(f":material/report: {current.writer.health.quarantine_message}")


Saver = Callable[[Conversation], None]


def prepare(settings: Settings) -> tuple[Saver, str | None]:
    """Before sending: reserve the budget and capture what saving needs (session state is unusable after a stop).

    Returns the function to call with the conversation once the reply is recorded, and a refusal message when the
    budget does not allow the request (then nothing is sent).
    """
    current, ws = link(), current_workspace()
    cid, masked, settings_doc = (
        conversation_id(),
        (*typed_keys(), settings.config.api_key or ""),
        _settings(settings),
    )
    budget = _reserve(current.store, ws, settings)
    if isinstance(budget, str):
        return (lambda conv: None), budget
    writer = current.writer
    if writer is not None:
        st.session_state[SAVED_ID] = cid  # the URL may name it from the next run on (see reopen_chat)

    def save(conv: Conversation) -> None:
        if writer is None:
            return
        last = conv.messages[-1].reply if conv.messages else None
        snapshot = Conversation(list(conv.messages))
        if last is None:
            if budget is not None:
                writer.submit(lambda s: s.release_budget(reservation=budget))
            return
        writer.submit(
            lambda s: s.save_turn(
                owner=ws.owner,
                conversation_id=cid,
                conversation=snapshot,
                reply=last,
                settings=settings_doc,
                reservation=budget,
                secrets=masked,
            )
        )

    return save, None


def _settings(settings: Settings) -> dict[str, object]:
    return {
        **settings.params.model_dump(mode="json"),
        "provider": settings.config.provider.id,
        "model": settings.model.id,
        "protocol": settings.protocol,
    }


def ledger(store: Store | None = None, ws: Workspace | None = None) -> Ledger | str:
    """This visitor's ledger (daily budget and spend), or why nothing may be sent (a budget setting that is not an
    amount: refuse rather than spend unchecked). The chat, compare and test-set runs hold and record through it."""
    ws = ws or current_workspace()
    try:
        caps = limits(secrets=secrets(), signed_in=ws.signed_in)
    except ValueError as exc:
        return f"Not sent: {exc}"
    return Ledger(store=store if store is not None else link().store, owner=ws.owner, limits=caps)


def _reserve(store: Store | None, ws: Workspace, settings: Settings) -> Budget | str | None:
    """A budget reservation, a refusal message, or None when no budget applies."""
    got = ledger(store, ws)
    if isinstance(got, str):
        return got
    history = state.conversation().history()
    return got.hold(
        price=flat_price(settings.model),
        messages=[{"content": settings.params.system}, *history],
        max_tokens=settings.params.max_tokens,
        config=settings.config,
        offline=settings.config.provider.offline,
    )


def open_shared_link() -> None:
    """Open ``?share=<id>`` as a copy of the shared conversation in this session, then drop it from the URL."""
    share_id = st.query_params.get("share")
    if not share_id:
        return
    del st.query_params["share"]
    current = link().store
    shared = current.open_share(share_id=share_id) if current else None
    if shared is None:
        state.set_notice("warning", "That share link does not open anything: it is wrong, or saving is off here.")
        return
    new_chat()
    st.session_state[state.CONVERSATION] = shared.conversation
    system = shared.settings.get("system")
    if isinstance(system, str):
        st.session_state[state.SYSTEM] = system
    title = plain(shared.title) or "a conversation"  # the sharer's words: shown as typed, never as Markdown
    state.set_notice("info", f"A read-only copy of {title}: anything you add is saved as your own chat.")


def reachable(action: Callable[[Store], T], *, default: T) -> T:
    """``action(store)``, or ``default`` with a notice when the database fails (it never raises into a page)."""
    current = link()
    if current.store is None:
        return default
    try:
        return action(current.store)
    except Exception as exc:  # noqa: BLE001 - a database that went down must not break the page
        st.warning(
            f"The database cannot be reached right now ({plain_error(exc, url=current.store.url)}).",
            icon=":material/cloud_off:",
        )
        return default


def mark_saved(conversation_id: str) -> None:
    """``conversation_id`` is in the store (opened from History): the URL may name it."""
    st.session_state[SAVED_ID] = conversation_id


def clear_question() -> str:
    """What Clear really does: with saving on the chat stays in History; with saving off it is gone."""
    if link().store is None:
        return "Clear the whole conversation? Saving is off here, so it cannot be brought back."
    return "Start a new chat? This one stays in History."


def reopen_chat() -> None:
    """Reload keeps the chat: at this session's first playground run ``?chat=<id>`` reopens that saved chat when it
    is this visitor's (else a fresh chat and a short note, never someone else's chat); afterwards the URL names
    the saved chat open now (saving on and a workspace that outlives the session)."""
    if not st.session_state.get(LINK_READ):
        st.session_state[LINK_READ] = True
        wanted = st.query_params.get(CHAT_PARAM)
        if wanted:
            _open_link(wanted)
    _point_url()


def _open_link(wanted: str) -> None:
    store, ws = link().store, current_workspace()
    found = None
    if store is not None and CHAT_ID.fullmatch(wanted) and not ws.per_session:
        found = reachable(lambda s: s.load_conversation(owner=ws.owner, conversation_id=wanted), default=None)
    if found is None:
        st.query_params.pop(CHAT_PARAM, None)
        why = "saving is off here" if store is None else "it is not one of your saved chats"
        state.set_notice("info", f"The chat in this address cannot be opened ({why}): this is a new chat.")
        return
    st.session_state[state.CONVERSATION] = found.conversation
    st.session_state[state.CONVERSATION_ID] = wanted
    mark_saved(wanted)


def _point_url() -> None:
    cid = st.session_state.get(state.CONVERSATION_ID)
    saved = cid is not None and st.session_state.get(SAVED_ID) == cid and bool(state.conversation().messages)
    if saved and link().store is not None and not current_workspace().per_session:
        if st.query_params.get(CHAT_PARAM) != cid:
            st.query_params[CHAT_PARAM] = cid
    elif CHAT_PARAM in st.query_params:
        del st.query_params[CHAT_PARAM]
