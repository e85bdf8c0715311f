"""A reply on its way into the conversation, recorded exactly once, whichever run gets there first.

A Stop click (or any click) during a stream starts the next run at once while the streaming run is still unwinding
(Streamlit's ``runner.fastReruns``): the streaming run records the reply when it unwinds, and the next run waits a
moment for that before it draws anything; if the stream does not let go in time the next run records what arrived
so far as stopped. Either way the reply lands once, in place, and the page drawn after a stop shows it settled.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from playground.chat.conversation import Conversation, Status
from playground.chat.errors import PlaygroundError
from playground.chat.turn import ReplyBuilder
from playground.tools.response_format import ResponseFormat, check_reply

SETTLE_WAIT = 3.0  # seconds the next run waits for a stopped stream to record its own reply


class PendingReply:
    """The reply a run is streaming into ``conv``; ``save`` persists the conversation once the reply is in it."""

    def __init__(
        self,
        *,
        conv: Conversation,
        builder: ReplyBuilder,
        response_format: ResponseFormat,
        save: Callable[[Conversation], None],
    ) -> None:
        self.conv = conv
        self.builder = builder
        self.response_format = response_format
        self.save = save
        self.owner = threading.get_ident()  # the streaming run's thread
        self._lock = threading.Lock()
        self._done = threading.Event()
        self.recorded = False

    @property
    def done(self) -> bool:
        """Whether the streaming run has let go (recorded, or found the reply recorded)."""
        return self._done.is_set()

    def record(self, *, status: Status | None, error: PlaygroundError | None = None) -> bool:
        """Put the reply into the conversation and save it, unless that happened already; True if this call did.

        ``status`` None means finished as the stream said; "stopped" keeps what arrived (nothing is added when
        nothing did); "error" keeps the partial text the error carries.
        """
        with self._lock:
            if self.recorded:
                return False
            self.recorded = True
            builder = self.builder
            if error is not None:
                builder.text_parts[:] = [error.partial_text or builder.text]
                builder.reasoning_parts[:] = [error.partial_reasoning or builder.reasoning]
            calls = tuple(builder.tool_calls())
            text, reasoning = builder.text, builder.reasoning
            if text or reasoning or calls or (status != "stopped" and error is None):
                check = check_reply(text, self.response_format) if error is None and not calls else None
                self.conv.add_assistant(text, builder.finish(status=status, error=error), calls, check)
        self.save(self.conv)
        return True

    def release(self) -> None:
        """The streaming run has finished with the reply (called last, whatever happened)."""
        self._done.set()

    def settle(self, *, wait: float | None = None) -> bool:
        """From another run: wait for the stream to record its reply, else record it as stopped. True when the
        reply is in the conversation; False when called from the streaming run itself (it records on its own)."""
        if threading.get_ident() == self.owner and not self.done:
            return False
        if not self._done.wait(SETTLE_WAIT if wait is None else wait):
            self.record(status="stopped")
        return True
