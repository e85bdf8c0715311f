"""The chat page's script time in AppTest with 10, 200 and 1,000 messages, beside a bare replay script.

The bare script is the usual Streamlit chat: replay every message with st.chat_message + st.markdown on every run.
Each size runs both interleaved, several rounds; the table has medians and the ratio of ours to the bare one.

    python benchmarks/bench_script_time.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PLAYGROUND_OFFLINE_PACE", "0")
os.environ.setdefault("PLAYGROUND_DATABASE_URL", "none")  # measure the page, not a first database open

from streamlit.testing.v1 import AppTest  # noqa: E402

from playground.chat.conversation import Conversation, Reply  # noqa: E402
from playground.chat.events import Usage  # noqa: E402

BARE = """
import streamlit as st
for m in st.session_state["bare"]:
    with st.chat_message(m["role"]):
        st.markdown(m["content"])
st.chat_input("Type your message")
"""

TEXT = (
    "Here is a paragraph of a typical answer with **bold** words, a list:\n\n- one\n- two\n\n"
    "and some `inline code` so the Markdown renderer has real work to do. "
) * 3


def conversation(size: int) -> Conversation:
    conv = Conversation()
    for i in range(size // 2):
        conv.add_user(f"Question {i}: {TEXT[:120]}")
        conv.add_assistant(
            TEXT,
            Reply(
                model_id="x-ai-grok-3-mini-beta",
                provider_id="offline",
                params={},
                reasoning="Some reasoning.",
                usage=Usage(prompt_tokens=100, completion_tokens=80, reasoning_tokens=20),
            ),
        )
    return conv


def time_ours(size: int) -> float:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["conversation"] = conversation(size)
    start = time.perf_counter()
    at.run()
    assert not at.exception
    return time.perf_counter() - start


def time_bare(size: int) -> float:
    at = AppTest.from_string(BARE, default_timeout=120)
    at.session_state["bare"] = [m.wire() for m in conversation(size).messages]
    start = time.perf_counter()
    at.run()
    assert not at.exception
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sizes", default="10,200,1000")
    args = parser.parse_args()
    print(
        f"# chat page script time in AppTest, median of {args.rounds} rounds ({time.strftime('%Y-%m-%d')}, "
        "`python benchmarks/bench_script_time.py`)"
    )
    print("| messages | bare replay s | playground page s | ratio (ours / bare) |")
    print("|---|---|---|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        ours, bare = [], []
        for _ in range(args.rounds):
            bare.append(time_bare(size))
            ours.append(time_ours(size))
        b, o = statistics.median(bare), statistics.median(ours)
        print(f"| {size:,} | {b:.3f} | {o:.3f} | {o / b:.2f}x |")


if __name__ == "__main__":
    main()
