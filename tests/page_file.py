"""The product page file in ../shared (the page the app mirrors), for tests that compare with it."""

from __future__ import annotations

import pytest

from benchmarks.corpus_files import SHARED

PAGE_DIR = SHARED / "product-page"


def product_page() -> str:
    """The product page's text, or a skip saying where it was looked for."""
    pages = sorted(PAGE_DIR.glob("*.txt"))
    if not pages:
        pytest.skip(f"the product page is not at {PAGE_DIR}: nothing to compare with here")
    return pages[0].read_text(encoding="utf-8")
