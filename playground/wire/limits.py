"""Limits that keep one hostile server or user from flooding or stalling a shared deployment.

Every limit is read from the environment when a client is made (or a reply is read), with the defaults below; they
are listed in README.md and SECURITY.md. The transport wrapper here enforces the limits that do not depend on the
protocol: connections per session (chat, compare and test sets together; a session's extra requests wait for its
own to finish, and no session may hold more than half of a pool, so the rest is always there for others),
connections per host (waiting for one fails fast with "the server is busy"), the size of an error body (cut, not
read whole), the size of a reply that is not an event stream, and one total deadline per reply.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from playground.chat.errors import Busy, ReplyTooLarge, Timeout

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits in force (see ``from_env`` for the settings and their defaults)."""

    error_body_bytes: int = 64 * 1024
    event_bytes: int = MiB
    body_bytes: int = 8 * MiB
    reply_chars: int = 1_000_000
    reply_seconds: float = 600.0
    pool_wait: float = 3.0
    max_connections: int = 64
    per_host: int = 16
    tool_calls: int = 128
    per_session: int = 8

    @classmethod
    def from_env(cls) -> Limits:
        """The limits from ``PLAYGROUND_MAX_*`` / ``PLAYGROUND_REPLY_DEADLINE`` / ``PLAYGROUND_POOL_WAIT``."""
        d = cls()
        return cls(
            error_body_bytes=_int("PLAYGROUND_MAX_ERROR_BYTES", d.error_body_bytes),
            event_bytes=_int("PLAYGROUND_MAX_EVENT_BYTES", d.event_bytes),
            body_bytes=_int("PLAYGROUND_MAX_BODY_BYTES", d.body_bytes),
            reply_chars=_int("PLAYGROUND_MAX_REPLY_CHARS", d.reply_chars),
            reply_seconds=_float("PLAYGROUND_REPLY_DEADLINE", d.reply_seconds),
            pool_wait=_float("PLAYGROUND_POOL_WAIT", d.pool_wait),
            max_connections=_int("PLAYGROUND_MAX_CONNECTIONS", d.max_connections),
            per_host=_int("PLAYGROUND_MAX_CONNECTIONS_PER_HOST", d.per_host),
            tool_calls=_int("PLAYGROUND_MAX_TOOL_CALLS", d.tool_calls),
            per_session=_int("PLAYGROUND_MAX_CONNECTIONS_PER_SESSION", d.per_session),
        )

    @property
    def session_cap(self) -> int:
        """Connections one session may hold in one pool: ``per_session``, and never more than half the pool."""
        return max(1, min(self.per_session, self.max_connections // 2))


def _float(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if 0 < value < float("inf") else default


def _int(name: str, default: int) -> int:
    return int(_float(name, default))


def current() -> Limits:
    """The limits as the environment sets them now."""
    return Limits.from_env()


def too_many_chars(total: int, limit: int | None = None) -> ReplyTooLarge | None:
    """The error for a reply of ``total`` characters when it passes the reply limit, else None."""
    limit = limit or current().reply_chars
    if total <= limit:
        return None
    return ReplyTooLarge(
        f"The reply passed this deployment's limit of {limit:,} characters and was stopped there; "
        "what arrived is kept."
    )


def too_many_calls(limit: int) -> ReplyTooLarge:
    """The error for a reply that starts more parallel tool calls than this deployment takes."""
    return ReplyTooLarge(
        f"The reply started more than this deployment's limit of {limit:,} tool calls and was stopped there; "
        "the calls that arrived are kept.",
        action="Answer the calls below, or ask for fewer at once (turn Parallel calls off in Tools and output "
        "format).",
    )


class OneStream:
    """One reply at a time for one session: the UI keeps one per session and holds it while a reply streams.

    ``hold()`` raises ``Busy`` at once when the session already has a reply streaming (a second tab of the same
    session, a double submit), so one user cannot open many streams through one session.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()

    @property
    def busy(self) -> bool:
        """Whether a reply is streaming now."""
        return self._lock.locked()

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Hold the session's stream slot for the ``with`` block."""
        if not self._lock.acquire(blocking=False):
            raise Busy(
                "A reply is already streaming in this session.",
                action="Wait for it to finish (or stop it), then send again.",
            )
        try:
            yield
        finally:
            self._lock.release()


class _Guarded(httpx.SyncByteStream):
    """A response body that enforces the size and time limits and frees its host slot when closed."""

    def __init__(self, inner: httpx.SyncByteStream, release: Callable[[], None], *, cap: int, cut: bool,
                 deadline: float, seconds: float) -> None:  # fmt: skip
        self._inner, self._release = inner, release
        self._cap, self._cut, self._deadline, self._seconds = cap, cut, deadline, seconds
        self._released = False

    def __iter__(self) -> Iterator[bytes]:
        received = 0
        for chunk in self._inner:
            if time.monotonic() > self._deadline:
                raise Timeout(
                    f"The reply took longer than this deployment's limit of {self._seconds:g} s for one reply; "
                    "what arrived is kept.",
                    action="Retry, or ask for a shorter answer (lower max tokens).",
                )
            received += len(chunk)
            if received > self._cap:
                if self._cut:  # an error body: its first bytes say enough
                    yield chunk[: len(chunk) - (received - self._cap)]
                    return
                raise ReplyTooLarge(f"The provider's reply passed this deployment's limit of {self._cap:,} bytes.")
            yield chunk

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            if not self._released:
                self._released = True
                self._release()


class _Slot:
    """One host's connection slots, and how many requests hold or wait for one (the slot goes when none do)."""

    def __init__(self, size: int) -> None:
        self.semaphore = threading.BoundedSemaphore(size)
        self.users = 0


class BoundedTransport(httpx.BaseTransport):
    """An HTTP transport that bounds connections per host and applies ``Limits`` to every response body.

    A host's slots exist only while requests to it are in progress or waiting, so hosts typed once and never again
    leave nothing behind.
    """

    def __init__(self, inner: httpx.BaseTransport, limits: Limits) -> None:
        self._inner = inner
        self._limits = limits
        self._slots: dict[tuple[str, str, int | None], _Slot] = {}
        self._lock = threading.Lock()
        self._sessions: dict[str, int] = {}  # connections each session holds now (sessions holding none: absent)
        self._session_freed = threading.Condition(self._lock)

    def _enter_session(self, session: str, deadline: float) -> None:
        """Take one of ``session``'s connections, waiting (until ``deadline``) while it holds its share."""
        cap = self._limits.session_cap
        with self._session_freed:
            while self._sessions.get(session, 0) >= cap:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Busy(
                        f"This session already has {cap} requests in progress (chat, compare and test sets "
                        "together), and none finished in time.",
                        action="Wait for them to finish (or stop them), then try again.",
                    )
                self._session_freed.wait(min(left, 1.0))
            self._sessions[session] = self._sessions.get(session, 0) + 1

    def _leave_session(self, session: str) -> None:
        with self._session_freed:
            left = self._sessions.get(session, 1) - 1
            if left:
                self._sessions[session] = left
            else:
                self._sessions.pop(session, None)
            self._session_freed.notify_all()

    @property
    def sessions(self) -> dict[str, int]:
        """Connections held per session now."""
        with self._lock:
            return dict(self._sessions)

    def _enter(self, key: tuple[str, str, int | None]) -> _Slot:
        with self._lock:
            slot = self._slots.get(key)
            if slot is None:
                slot = self._slots[key] = _Slot(self._limits.per_host)
            slot.users += 1
            return slot

    def _leave(self, key: tuple[str, str, int | None], slot: _Slot, *, held: bool) -> None:
        if held:
            slot.semaphore.release()
        with self._lock:
            slot.users -= 1
            if slot.users == 0 and self._slots.get(key) is slot:
                del self._slots[key]

    @property
    def hosts(self) -> int:
        """Hosts with a request in progress or waiting."""
        with self._lock:
            return len(self._slots)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.handle_session_request(request, session="")

    def handle_session_request(self, request: httpx.Request, *, session: str) -> httpx.Response:
        """``handle_request`` for one session's request: it counts toward that session's share ("" counts for
        none: requests made outside a browser session)."""
        limits = self._limits
        deadline = time.monotonic() + limits.reply_seconds  # from the moment the request is made
        if session:
            self._enter_session(session, deadline)
        try:
            return self._send(request, session=session, deadline=deadline)
        except BaseException:
            if session:
                self._leave_session(session)
            raise

    def _release(self, key: tuple[str, str, int | None], slot: _Slot, session: str) -> None:
        self._leave(key, slot, held=True)
        if session:
            self._leave_session(session)

    def _send(self, request: httpx.Request, *, session: str, deadline: float) -> httpx.Response:
        limits = self._limits
        key = (request.url.scheme, request.url.host, request.url.port)
        slot = self._enter(key)
        if not slot.semaphore.acquire(timeout=limits.pool_wait):
            self._leave(key, slot, held=False)
            raise Busy("The server is busy, try again: too many replies from this address are in progress.")
        try:
            response = self._inner.handle_request(request)
        except httpx.PoolTimeout:
            self._leave(key, slot, held=True)
            raise Busy("The server is busy, try again: every connection is in use.") from None
        except BaseException:
            self._leave(key, slot, held=True)
            raise
        streaming = "text/event-stream" in response.headers.get("content-type", "")
        error = response.status_code >= 300
        cap = limits.error_body_bytes if error else (1 << 62 if streaming else limits.body_bytes)
        body = _Guarded(
            response.stream,  # type: ignore[arg-type]
            lambda: self._release(key, slot, session),
            cap=cap,
            cut=error,
            deadline=deadline,
            seconds=limits.reply_seconds,
        )
        return httpx.Response(
            response.status_code, headers=response.headers.raw, stream=body, extensions=response.extensions
        )

    def close(self) -> None:
        self._inner.close()


class SessionTransport(httpx.BaseTransport):
    """One session's view of a shared ``BoundedTransport``: its requests count toward the session's share.

    Closing it closes nothing (the pool is the process's).
    """

    def __init__(self, shared: BoundedTransport, session: str) -> None:
        self._shared, self._session = shared, session

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._shared.handle_session_request(request, session=self._session)

    def close(self) -> None:
        pass
