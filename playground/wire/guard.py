"""The connect-time address check for base URLs a shared deployment may call (parsing is ``playground.urls``).

In public mode a typed URL must not reach loopback, private, link-local, multicast or reserved addresses: that
check runs in the network backend on every address the host name resolves to, and the connection is made to the
checked address, so a DNS answer that changes between the check and the connection (rebinding) cannot get around
it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any

import httpcore


def blocked_address(address: str) -> bool:
    """Whether an IP address is loopback, private, link-local, multicast, reserved or unspecified."""
    try:
        ip: Any = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.version == 6 and ip.sixtofour is not None:
        ip = ip.sixtofour
    return not ip.is_global or ip.is_multicast or ip.is_reserved


Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6), in the system's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class AddressRefused(httpcore.ConnectError):
    """The host resolves to an address a public deployment does not call (httpx keeps it as ``__cause__``)."""


class PublicOnlyBackend(httpcore.NetworkBackend):
    """A network backend that connects only to public addresses: it resolves the host itself, refuses the
    connection when any address it gets is not public, and connects to the checked addresses in the resolver's
    order until one answers (an IPv6 address first on a machine without an IPv6 route falls back to IPv4)."""

    def __init__(self, resolver: Resolver = system_resolver, inner: httpcore.NetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.SyncBackend()
        self._resolve = resolver

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self._resolve(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"could not resolve {host}: {exc.strerror or exc}") from None
        refused = [a for a in addresses if blocked_address(a)]
        if refused or not addresses:
            raise AddressRefused(
                f"{host} resolves to a private or reserved address ({refused[0] if refused else 'none'}), "
                "which this public deployment does not call"
            )
        failure: Exception | None = None
        for address in addresses:
            try:
                return self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc  # the next checked address may answer
        assert failure is not None
        raise failure

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by this app")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
