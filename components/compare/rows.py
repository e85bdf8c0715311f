"""The test set's rows: an uploaded CSV/JSONL file or rows typed in a data editor, both kept across view switches.

The compare page draws one view at a time, and Streamlit drops the state of widgets it does not draw: the
uploader's file and the data editor's edits would be gone after a look at "Side by side". The file's name and bytes
and the editor's edited rows are kept in session state instead.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st

from playground.experiments import rows
from playground.text import label_text

UPLOAD = "ts_upload"  # the rows file uploader
KEPT_FILE = "ts_kept_file"  # KeptFile: the last uploaded rows file (survives the uploader's state across views)
EDITOR = "ts_editor"  # the data editor of typed rows
EDITOR_BASE = "ts_editor_base"  # the frame the data editor's edits apply to
EDITED = "ts_editor_rows"  # the data editor's rows with its edits, as last drawn (the next base after a switch)


@dataclass(frozen=True, slots=True)
class KeptFile:
    """The last uploaded rows file; ``restored``: in use while the uploader is empty (since a view switch)."""

    name: str
    data: bytes
    restored: bool = False


def _forget_file() -> None:
    """The "Clear file" button's callback: before the rerun draws anything, so the file is gone at once."""
    st.session_state.pop(KEPT_FILE, None)


def _uploaded() -> KeptFile | None:
    """The file in the uploader, else the one kept from before a view switch (until cleared); None for neither.

    Streamlit drops the uploader's state while the other view is drawn: an absent widget state means the user
    came back, so the kept file is used (with a way to clear it). A present but empty uploader, outside that
    restored state, means the user removed the file.
    """
    returning = UPLOAD not in st.session_state
    upload = st.file_uploader("Rows (CSV or JSONL)", type=["csv", "jsonl", "ndjson"], key=UPLOAD)
    if upload is not None:
        st.session_state[KEPT_FILE] = KeptFile(upload.name, upload.getvalue())
        return st.session_state[KEPT_FILE]
    kept: KeptFile | None = st.session_state.get(KEPT_FILE)
    if kept is None or not (returning or kept.restored):
        st.session_state.pop(KEPT_FILE, None)
        return None
    left, right = st.columns([3, 1], vertical_alignment="center")
    left.caption(f":material/description: Using {label_text(kept.name)} (uploaded earlier)")
    right.button("Clear file", key="ts_upload_clear", icon=":material/close:", on_click=_forget_file)
    st.session_state[KEPT_FILE] = replace(kept, restored=True)
    return kept


def _typed(starter: pd.DataFrame) -> pd.DataFrame:
    """The data editor's rows, edits kept across view switches.

    Its edits apply to the frame it was given (``EDITOR_BASE``), so that frame stays put while the widget's state
    lives; when that state is gone (first draw, or back from the other view) the base becomes the last edited
    frame, and the fresh widget state holds no edits: each edit applies once.
    """
    if EDITOR not in st.session_state or EDITOR_BASE not in st.session_state:
        st.session_state[EDITOR_BASE] = st.session_state.get(EDITED, starter)
    edited = st.data_editor(st.session_state[EDITOR_BASE], num_rows="dynamic", key=EDITOR, hide_index=True)
    st.session_state[EDITED] = edited.reset_index(drop=True)
    return edited


def replace_typed(frame: pd.DataFrame) -> None:
    """Make ``frame`` the typed rows (a saved experiment's), in place of any edits and any kept file."""
    st.session_state[EDITED] = frame
    st.session_state.pop(EDITOR_BASE, None)
    st.session_state.pop(EDITOR, None)
    st.session_state.pop(KEPT_FILE, None)


def render(starter: pd.DataFrame) -> pd.DataFrame | None:
    """The uploaded file's rows, or the typed ones (``starter`` at first); None (with the error shown) when they
    cannot be read."""
    try:
        kept = _uploaded()
        if kept is not None:
            frame = rows.read_upload(kept.data, kept.name)
            st.caption(f"{len(frame):,} rows, columns: {', '.join(frame.columns)}")
            return frame
        return rows.typed_rows(_typed(starter).to_dict("records"))
    except rows.RowsError as exc:
        st.session_state.pop(KEPT_FILE, None)  # a refused file is not kept (nor read again from it)
        st.error(str(exc), icon=":material/error:")
        return None
