"""When to push streamed text to the browser: at once while it is small, less often as it grows."""

from __future__ import annotations

import time
from collections.abc import Callable


class Coalescer:
    """Flush policy for a growing text.

    The first piece goes out at once. After that the gap between flushes grows with the text's length, since a
    browser re-renders the whole Markdown on every update: ``gap = clamp(len * per_char, floor, ceiling)``.
    The caller always flushes once more at the end.
    """

    def __init__(
        self,
        *,
        floor: float = 0.025,
        per_char: float = 2.5e-6,
        ceiling: float = 0.25,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.floor = floor
        self.per_char = per_char
        self.ceiling = ceiling
        self.clock = clock
        self.last: float | None = None

    def gap(self, length: int) -> float:
        """Seconds to wait between flushes for a text of ``length`` characters."""
        return min(self.ceiling, max(self.floor, length * self.per_char))

    def due(self, length: int) -> bool:
        """Whether to flush now; records the flush when it says yes."""
        now = self.clock()
        if self.last is None or now - self.last >= self.gap(length):
            self.last = now
            return True
        return False
