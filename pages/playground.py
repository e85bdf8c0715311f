"""Alias of the playground's URL for a server's very first request: Streamlit's legacy ``pages/`` mode (see
``components.routing.require_router``) knows pages by file name, and would answer ``/playground`` with "Page not
found" before app.py's navigation takes over. Routed through app.py, the URL runs ``pages/chat.py``."""

from components.routing import require_router

require_router()
