"""Baseline for the render-lag benchmark: a bare chat script that streams with the same core client.

``?mode=every`` (default) writes every chunk with ``st.write_stream``; ``?mode=fixed50`` redraws a placeholder at
most every 50 ms (a fixed coalescing window) and once at the end. Only the rendering differs from the playground
page. Run by ``benchmarks/bench_render_lag.py`` with ``PLAYGROUND_BASE_URL`` pointing at its pace server.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import streamlit as st

from playground.chat.events import TextDelta
from playground.chat.state import ChatState
from playground.facts import catalog, providers
from playground.facts.params import DEFAULTS
from playground.wire.openai_chat import stream_chat
from playground.wire.request import build_chat_request

WINDOW = 0.05


def text_deltas(prompt: str) -> Iterator[str]:
    """The reply's text pieces from the benchmark server, through the playground's own client."""
    config = providers.resolve("custom", env={"PLAYGROUND_BASE_URL": os.environ["PLAYGROUND_BASE_URL"]})
    plan = build_chat_request(
        ChatState(config, catalog.GROK_3_MINI, DEFAULTS, [{"role": "user", "content": prompt}])
    )
    for event in stream_chat(plan, config=config):
        if isinstance(event, TextDelta):
            yield event.text


def fixed_window(pieces: Iterator[str]) -> None:
    """Redraw the whole text at most every ``WINDOW`` seconds, and once at the end."""
    slot, parts, last = st.empty(), [], 0.0
    for piece in pieces:
        parts.append(piece)
        now = time.perf_counter()
        if now - last >= WINDOW:
            slot.markdown("".join(parts))
            last = now
    slot.markdown("".join(parts))


mode = st.query_params.get("mode", "every")
if prompt := st.chat_input("Type your message"):
    with st.chat_message("user"):
        st.markdown(prompt)
    with st.chat_message("assistant"):
        if mode == "fixed50":
            fixed_window(text_deltas(prompt))
        else:
            st.write_stream(text_deltas(prompt))
