"""Conversation actions: regenerate, edit and resend, clear (asks first), export, view code; the error panel."""

from __future__ import annotations

import streamlit as st

from components import persist, state
from components.chat.generation import request_reply
from components.code_samples import code_dialog
from components.remote import model_check
from components.settings import Settings
from components.state import conversation
from playground.chat import export
from playground.chat.errors import UnknownModel, UnsupportedParameter
from playground.facts import catalog
from playground.facts.families import drop_reasons, family_for
from playground.facts.model_names import catalogue_id
from playground.text import label_text, plain
from playground.wire.classify import server_said
from playground.wire.models import closest_served


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
    """Start over: a new conversation (the cleared one stays in the history when saving is on)."""
    persist.new_chat()


def retry_without(model_id: str, param: str) -> None:
    """Turn ``param`` off for this model for the session, then retry."""
    state.disable_param(model_id, param)
    request_reply()


def retry_without_family(model_id: str, base_url: str, reasons: dict[str, str]) -> None:
    """Leave a whole parameter family out for this model at this URL for the session, then retry."""
    state.drop_params(model_id, base_url, reasons)
    request_reply()


def switch_model(model_id: str) -> None:
    """Switch to ``model_id`` (a served model suggested by a retired-model error) and send the prompt again."""
    state.add_switched_model(model_id)
    st.session_state[state.MODEL_ID] = model_id
    regenerate()


def render_actions(settings: Settings) -> None:
    """The conversation actions under the history: two primary ones and a "More" menu, one row even on a phone."""
    conv = conversation()
    if not conv.messages:
        return
    with st.container(horizontal=True, key="conversation_actions", wrap=False):
        index = conv.last_user_index()
        st.button(
            "Regenerate", icon=":material/refresh:", key="regenerate", on_click=regenerate, disabled=index is None
        )
        if index is not None:
            with st.popover("Edit", icon=":material/edit:", help="Edit the last prompt and send it again"):
                st.text_area("Last prompt", value=conv.messages[index].content, key="edit_prompt")
                st.button("Resend", icon=":material/send:", key="resend", on_click=resend_edited)
        # tracked (a rerun on open and close) so that an item opening a dialog can close the menu first
        with st.popover("More", icon=":material/more_horiz:", key=MORE, on_change="rerun"):
            _more(settings, conv)
    if st.session_state.pop(state.SHOW_CODE, False):
        code_dialog()
    if st.session_state.pop(CONFIRM_CLEAR, False):
        clear_dialog()


def _more(settings: Settings, conv: object) -> None:
    """The less used actions: export, edit messages, view code, clear (asks first)."""
    args = {"params": settings.params, "model_id": settings.model.id, "secrets": (settings.config.api_key,)}
    tools = settings.state.tools
    # callables: built only when clicked, so a long conversation costs nothing on every rerun
    st.download_button(
        "Export JSON",
        lambda: export.to_json(conv, provider_id=settings.config.provider.id, tools=tools, **args),
        file_name="conversation.json",
        mime="application/json",
        key="export_json",
        icon=":material/data_object:",
        on_click="ignore",
        width="stretch",
    )
    st.download_button(
        "Export Markdown",
        lambda: export.to_markdown(conv, **args),
        file_name="conversation.md",
        mime="text/markdown",
        key="export_md",
        icon=":material/description:",
        on_click="ignore",
        width="stretch",
    )
    st.button(
        "Edit messages", icon=":material/edit_note:", key="open_messages", on_click=_edit_messages, width="stretch"
    )
    st.button("View code", icon=":material/code:", key="view_code", on_click=_open_code, width="stretch")
    st.button("Clear conversation", icon=":material/delete:", key="clear", on_click=_ask_clear, width="stretch")


CONFIRM_CLEAR = "confirm_clear_open"  # open the "Clear" confirmation on this run
MORE = "more_actions"  # the "More" menu's open state


def _ask_clear() -> None:
    st.session_state[CONFIRM_CLEAR] = True
    st.session_state[MORE] = False


@st.dialog("Clear the conversation?")
def clear_dialog() -> None:
    """Asks before the whole conversation goes."""
    st.write(persist.clear_question())
    if st.button("Yes, clear it", type="primary", key="confirm_clear", on_click=clear):
        st.rerun()  # the whole page, not just the dialog: the history is gone


def _open_code() -> None:
    st.session_state[state.SHOW_CODE] = True
    st.session_state[MORE] = False


def _edit_messages() -> None:
    st.session_state[state.MESSAGES_OPEN] = True  # what messages_editor's own entry button sets
    st.session_state[MORE] = False


def render_error(settings: Settings) -> None:
    """The last error, inline, with the action that fixes it; the prompt and the history are untouched."""
    error = state.last_error()
    if error is None:
        return
    st.error(f"**{plain(error.message)}** {error.action}", icon=":material/error:")  # server words: plain text
    with st.container(horizontal=True, key="error_actions"):
        if isinstance(error, UnsupportedParameter) and error.param and not _family_button(settings, error):
            st.button(
                f"Retry without {error.param}",
                key="retry_without",
                icon=":material/build:",
                on_click=retry_without,
                args=(settings.model.id, error.param),
            )
        if isinstance(error, UnknownModel):
            _switch_buttons(settings, error)
        wait = error.retry_after
        label = f"Retry (wait {wait:.0f} s first)" if wait else "Retry"
        st.button(label, key="retry", icon=":material/replay:", on_click=regenerate)  # drops a partial reply


def _family_button(settings: Settings, error: UnsupportedParameter) -> bool:
    """One retry without the rejected parameter's whole family, when a provider documents one (then the only
    retry-without button: it says it all); whether it was drawn."""
    model, provider_id = settings.model, settings.config.provider.id
    family = family_for(model=model, provider_id=provider_id, param=error.param or "")
    if family is None:
        return False
    reasons = drop_reasons(
        model=model, provider_id=provider_id, param=error.param or "", server_said=server_said(error)
    )
    st.button(
        f"Retry without {', '.join(family.params)}",
        key="retry_without_family",
        icon=":material/playlist_remove:",
        on_click=retry_without_family,
        args=(model.id, settings.config.base_url, reasons),
        help=f"{family.source}: {family.quote}. Remembered for this model at this URL for the session.",
    )
    return True


def _model_label(model_id: str) -> str:
    """A model's name for a button label; a model only the server knows is its id, shown as plain text."""
    name = catalog.get_model(model_id).name
    return name if model_id in catalog.MODELS else label_text(name)


def _switch_buttons(settings: Settings, error: UnknownModel) -> None:
    """The served models closest to the one asked for, each a one-click switch."""
    if not error.suggestions:
        ids = model_check(settings.config, settings.model).ids
        asked = settings.model.name_for(settings.config.provider.id)
        error.suggestions = tuple(catalogue_id(name) for name in closest_served(asked, ids))
    for i, model_id in enumerate(error.suggestions):
        st.button(
            f"Switch to {_model_label(model_id)}",
            key=f"switch_model_{i}",
            icon=":material/swap_horiz:",
            on_click=switch_model,
            args=(model_id,),
        )
