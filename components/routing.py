"""Keep every page behind the router in app.py, even on a server's very first request."""

from __future__ import annotations

import streamlit as st


def require_router() -> None:
    """Leave Streamlit's legacy ``pages/`` mode if this page was started in it.

    A fresh server whose first request is a page URL (``/pricing``) runs that script straight from ``pages/``,
    without app.py's navigation and page config. Switching the flag that ``st.navigation`` itself switches,
    then rerunning, routes the same URL through app.py.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without this internal: nothing to do
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
