"""Journeys in real Chromium, as a new user walks them (no key, offline engine; 1440x900 and 390x844).

One test per finding of the journeys issue, each checking what the user sees, not session state. Sections are
owned by the parts of the app they walk; helpers a section needs live in its own ``tests/journeys_*_util.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from browser_servers import Server, start_offline_server
from browser_util import rerun_and_wait, wait_for_app
from playwright.sync_api import expect

DESK = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}

__all__ = ["Any", "Server", "expect", "pytest", "rerun_and_wait", "start_offline_server", "wait_for_app"]


# ---- chat: Stop on every reply, a stopped reply settles; Re-run from here (findings 1, 2) ----


# ---- end chat ----


# ---- compare and test sets: one click, the cap, readable results, raw internals (findings 3, 4, 5, 9) ----


# ---- end compare ----


# ---- honest offline and persistence: spend, the request described, reload, Clear and Delete (6, 7, 8) ----


# ---- end offline ----


# ---- a calm chat: the strip, starters, Markdown, retry, actions, Quick Start, URLs (finding 10) ----


# ---- end calm ----
