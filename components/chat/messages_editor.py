"""Role-based messages: add, edit, delete and reorder messages of any role, and re-run from any of them.

A dialog (built only while open) lists the whole conversation. Widget keys carry a generation number that moves
on every structural change, so a moved or deleted message never leaves its text in another message's editor.
"""

from __future__ import annotations

import streamlit as st

from components import state as keys
from components.chat.tool_cards import plain_name, plain_text
from components.state import conversation
from playground.chat.conversation import ROLES, Conversation

ROLE_ICONS = {"system": ":material/settings:", "user": ":material/person:", "assistant": ":material/smart_toy:",
              "tool": ":material/build:"}  # fmt: skip


def _gen() -> int:
    return st.session_state.setdefault(keys.MESSAGES_GEN, 0)


def _bump() -> None:
    st.session_state[keys.MESSAGES_GEN] = _gen() + 1


def _open() -> None:
    st.session_state[keys.MESSAGES_OPEN] = True


def _close() -> None:
    st.session_state[keys.MESSAGES_OPEN] = False


def _edit(index: int, key: str) -> None:
    conversation().messages[index].edit(st.session_state.get(key, ""))


def _role(index: int, key: str) -> None:
    message = conversation().messages[index]
    message.role = st.session_state.get(key, message.role)
    message.edit(message.content)


def _call_id(index: int, key: str) -> None:
    message = conversation().messages[index]
    message.tool_call_id = st.session_state.get(key) or None
    message.edit(message.content)


def _move(index: int, offset: int) -> None:
    conversation().move(index, offset)
    _bump()


def _delete(index: int) -> None:
    conversation().delete(index)
    _bump()


def _add() -> None:
    role = st.session_state.get("new_message_role", "user")
    text = st.session_state.get("new_message_text", "")
    conv = conversation()
    conv.insert(len(conv.messages), role, text)
    if role == "tool":
        calls = _call_ids(conv, len(conv.messages) - 1)
        conv.messages[-1].tool_call_id = calls[-1] if calls else None
    st.session_state["new_message_text"] = ""
    _bump()


def rerun_from(index: int, on_send: object) -> None:
    """Keep the messages up to ``index`` (inclusive), close the dialog and stream a new reply in the page.

    Not a callback: a callback inside the dialog reruns only the dialog's fragment, which cut the list and left
    the dialog open with nothing running. The full-app rerun closes it and streams the reply with its Stop button.
    """
    conversation().truncate(index + 1)
    _bump()
    _close()
    on_send()  # type: ignore[operator]
    st.rerun(scope="app")


def _call_ids(conv: Conversation, index: int) -> list[str]:
    """Ids of the calls made before message ``index`` (what a tool message there may answer)."""
    return [c.id for m in conv.messages[:index] for c in m.tool_calls]


def render_entry() -> None:
    """The button that opens the editor (drawn with the conversation actions)."""
    st.button("Edit messages", icon=":material/edit_note:", key="open_messages", on_click=_open)


def maybe_render(on_send: object) -> None:
    if st.session_state.get(keys.MESSAGES_OPEN):
        messages_dialog(on_send)


def _row(conv: Conversation, i: int, on_send: object) -> None:
    m, g = conv.messages[i], _gen()
    with st.container(border=True, key=f"message_row_{g}_{i}"):
        with st.container(horizontal=True, vertical_alignment="center"):
            role_key = f"msg_role_{g}_{i}"
            st.session_state.setdefault(role_key, m.role)
            st.selectbox("Role", list(ROLES), key=role_key, on_change=_role, args=(i, role_key),
                         label_visibility="collapsed", width=160)  # fmt: skip
            st.button("", icon=":material/arrow_upward:", key=f"msg_up_{g}_{i}", on_click=_move, args=(i, -1),
                      disabled=i == 0, help="Move up")  # fmt: skip
            st.button("", icon=":material/arrow_downward:", key=f"msg_down_{g}_{i}", on_click=_move,
                      args=(i, 1), disabled=i == len(conv.messages) - 1, help="Move down")  # fmt: skip
            st.button("", icon=":material/delete:", key=f"msg_delete_{g}_{i}", on_click=_delete, args=(i,),
                      help="Delete")  # fmt: skip
            if m.role in ("user", "tool", "system") and st.button(
                "Re-run from here", icon=":material/replay:", key=f"msg_rerun_{g}_{i}"
            ):
                rerun_from(i, on_send)
        if m.role == "tool":
            ids = _call_ids(conv, i)
            id_key = f"msg_call_{g}_{i}"
            if ids:
                st.session_state.setdefault(id_key, m.tool_call_id if m.tool_call_id in ids else ids[-1])
                st.selectbox("Answers call", ids, key=id_key, on_change=_call_id, args=(i, id_key))
            else:
                st.caption(":material/error: No earlier call for this result to answer.")
        for call in m.tool_calls:
            args = plain_text(call.arguments, 200)
            st.caption(f":material/function: calls {plain_name(call.name)} `{plain_name(call.id)}` with {args}")
        text_key = f"msg_text_{g}_{i}"
        st.session_state.setdefault(text_key, m.content)
        st.text_area("Content", key=text_key, on_change=_edit, args=(i, text_key), label_visibility="collapsed")


@st.dialog("Messages", width="large", on_dismiss=_close)
def messages_dialog(on_send: object) -> None:
    """Every message, editable; a new message of any role; send the conversation as it stands."""
    conv = conversation()
    for i in range(len(conv.messages)):
        _row(conv, i, on_send)
    with st.container(border=True, key="new_message"):
        st.selectbox("New message role", list(ROLES), key="new_message_role", index=1)
        st.text_area("New message", key="new_message_text")
        st.button("Add message", icon=":material/add:", key="add_message", on_click=_add)
    problem = conv.sequence_problem()
    if problem:
        st.warning(problem, icon=":material/error:")
    ready = bool(conv.messages) and conv.messages[-1].role != "assistant" and problem is None
    with st.container(horizontal=True):
        if st.button("Send", type="primary", icon=":material/send:", key="messages_send", disabled=not ready):
            _close()
            on_send()  # type: ignore[operator]
            st.rerun()
        if st.button("Done", key="messages_done", icon=":material/check:"):
            _close()
            st.rerun()
