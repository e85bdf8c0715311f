"""When a failed request may be sent again: only before the first token, with bounded backoff and jitter."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from playground.chat.errors import ConnectionFailed, ConnectTimeout, PlaygroundError, RateLimited, ServerError

RETRY_BASE = 0.5
RETRY_CAP = 8.0
RETRY_MAX_WAIT = 10.0
RETRY_STATUSES = (502, 503)

_random: Callable[[], float] = random.random


@dataclass(frozen=True, slots=True)
class RetryNotice:
    """Said before a retry: which retry this is (1 = the first), how long we wait, and what failed."""

    attempt: int
    wait_seconds: float
    error: PlaygroundError


def backoff(attempt: int) -> float:
    """Exponential backoff with jitter for retry number ``attempt`` (0-based): half fixed, half random."""
    ceiling = min(RETRY_CAP, RETRY_BASE * 2**attempt)
    return ceiling / 2 + _random() * ceiling / 2


def retry_wait(error: PlaygroundError, attempt: int) -> float | None:
    """Seconds to wait before retrying after ``error``, or None when it should not be retried."""
    if isinstance(error, RateLimited) or isinstance(error, ServerError) and error.status in RETRY_STATUSES:
        wait = error.retry_after if error.retry_after is not None else backoff(attempt)
        return wait if wait <= RETRY_MAX_WAIT else None
    if isinstance(error, ConnectionFailed | ConnectTimeout):  # the request never reached the server
        return backoff(attempt)
    return None
