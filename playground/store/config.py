"""Where the store lives: ``PLAYGROUND_DATABASE_URL`` (environment or secrets), by default an SQLite file."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

URL_VARIABLE = "PLAYGROUND_DATABASE_URL"
OFF = "none"


def default_path() -> Path:
    """``$XDG_DATA_HOME/grok-playground/playground.db`` (``~/.local/share/...`` when unset)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "grok-playground" / "playground.db"


def resolve_url(*, url: str | None = None, secrets: Mapping[str, object] | None = None) -> str | None:
    """The database URL to use, or None when persistence is off (``none``).

    Order: ``url`` given, the environment, the secrets mapping, then the default SQLite file (its folder is
    created here).
    """
    value = url or os.environ.get(URL_VARIABLE) or str((secrets or {}).get(URL_VARIABLE) or "")
    value = value.strip()
    if value.lower() in (OFF, "off", "0", "false"):
        return None
    if value:
        return value
    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def safe_url(url: str) -> str:
    """``url`` with any password masked, for messages."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


def server_keys(*, secrets: Mapping[str, object] | None = None) -> tuple[str, ...]:
    """Every ``*_API_KEY`` value in the environment and the secrets: the store masks them in all it writes."""
    found = {v for k, v in os.environ.items() if k.endswith("_API_KEY") and v}
    found |= {
        str(v) for k, v in (secrets or {}).items() if str(k).endswith("_API_KEY") and isinstance(v, str) and v
    }
    return tuple(sorted(found))
