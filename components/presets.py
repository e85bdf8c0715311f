"""Sidebar presets: save the current settings under a name, load one, delete one; and "New chat"."""

from __future__ import annotations

import streamlit as st

from components import persist
from components import state as keys
from components.settings import PARAM_KEYS, Settings
from components.tools import panel
from playground.store import Preset
from playground.tools.stored import StoredToolsError, tools_as_json, tools_from_json

PRESET_PROBLEM = "preset_problem"  # why part of the last loaded preset was not applied (said once)


def _load(name: str) -> None:
    """Put a preset's settings into the widgets' state (a callback: runs before the widgets are drawn)."""
    owner = persist.current_workspace().owner
    preset = persist.reachable(lambda store: store.load_preset(owner=owner, name=name), default=None)
    if preset is None:
        return
    state = st.session_state
    state[keys.SYSTEM] = preset.system
    for name_, value in preset.params.items():
        if name_ in PARAM_KEYS and name_ != "system" and value is not None:
            state[name_] = value
            state[f"{name_}_typed"] = value
    state["reasoning_effort"] = preset.params.get("reasoning_effort") or "default"
    state[keys.PROVIDER], state[keys.MODEL_ID] = preset.provider, preset.model
    if preset.tools is not None or preset.response_format is not None:  # presets saved before keep today's
        try:
            panel.put(tools_from_json({**(preset.tools or {}), "response_format": preset.response_format}))
        except StoredToolsError as exc:
            state[PRESET_PROBLEM] = f"The preset's tools and output format were not loaded: {exc}"


def _save(settings: Settings) -> None:
    name = (st.session_state.get("preset_name") or "").strip()
    if not name:
        st.session_state[PRESET_PROBLEM] = "Type a name for the preset, then Save preset."
        return
    params = settings.params.model_dump(mode="json")
    tools = tools_as_json(settings.state.tools)
    response_format = tools.pop("response_format")
    preset = Preset(
        name, params.pop("system"), params, settings.config.provider.id, settings.model.id, response_format, tools
    )
    owner, masked = persist.current_workspace().owner, persist.typed_keys()
    persist.reachable(lambda store: store.save_preset(owner=owner, preset=preset, secrets=masked), default=None)
    st.session_state["preset_saved"] = name


def _delete(name: str) -> None:
    owner = persist.current_workspace().owner
    persist.reachable(lambda store: store.delete_preset(owner=owner, name=name), default=False)


def render_presets(settings: Settings) -> None:
    """The "New chat" button and the presets expander."""
    st.button(
        "New chat", icon=":material/add_comment:", key="new_chat", on_click=persist.new_chat, width="stretch"
    )
    if persist.link().store is None:
        return
    with st.expander("Presets", icon=":material/bookmarks:"):
        problem = st.session_state.pop(PRESET_PROBLEM, None)
        if problem:
            st.warning(problem, icon=":material/warning:")
        owner = persist.current_workspace().owner
        presets = persist.reachable(lambda store: store.list_presets(owner=owner), default=None)
        if presets is None:
            return
        names = [p.name for p in presets]
        if names:
            chosen = st.selectbox("Preset", names, key="preset_pick")
            with st.container(horizontal=True):
                st.button("Load", icon=":material/download:", key="preset_load", on_click=_load, args=(chosen,))
                st.button(
                    "Delete", icon=":material/delete:", key="preset_delete", on_click=_delete, args=(chosen,)
                )
        st.text_input("Name", key="preset_name", placeholder="Save the current settings as…")
        st.button("Save preset", icon=":material/save:", key="preset_save", on_click=_save, args=(settings,))
