"""The one home of the session-state keys shared across pages and components, with typed accessors.

Widget keys that only their own component reads (the pricing page's inputs, say) stay beside their widget.
"""

from __future__ import annotations

from typing import Any, Literal

import streamlit as st

from playground.chat.conversation import Conversation
from playground.chat.errors import PlaygroundError
from playground.chat.pending import PendingReply
from playground.facts.families import remember_key
from playground.text import block_remote_images
from playground.wire.limits import OneStream

# Widgets whose values other components read.
PROVIDER = "provider"  # sidebar: the provider id (bound to the URL)
MODEL_ID = "model_id"  # sidebar: the model id (bound to the URL)
PROTOCOL = "protocol"  # sidebar: "openai" or "anthropic", for providers that serve both
BASE_URL = "base_url"  # sidebar: the user's base URL, for providers that take one
KEY_STYLE = "modelslab_auth"  # sidebar: "header" or "body", for providers that take the key in the body
SYSTEM = "system"  # sidebar: the system message (bound to the URL)
CHAT_PROMPT = "chat_prompt"  # the chat input
EDIT_PROMPT = "edit_prompt"  # the "Edit last prompt" text area
LOAD_IMAGES = "load_remote_images"  # sidebar: load images in replies from their hosts (off: links naming the host)

# Values the app keeps.
CONVERSATION = "conversation"  # playground.chat.conversation.Conversation of this browser session
PARAMS = "params"  # the last valid GenerationParams (used while a typed value is out of range)
PENDING = "pending_reply"  # True when the next run must stream a reply
ERROR = "chat_error"  # the last PlaygroundError, shown with its fix until the next request
DISABLED = "disabled_params"  # {model id: parameters the user turned off after a rejection}
NOTICE = "prompt_notice"  # (kind, message) about the last prompt that was not sent
HELD = "held_prompt"  # a large prompt waiting for confirmation
KEPT = "kept_prompt"  # a refused prompt, kept for copying or download
HISTORY_WINDOW = "history_window"  # how many of the last messages the chat pane draws
SHOW_CODE = "show_code"  # open the "View code" dialog on this run
FULL_RUN = "in_full_run"  # True while the page's full run draws the sidebar (False in a fragment's own rerun)
CHOICE = "full_run_choice"  # provider, model, protocol and disabled set as of the last full run
REMOTE_MODELS = "remote_models"  # {provider tag: (model ids from its /v1/models, why the list failed or "")}
DROPPED = "dropped_params"  # {model@url: {parameter: the reason it is not sent}} after a family retry
SWITCHED = "switched_models"  # model ids switched to from a retired-model error (kept in the model picker)
EXACT_TOKENS = "exact_tokens"  # {(provider tag, model, digest): exact input tokens}
TOOL_SETTINGS = "tool_settings"  # playground.tools.settings.ToolSettings: the valid tools and output format
TOOL_TEXTS = "tool_texts"  # {"tools", "schema"}: the editors' texts as typed (kept while invalid)
TOOL_PROBLEMS = "tool_problems"  # {"tools", "schema"}: what is wrong in each editor (blocks sending)
TOOLS_OPEN = "tools_dialog_open"  # the "Tools and output format" dialog is open
MESSAGES_OPEN = "messages_dialog_open"  # the "Messages" dialog is open
MESSAGES_GEN = "messages_generation"  # moves on every structural edit, renewing the editor's widget keys
LIVE_REPLY = "live_reply"  # playground.chat.pending.PendingReply: the reply a run streams (the next settles it)
STREAM_GUARD = "stream_guard"  # playground.wire.limits.OneStream: one reply streaming at a time per session
CONVERSATION_ID = "conversation_id"  # the id this session's conversation is saved under (playground.store)
WORKSPACE_SESSION = "workspace_session"  # an unguessable id of this browser session (public mode's owner)
SHARE_LINK = "share_link"  # (conversation id, share id) the history page made last, shown as a link
SHARED_FROM = "shared_from"  # the title of the shared conversation this session opened a copy of

NoticeKind = Literal["info", "warning", "error"]


def typed_key(provider_id: str) -> str:
    """The key of the API key typed for ``provider_id`` (never bound to the URL)."""
    return f"api_key_{provider_id}"


def conversation() -> Conversation:
    """This session's conversation (created on first use), with a reply stopped in an earlier run settled in it."""
    settle_reply()
    return st.session_state.setdefault(CONVERSATION, Conversation())


def set_live_reply(pending: PendingReply | None) -> None:
    """Note the reply this run streams (``None`` once it is recorded), for the next run to settle after a stop."""
    if pending is None:
        st.session_state.pop(LIVE_REPLY, None)
    else:
        st.session_state[LIVE_REPLY] = pending


def settle_reply() -> None:
    """Make sure a reply streamed by an earlier run is in the conversation before anything reads or draws it.

    A click during a stream (Stop, or any other) starts the next run while the streaming one still unwinds; this
    waits for that run to record its partial reply (or records it), so the page drawn next shows it settled.
    """
    pending = st.session_state.get(LIVE_REPLY)
    if pending is not None and pending.settle():
        st.session_state.pop(LIVE_REPLY, None)


def reply_pending() -> bool:
    """Whether this run must stream a reply."""
    return bool(st.session_state.get(PENDING))


def set_reply_pending(pending: bool) -> None:
    st.session_state[PENDING] = pending


def last_error() -> PlaygroundError | None:
    """The last request's typed error, if it failed."""
    return st.session_state.get(ERROR)


def set_error(error: PlaygroundError) -> None:
    """Keep ``error`` for the error panel (without its traceback, which would pin the failed run's frames)."""
    st.session_state[ERROR] = error.with_traceback(None)


def clear_error() -> None:
    st.session_state.pop(ERROR, None)


def disabled_params(model_id: str) -> frozenset[str]:
    """Parameters turned off for ``model_id`` in this session."""
    return frozenset(st.session_state.get(DISABLED, {}).get(model_id, ()))


def disable_param(model_id: str, name: str) -> None:
    """Turn ``name`` off for ``model_id`` for the rest of this session."""
    st.session_state.setdefault(DISABLED, {}).setdefault(model_id, set()).add(name)


def dropped_params(model_id: str, base_url: str) -> dict[str, str]:
    """Parameters left out for ``model_id`` at ``base_url`` after a family retry, with the server's reason."""
    return dict(st.session_state.get(DROPPED, {}).get(remember_key(model_id=model_id, base_url=base_url), {}))


def drop_params(model_id: str, base_url: str, reasons: dict[str, str]) -> None:
    """Leave ``reasons``' parameters out for ``model_id`` at ``base_url`` for the rest of this session."""
    key = remember_key(model_id=model_id, base_url=base_url)
    st.session_state.setdefault(DROPPED, {}).setdefault(key, {}).update(reasons)


def switched_models() -> list[str]:
    """Model ids the user switched to from a retired-model error, for the model picker's options."""
    return list(st.session_state.get(SWITCHED, []))


def add_switched_model(model_id: str) -> None:
    models = st.session_state.setdefault(SWITCHED, [])
    if model_id not in models:
        models.append(model_id)


def notice() -> tuple[NoticeKind, str] | None:
    """The message about the last prompt that was not sent."""
    return st.session_state.get(NOTICE)


def set_notice(kind: NoticeKind, message: str) -> None:
    st.session_state[NOTICE] = (kind, message)


def clear_notice() -> None:
    st.session_state.pop(NOTICE, None)


def cache(name: str) -> dict[Any, Any]:
    """A per-session cache (``REMOTE_MODELS`` or ``EXACT_TOKENS``)."""
    return st.session_state.setdefault(name, {})


def stream_guard() -> OneStream:
    """This session's one-reply-at-a-time guard (held while a reply streams)."""
    return st.session_state.setdefault(STREAM_GUARD, OneStream())


def model_markdown(text: str) -> str:
    """Model (or shared-link) text as it is drawn: remote images become links naming their host unless this
    session switched loading them on."""
    return text if st.session_state.get(LOAD_IMAGES) else block_remote_images(text)
