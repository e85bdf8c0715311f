"""Conversation actions: regenerate, edit and resend, clear (asks first), export, view code; the error panel."""

from __future__ import annotations

import streamlit as st

from components import state
from components.code_samples import code_dialog
from components.generation import request_reply
from components.settings import Settings
from components.state import conversation
from playground import export
from playground.errors import UnsupportedParameter


def send(text: str) -> None:
    """Append ``text`` as the user's message and ask for a reply (callback for starters and the input)."""
    conversation().add_user(text)
    request_reply()


def regenerate() -> None:
    """Drop the last reply and ask for a new one to the same prompt."""
    conv = conversation()
    index = conv.last_user_index()
    if index is not None:
        conv.truncate(index + 1)
        request_reply()


def resend_edited() -> None:
    """Replace the last prompt (and what followed it) with the edited text and ask for a reply."""
    conv = conversation()
    text = st.session_state.get(state.EDIT_PROMPT, "")
    index = conv.last_user_index()
    if index is None or not text.strip():
        return
    conv.truncate(index)
    send(text)


def clear() -> None:
    conversation().clear()
    state.clear_error()


def retry_without(model_id: str, param: str) -> None:
    """Turn ``param`` off for this model for the session, then retry."""
    state.disable_param(model_id, param)
    request_reply()


def render_actions(settings: Settings) -> None:
    """The row of conversation actions under the history."""
    conv = conversation()
    if not conv.messages:
        return
    secrets = (settings.config.api_key,)
    with st.container(horizontal=True, key="conversation_actions"):
        st.button(
            "Regenerate",
            icon=":material/refresh:",
            key="regenerate",
            on_click=regenerate,
            disabled=conv.last_user_index() is None,
        )
        index = conv.last_user_index()
        if index is not None:
            with st.popover("Edit last prompt", icon=":material/edit:"):
                st.text_area("Last prompt", value=conv.messages[index].content, key="edit_prompt")
                st.button("Resend", icon=":material/send:", key="resend", on_click=resend_edited)
        with st.popover("Export", icon=":material/download:"):
            args = {"params": settings.params, "model_id": settings.model.id, "secrets": secrets}
            # callables: built only when clicked, so a long conversation costs nothing on every rerun
            st.download_button(
                "JSON",
                lambda: export.to_json(conv, provider_id=settings.config.provider.id, **args),
                file_name="conversation.json",
                mime="application/json",
                key="export_json",
                icon=":material/data_object:",
                on_click="ignore",
            )
            st.download_button(
                "Markdown",
                lambda: export.to_markdown(conv, **args),
                file_name="conversation.md",
                mime="text/markdown",
                key="export_md",
                icon=":material/description:",
                on_click="ignore",
            )
        st.button("View code", icon=":material/code:", key="view_code", on_click=_open_code)
        with st.popover("Clear", icon=":material/delete:"):
            st.write("Delete the whole conversation? This cannot be undone.")
            st.button("Yes, clear it", type="primary", key="confirm_clear", on_click=clear)
    if st.session_state.pop(state.SHOW_CODE, False):
        code_dialog()


def _open_code() -> None:
    st.session_state[state.SHOW_CODE] = True


def render_error(settings: Settings) -> None:
    """The last error, inline, with the action that fixes it; the prompt and the history are untouched."""
    error = state.last_error()
    if error is None:
        return
    st.error(f"**{error.message}** {error.action}", icon=":material/error:")
    with st.container(horizontal=True, key="error_actions"):
        if isinstance(error, UnsupportedParameter) and error.param:
            st.button(
                f"Retry without {error.param}",
                key="retry_without",
                icon=":material/build:",
                on_click=retry_without,
                args=(settings.model.id, error.param),
            )
        wait = error.retry_after
        label = f"Retry (wait {wait:.0f} s first)" if wait else "Retry"
        st.button(label, key="retry", icon=":material/replay:", on_click=regenerate)  # drops a partial reply
