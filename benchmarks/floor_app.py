"""Experiment only: the real playground with parts of its chrome taken away, to find the first load's floor.

``BENCH_FLOOR=full|collapsed|nosidebar|minimal BENCH_SEED_MESSAGES=N streamlit run benchmarks/floor_app.py``:

* ``full``: ``app.py`` unchanged (as ``seeded_app.py``);
* ``nosidebar``: ``app.py`` with ``render_sidebar`` replaced by reading the settings (no settings widgets; the
  page navigation, header, history, actions and footer stay);
* ``collapsed``: the sidebar as ``render_sidebar`` draws it, but its closed "Advanced" expander built only when
  opened (a design sketch: what that could still save, not the product);
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

from streamlit.delta_generator import DeltaGenerator  # noqa: E402

from benchmarks.bench_script_time import conversation  # noqa: E402
from components import settings as cfg  # noqa: E402
from components import sidebar  # noqa: E402
from components import state as keys  # noqa: E402
from components.chat import pane  # noqa: E402
from components.presets import render_presets  # noqa: E402
from components.state import CONVERSATION  # noqa: E402
from components.tools import dialog  # noqa: E402


def collapsed_sidebar(footer_slot: DeltaGenerator) -> cfg.Settings:
    """``render_sidebar`` with its "Advanced" part built only when opened (see the module docstring)."""
    with st.sidebar:
        top, temperature, max_slot, bottom = st.container(), st.container(), st.container(), st.container()
        more = st.expander("Advanced", icon=":material/tune:", key="bench_more", on_change="rerun")
        effort = more.container()
    st.session_state[keys.FULL_RUN] = True
    sidebar._general(top, max_slot, bottom, effort, footer_slot)
    st.session_state[keys.FULL_RUN] = False
    current = cfg.current_settings()
    st.session_state[keys.CHOICE] = sidebar._choice(current)
    omitted = sidebar._omitted(current)
    sidebar._param_fragment(temperature, "temperature", omitted.get("temperature"))
    if more.open:
        for name in sidebar.ADVANCED:
            sidebar._param_fragment(more.container(), name, omitted.get(name))
        with more:
            dialog.render_entry(current.protocol)
            st.toggle("Load images in replies", key=keys.LOAD_IMAGES)
            st.button("Reset to page defaults", key="reset_defaults", on_click=sidebar.reset_defaults)
    with st.sidebar:
        render_presets(current)
    return current


started = time.perf_counter()
if CONVERSATION not in st.session_state:
    st.session_state[CONVERSATION] = conversation(int(os.environ.get("BENCH_SEED_MESSAGES", "0")))
floor = os.environ.get("BENCH_FLOOR", "full")
if floor == "minimal":
    st.set_page_config(page_title="Grok 3 Mini playground", layout="wide")
    current = cfg.current_settings()
    pane.render_header(current)
    pane.render_history(st.session_state[CONVERSATION])
    st.chat_input("Type your message", key="chat_prompt")
else:
    real_sidebar = sidebar.render_sidebar
    if floor == "nosidebar":
        sidebar.render_sidebar = lambda footer_slot: cfg.current_settings()
    elif floor == "collapsed":
        sidebar.render_sidebar = collapsed_sidebar
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
