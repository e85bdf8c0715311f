"""Floor for the render-lag benchmark: a whole answer already in memory, drawn at once (no HTTP, no streaming).

``?marker=M&words=N&text=md|flat&mode=one|segments``: the "go" button draws the same text the pace server would
stream, as one Markdown element (``one``) or in the playground's settled pieces (``segments``), and writes the
wall-clock time just before drawing to ``$BENCH_TIME_FILE``. Run by ``benchmarks/bench_render_floor.py``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.pace_server import pieces  # noqa: E402
from playground.chat.coalesce import settled_end  # noqa: E402

query = st.query_params
text = "".join(pieces(int(query.get("words", "20000")), query.get("marker", "END"), query.get("text", "md")))
if st.button("go", key="go"):
    with st.chat_message("assistant"):
        sent = time.time()
        if query.get("mode", "one") == "one":
            st.markdown(text)
        else:
            box, start = st.container(), 0
            while (cut := settled_end(text, start=start)) > start:
                box.markdown(text[start:cut])
                start = cut
            box.markdown(text[start:])
        Path(os.environ["BENCH_TIME_FILE"]).write_text(str(sent))
