"""One pooled HTTP client per process, and the right client for a provider (network or offline engine)."""

from __future__ import annotations

import os
import threading

import httpx

from playground.errors import AuthError, NotAllowed
from playground.providers import ProviderConfig
from playground.wire import limits
from playground.wire.guard import PublicOnlyBackend

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
TIMEOUT = httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT)
CONNECT_TIMEOUT_ENV = "PLAYGROUND_CONNECT_TIMEOUT"  # seconds; read when a client is created
READ_TIMEOUT_ENV = "PLAYGROUND_READ_TIMEOUT"  # seconds of silence allowed while reading a reply
USER_AGENT = "grok-3-mini-playground"

_lock = threading.Lock()
_shared: httpx.Client | None = None
_public: httpx.Client | None = None  # for typed URLs in public mode: public addresses only
_offline: dict[object, httpx.Client] = {}


def _seconds(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if 0 < value < float("inf") else default


def timeout() -> httpx.Timeout:
    """The timeouts from ``PLAYGROUND_CONNECT_TIMEOUT`` / ``PLAYGROUND_READ_TIMEOUT`` (defaults 10 s / 60 s);
    waiting for a pooled connection is bounded by ``PLAYGROUND_POOL_WAIT`` (default 3 s)."""
    read = _seconds(READ_TIMEOUT_ENV, READ_TIMEOUT)
    connect = _seconds(CONNECT_TIMEOUT_ENV, CONNECT_TIMEOUT)
    return httpx.Timeout(read, connect=connect, pool=limits.current().pool_wait)


def make_client(*, public_only: bool = False) -> httpx.Client:
    """A pooled client under the current ``Limits``; ``public_only`` connects to public addresses only."""
    bounds = limits.current()
    pool = httpx.Limits(max_connections=bounds.max_connections, max_keepalive_connections=8, keepalive_expiry=30.0)
    inner = httpx.HTTPTransport(limits=pool)
    if public_only:
        inner._pool._network_backend = PublicOnlyBackend()  # httpx has no public hook for the network backend
    transport = limits.BoundedTransport(inner, bounds)
    return httpx.Client(timeout=timeout(), transport=transport, headers={"User-Agent": USER_AGENT})


def shared_client() -> httpx.Client:
    """The process-wide pooled client for network providers, created on first use."""
    global _shared
    client = _shared
    if client is None or client.is_closed:
        with _lock:
            if _shared is None or _shared.is_closed:
                _shared = make_client()
            client = _shared
    return client


def public_client() -> httpx.Client:
    """The process-wide client for URLs typed in public mode: it connects to public addresses only."""
    global _public
    client = _public
    if client is None or client.is_closed:
        with _lock:
            if _public is None or _public.is_closed:
                _public = make_client(public_only=True)
            client = _public
    return client


def check_config(config: ProviderConfig) -> None:
    """Raise the typed error when ``config`` may not be used (a bad key, or a URL this deployment refuses)."""
    if not config.problem:
        return
    if "API key" in config.problem:
        raise AuthError(config.problem, action="Fix the key (the setting or the sidebar field), then retry.")
    raise NotAllowed(config.problem)


def offline_client(pace: float | None = None) -> httpx.Client:
    """A client whose requests the offline engine answers in-process; one per pace value.

    With ``pace`` None the engine reads ``PLAYGROUND_OFFLINE_PACE``, so the setting is part of the cache key.
    """
    key: object = pace if pace is not None else ("env", os.environ.get("PLAYGROUND_OFFLINE_PACE"))
    client = _offline.get(key)
    if client is None or client.is_closed:
        from playground.offline.engine import OfflineTransport  # imported late: the engine is optional here

        with _lock:
            client = _offline.get(key)
            if client is None or client.is_closed:
                client = httpx.Client(transport=OfflineTransport(pace=pace), timeout=timeout())
                _offline[key] = client
    return client


def client_for(config: ProviderConfig) -> httpx.Client:
    """The client to use for ``config``: the offline engine's, the public-only one, or the shared client.

    Raises the typed error when the config may not be used at all (see ``check_config``).
    """
    check_config(config)
    if config.provider.offline:
        return offline_client()
    return public_client() if config.public_only else shared_client()


def close_all() -> None:
    """Close every client this module made (the next call makes fresh ones)."""
    global _shared, _public
    with _lock:
        clients = [c for c in [_shared, _public, *_offline.values()] if c is not None]
        _shared = _public = None
        _offline.clear()
    for client in clients:
        client.close()
