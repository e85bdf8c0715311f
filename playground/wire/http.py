"""One pooled HTTP client per process, and the right client for a provider (network or offline engine)."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import replace

import httpx

from playground.chat.errors import AuthError, NotAllowed
from playground.facts.providers import ProviderConfig
from playground.wire import limits
from playground.wire.guard import PublicOnlyBackend

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
TIMEOUT = httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT)
CONNECT_TIMEOUT_ENV = "PLAYGROUND_CONNECT_TIMEOUT"  # seconds; read when a client is created
READ_TIMEOUT_ENV = "PLAYGROUND_READ_TIMEOUT"  # seconds of silence allowed while reading a reply
USER_AGENT = "grok-3-mini-playground"

_lock = threading.Lock()
_network: dict[str, httpx.Client] = {}  # "trusted", "typed" and "public" (see client_for)
_sessions: OrderedDict[tuple[str, str], httpx.Client] = OrderedDict()  # (kind, session): that session's view
SESSION_CLIENTS = 1024  # session views kept (a view is a few objects over the shared pool; rebuilt when needed)
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


def make_client(*, public_only: bool = False, per_host: bool = True) -> httpx.Client:
    """A pooled client under the current ``Limits``; ``public_only`` connects to public addresses only, and
    ``per_host`` bounds connections to one host (else only the pool's total bounds them)."""
    bounds = limits.current()
    pool = httpx.Limits(max_connections=bounds.max_connections, max_keepalive_connections=8, keepalive_expiry=30.0)
    inner = httpx.HTTPTransport(limits=pool)
    if public_only:
        inner._pool._network_backend = PublicOnlyBackend()  # httpx has no public hook for the network backend
    if not per_host:
        bounds = replace(bounds, per_host=bounds.max_connections)
    transport = limits.BoundedTransport(inner, bounds)
    return httpx.Client(timeout=timeout(), transport=transport, headers={"User-Agent": USER_AGENT})


def _pooled(kind: str) -> httpx.Client:
    """The process-wide client of ``kind`` ("trusted", "typed" or "public"), created on first use."""
    client = _network.get(kind)
    if client is None or client.is_closed:
        with _lock:
            client = _network.get(kind)
            if client is None or client.is_closed:
                client = make_client(public_only=kind == "public", per_host=kind != "trusted")
                _network[kind] = client
    return client


def session_client(kind: str, session: str) -> httpx.Client:
    """The pooled client of ``kind`` as ``session`` sees it: the same connections, and at most the session's
    share of them (``PLAYGROUND_MAX_CONNECTIONS_PER_SESSION``, never more than half the pool) at once."""
    shared = _pooled(kind)
    with _lock:
        client = _sessions.get((kind, session))
        if client is not None and client._transport._shared is shared._transport:  # type: ignore[attr-defined]
            _sessions.move_to_end((kind, session))
            return client
        transport = limits.SessionTransport(shared._transport, session)  # type: ignore[arg-type]
        client = httpx.Client(timeout=shared.timeout, transport=transport, headers={"User-Agent": USER_AGENT})
        _sessions[(kind, session)] = client
        while len(_sessions) > SESSION_CLIENTS:
            _sessions.popitem(last=False)
        return client


def shared_client() -> httpx.Client:
    """The client for the built-in providers' URLs and the operator's: every session shares their hosts, so only
    the pool's total bounds them."""
    return _pooled("trusted")


def typed_client() -> httpx.Client:
    """The client for URLs users type: connections per host are bounded (one hostile server cannot hold all)."""
    return _pooled("typed")


def public_client() -> httpx.Client:
    """The client for URLs typed in public mode: per-host bound, and public addresses only."""
    return _pooled("public")


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
    """The client for ``config``: the offline engine's, the public-only one (public mode, a typed URL), the
    per-host-bounded one (a typed URL), or the shared one (the providers' and the operator's URLs).

    Raises the typed error when the config may not be used at all (see ``check_config``).
    """
    check_config(config)
    if config.provider.offline:
        return offline_client()
    kind = "public" if config.public_only else "typed" if config.url_source == "user" else "trusted"
    return session_client(kind, config.session) if config.session else _pooled(kind)


def close_all() -> None:
    """Close every client this module made (the next call makes fresh ones)."""
    with _lock:
        clients = [*_network.values(), *_offline.values()]
        _network.clear()
        _offline.clear()
        _sessions.clear()
    for client in clients:
        client.close()
