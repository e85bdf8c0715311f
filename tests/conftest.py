"""Shared fixtures: a clean environment (no real keys, no provider settings) for every test."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

SETTINGS = (
    "MODELSLAB_API_KEY", "XAI_API_KEY", "OPENROUTER_API_KEY", "PLAYGROUND_PROVIDER", "PLAYGROUND_BASE_URL",
    "PLAYGROUND_API_KEY", "PLAYGROUND_MODEL", "PLAYGROUND_ALLOWED_PROVIDERS", "PLAYGROUND_ALLOWED_BASE_URLS",
    "PLAYGROUND_HIDE_CUSTOM_URL", "PLAYGROUND_OFFLINE_PACE",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees a real key or provider setting from the machine it runs on."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("PLAYGROUND_OFFLINE_PACE", "0")
