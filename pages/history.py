"""History: saved conversations (search, filter, sort, open, rename, delete, export, share) and a usage view."""

import streamlit as st

from components import persist
from components.history import conversations as history_list
from components.history import jobs as history_jobs
from components.history import usage as history_usage
from components.routing import require_router

require_router()
st.title("History", anchor=False)
ws = persist.current_workspace()
current = persist.link()
persist.render_health()
if current.problem:
    st.stop()
if current.store is None:
    st.info(
        "History is off: set `PLAYGROUND_DATABASE_URL` to an SQLite file or a PostgreSQL URL to keep chats.",
        icon=":material/history_toggle_off:",
    )
    st.stop()
st.caption(
    f":material/person: {ws.label}"
    + (" · conversations are kept for this browser session only" if ws.per_session else "")
)
chats, jobs, usage = st.tabs(["Conversations", "Jobs", "Usage"])
with chats:
    persist.reachable(lambda store: history_list.render(store, ws), default=None)
with jobs:
    history_jobs.render()
with usage:
    persist.reachable(lambda store: history_usage.render(store, ws), default=None)
