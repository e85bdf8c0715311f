"""Experiment only: the real playground with parts of its chrome taken away, to find the first load's floor.

``BENCH_FLOOR=full|nosidebar|minimal BENCH_SEED_MESSAGES=N streamlit run benchmarks/floor_app.py``:

* ``full``: ``app.py`` unchanged (as ``seeded_app.py``);
* ``slidersonly``: the full sidebar without the typed-number box beside each slider (a sketch: the cost of
  those 5 boxes, which the issue asks for);
* ``nosidebar``: ``app.py`` with ``render_sidebar`` replaced by reading the settings (no settings widgets; the
  page navigation, header, history, actions and footer stay);
* ``collapsed``: the sidebar as ``render_sidebar`` draws it, but Top P, the two penalties, the tools entry, the
  images toggle and Reset inside a closed expander whose contents are built only when opened (a design sketch:
  what such a change could save, not the product);
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
from playground.facts.params import spec  # noqa: E402


def collapsed_sidebar(footer_slot: DeltaGenerator) -> cfg.Settings:
    """``render_sidebar`` with its rarely used controls in a lazily built expander (see the module docstring)."""
    with st.sidebar:
        st.subheader("Settings", anchor=False)
        top, temperature, max_slot, bottom = st.container(), st.container(), st.container(), st.container()
        more = st.expander("More settings", icon=":material/tune:", key="bench_more", on_change="rerun")
    st.session_state[keys.FULL_RUN] = True
    sidebar._general(top, max_slot, bottom, footer_slot)
    st.session_state[keys.FULL_RUN] = False
    current = cfg.current_settings()
    st.session_state[keys.CHOICE] = sidebar._choice(current)
    omitted = sidebar._omitted(current)
    sidebar._param_fragment(temperature, "temperature", omitted.get("temperature"))
    if more.open:
        for name in ("top_p", "frequency_penalty", "presence_penalty"):
            sidebar._param_fragment(more.container(), name, omitted.get(name))
        with more:
            dialog.render_entry(current.protocol)
            st.toggle("Load images in replies", key=keys.LOAD_IMAGES)
            st.button("Reset to page defaults", key="reset_defaults", on_click=sidebar.reset_defaults)
    with st.sidebar:
        render_presets(current)
    return current


real_param_control = sidebar._param_control


def slider_only(name: str, reason: str | None, max_value: float | None) -> None:
    """The parameter's slider alone (see the module docstring)."""
    info = spec(name)
    kind = int if name == "max_tokens" else float
    top = max_value if max_value is not None else info["max"]
    st.session_state.setdefault(name, info["default"])
    st.slider(
        sidebar.LABELS[name],
        kind(info["min"]),
        kind(top),
        step=kind(info["step"]),
        key=name,
        help=info["help"],
        disabled=reason is not None,
        bind="query-params",
    )


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
    elif floor == "slidersonly":
        sidebar._param_control = slider_only
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
        sidebar.render_sidebar, sidebar._param_control = real_sidebar, real_param_control
if os.environ.get("BENCH_SCRIPT_LOG"):
    with open(os.environ["BENCH_SCRIPT_LOG"], "a") as log:
        log.write(f"{floor} {time.perf_counter() - started:.4f}\n")
