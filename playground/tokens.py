"""Offline token estimator (placeholder rule; replaced by the calibrated estimator)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

MESSAGE_OVERHEAD = 4  # role and separator tokens per chat message (an estimate)


def count_tokens(text: str) -> int:
    """Estimated tokens in ``text``."""
    return (len(text) + 3) // 4


def count_messages(messages: Iterable[Mapping[str, str]]) -> int:
    """Estimated prompt tokens for a list of chat messages, with per-message overhead."""
    return sum(count_tokens(m.get("content") or "") + MESSAGE_OVERHEAD for m in messages)
