"""One pooled HTTP client per process, and the right client for a provider (network or offline engine)."""

from __future__ import annotations

import os
import threading

import httpx

from playground.providers import ProviderConfig

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
TIMEOUT = httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT)
CONNECT_TIMEOUT_ENV = "PLAYGROUND_CONNECT_TIMEOUT"  # seconds; read when a client is created
READ_TIMEOUT_ENV = "PLAYGROUND_READ_TIMEOUT"  # seconds of silence allowed while reading a reply
LIMITS = httpx.Limits(max_connections=32, max_keepalive_connections=8, keepalive_expiry=30.0)
USER_AGENT = "grok-3-mini-playground"

_lock = threading.Lock()
_shared: httpx.Client | None = None
_offline: dict[object, httpx.Client] = {}


def _seconds(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if 0 < value < float("inf") else default


def timeout() -> httpx.Timeout:
    """The timeouts from ``PLAYGROUND_CONNECT_TIMEOUT`` / ``PLAYGROUND_READ_TIMEOUT`` (defaults 10 s / 60 s)."""
    read = _seconds(READ_TIMEOUT_ENV, READ_TIMEOUT)
    return httpx.Timeout(read, connect=_seconds(CONNECT_TIMEOUT_ENV, CONNECT_TIMEOUT))


def shared_client() -> httpx.Client:
    """The process-wide pooled client for network providers, created on first use."""
    global _shared
    client = _shared
    if client is None or client.is_closed:
        with _lock:
            if _shared is None or _shared.is_closed:
                _shared = httpx.Client(timeout=timeout(), limits=LIMITS, headers={"User-Agent": USER_AGENT})
            client = _shared
    return client


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
    """The client to use for ``config``: the offline engine's, or the shared network client."""
    if config.provider.offline:
        return offline_client()
    return shared_client()


def close_all() -> None:
    """Close every client this module made (the next call makes fresh ones)."""
    global _shared
    with _lock:
        clients = [c for c in [_shared, *_offline.values()] if c is not None]
        _shared = None
        _offline.clear()
    for client in clients:
        client.close()
