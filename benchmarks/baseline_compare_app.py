"""Baseline for ``bench_compare_lag.py``: the compare page's four live columns alone on an otherwise empty page.

The same ``CompareRun`` and the same column drawing (``components.compare.live.draw_live``) as the compare page,
without its variant editors, tabs and test-set tab, to tell the cost of the page around the columns from the
cost of the columns. Run: ``streamlit run benchmarks/baseline_compare_app.py`` with ``PLAYGROUND_BASE_URL`` set.
"""

import os
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from components.compare.live import draw_live  # noqa: E402
from playground.experiments.run import CompareRun  # noqa: E402
from playground.experiments.variant import Variant  # noqa: E402
from playground.facts.catalog import GROK_3_MINI  # noqa: E402
from playground.facts.providers import CUSTOM, ProviderConfig  # noqa: E402

config = ProviderConfig(CUSTOM, os.environ.get("PLAYGROUND_BASE_URL", ""), auth="none")
if st.button("Send to all"):
    variants = [Variant(f"Variant {i + 1}", config, GROK_3_MINI) for i in range(4)]
    run = CompareRun(variants, [{"role": "user", "content": "go"}]).start()
    try:
        draw_live(run)
    finally:
        run.stop()
