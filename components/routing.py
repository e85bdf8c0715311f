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


def serve_default_at(url_path: str) -> None:
    """Let the default page answer at its own ``url_path`` too (``/playground``), not only at the app's root.

    Streamlit serves the default page at ``/`` only and answers its own path with "Page not found"; a request
    for that path is turned into a request for the default page (the address bar then shows ``/``).
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    manager = getattr(ctx, "pages_manager", None)
    if manager is None or getattr(manager, "intended_page_name", None) != url_path:
        return
    if not manager.intended_page_script_hash:  # a click in the menu names its page by hash: leave those alone
        manager.set_script_intent("", "")
