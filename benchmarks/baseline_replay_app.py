"""Baseline for the tuning benchmark: the usual Streamlit chat that replays the whole history on every rerun.

A temperature slider in the sidebar (bound to the URL, as in the playground) and the same seeded conversation
(``BENCH_SEED_MESSAGES``, as ``benchmarks/seeded_app.py``), each message drawn with st.chat_message + st.markdown.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_script_time import conversation  # noqa: E402

st.set_page_config(page_title="Bare replay", layout="wide")
if "bare" not in st.session_state:
    st.session_state["bare"] = [
        m.wire() for m in conversation(int(os.environ.get("BENCH_SEED_MESSAGES", "0"))).messages
    ]
with st.sidebar:
    st.slider("Temperature", 0.0, 2.0, 0.7, step=0.05, key="temperature", bind="query-params")
for message in st.session_state["bare"]:
    with st.chat_message(message["role"]):
        st.markdown(message["content"])
st.chat_input("Type your message")
