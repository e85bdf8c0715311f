"""Experiment only: the real playground with parts of its chrome taken away, to find the first load's floor.

``BENCH_FLOOR=full|nosidebar|minimal BENCH_SEED_MESSAGES=N streamlit run benchmarks/floor_app.py``:

* ``full``: ``app.py`` unchanged (as ``seeded_app.py``);
* ``nosidebar``: ``app.py`` with ``render_sidebar`` replaced by reading the settings (no settings widgets; the
  page navigation, header, history, actions and footer stay);
* ``minimal``: no navigation, no sidebar: the page config, the header, the seeded history and the chat input.

Each run's script time (seconds) is appended to ``BENCH_SCRIPT_LOG`` if set. Not a product change.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_script_time import conversation  # noqa: E402
from components import chat_pane, sidebar  # noqa: E402
from components import settings as cfg  # noqa: E402
from components.state import CONVERSATION  # noqa: E402

started = time.perf_counter()
if CONVERSATION not in st.session_state:
    st.session_state[CONVERSATION] = conversation(int(os.environ.get("BENCH_SEED_MESSAGES", "0")))
floor = os.environ.get("BENCH_FLOOR", "full")
if floor == "minimal":
    st.set_page_config(page_title="Grok 3 Mini playground", layout="wide")
    current = cfg.current_settings()
    chat_pane.render_header(current)
    chat_pane.render_history(st.session_state[CONVERSATION])
    st.chat_input("Type your message", key="chat_prompt")
else:
    real_sidebar = sidebar.render_sidebar
    if floor == "nosidebar":
        sidebar.render_sidebar = lambda footer_slot: cfg.current_settings()
    _page = st.Page

    def _rooted_page(page: object, *args: object, **kwargs: object) -> st.Page:
        return _page(ROOT / page if isinstance(page, str) else page, *args, **kwargs)

    st.Page = _rooted_page
    try:
        exec(
            compile((ROOT / "app.py").read_text(), str(ROOT / "app.py"), "exec"),
            {"__name__": "__main__", "__file__": str(ROOT / "app.py")},
        )
    finally:
        st.Page = _page
        sidebar.render_sidebar = real_sidebar
if os.environ.get("BENCH_SCRIPT_LOG"):
    with open(os.environ["BENCH_SCRIPT_LOG"], "a") as log:
        log.write(f"{floor} {time.perf_counter() - started:.4f}\n")
