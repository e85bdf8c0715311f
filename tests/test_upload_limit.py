"""Uploads are bounded by what the pricing page needs (issue 12, finding 6), as Streamlit itself reads it."""

from __future__ import annotations

import subprocess
import sys


def test_the_upload_limit_is_lowered_to_the_pricing_pages_need():
    """Finding 6: uploads went up to Streamlit's default of 200 MB; the largest measured batch is 115 MB."""
    code = "from streamlit import config; print(config.get_option('server.maxUploadSize'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert 115 <= int(out.stdout.strip()) < 200
