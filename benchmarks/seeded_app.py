"""Benchmark wrapper: the real app (``app.py``'s own code) with each new session's conversation seeded.

``BENCH_SEED_MESSAGES=N streamlit run benchmarks/seeded_app.py``: a new browser session starts with N messages
(question and answer pairs with reasoning and usage, as in ``bench_script_time``), then ``app.py`` runs unchanged.
Its page paths are relative to the entry script, so they are made absolute to the repository root. Only for
benchmarks: the product has no seeding hook.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_script_time import conversation  # noqa: E402
from components.state import CONVERSATION  # noqa: E402

if CONVERSATION not in st.session_state:
    st.session_state[CONVERSATION] = conversation(int(os.environ.get("BENCH_SEED_MESSAGES", "0")))

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
