"""How the offline engine spaces its pieces.

Served over HTTP (``playground.offline.server``) the engine stands for a provider generating at a fixed speed, so
its pieces are **steady**: piece ``i`` of a reply is due ``i × pace`` seconds after the reply's first wait, and a
late wake-up (another stream holding the interpreter, a busy machine) is made up on the next piece instead of being
added to every later one. In the app's process (``OfflineTransport``) the reader pulls the pieces itself, so a
piece waits ``pace`` after the reader asks: a slow reader never gets a burst of pieces that were "due" meanwhile.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Pacer:
    """``wait()`` before each piece; ``sleep`` and ``clock`` are the real ones unless given."""

    __slots__ = ("_clock", "_due", "_pace", "_sleep", "_steady")

    def __init__(
        self,
        pace: float,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
        *,
        steady: bool = False,
    ) -> None:
        self._pace, self._sleep, self._clock = pace, sleep or time.sleep, clock or time.monotonic
        self._steady, self._due = steady, None

    def wait(self) -> None:
        """Sleep ``pace``, or (steady) until the next piece is due, not at all when it is already late."""
        if not self._pace:
            return
        if not self._steady:
            self._sleep(self._pace)
            return
        now = self._clock()
        self._due = (now if self._due is None else self._due) + self._pace
        if self._due > now:
            self._sleep(self._due - now)
