"""When to push streamed text to the browser, and which part of it: only the tail that can still change."""

from __future__ import annotations

import re
import time
from bisect import bisect_left
from collections.abc import Callable

SEGMENT = 2_000  # characters: a streamed Markdown text is frozen in pieces of at least this size
_FENCE = re.compile(r"^ {0,3}(?:```|~~~)", re.M)
_BREAK = re.compile(r"\n[ \t]*\n(?=[^\s])")  # a blank line followed by an unindented line


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


def settled_end(text: str, *, start: int = 0, min_segment: int = SEGMENT) -> int:
    """Where the Markdown in ``text[start:]`` may be cut for good: after its last blank line outside code fences.

    The cut goes before an unindented line (no list continuation or indented code is split) and only when at least
    ``min_segment`` characters lie before it; returns ``start`` when there is no such place. Text before the cut
    renders the same however the stream goes on, so it can be drawn once and never sent again.
    """
    if len(text) - start <= min_segment:
        return start
    fences = [m.start() for m in _FENCE.finditer(text, start)]
    best = start
    for m in _BREAK.finditer(text, start + min_segment - 1):
        if bisect_left(fences, m.start()) % 2 == 0:  # an even number of fence lines before it: outside code
            best = m.end()
    return best
