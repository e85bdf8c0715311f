"""Base URLs a shared deployment may call: strict parsing, a segment-wise allowlist, a connect-time address check.

A URL typed by a user is parsed once and refused when it carries anything that could change where the request
goes or what is appended to it (user info, ``?``, ``#``, dot segments, encoded or not). In public mode a typed URL
must also not reach loopback, private, link-local, multicast or reserved addresses: that check runs in the network
backend on every address the host name resolves to, and the connection is made to the checked address, so a DNS
answer that changes between the check and the connection (rebinding) cannot get around it.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib import parse

import httpcore

SCHEMES = {"http": 80, "https": 443}
_HOST = re.compile(r"[a-z0-9.-]+|\[[0-9a-f:.]+\]")


class UnsafeURL(ValueError):
    """A base URL this app refuses, with the reason in plain words (the URL itself is safe to show)."""


@dataclass(frozen=True, slots=True)
class BaseURL:
    """A parsed, normalised base URL: lower-case scheme and host, explicit port, path segments."""

    scheme: str
    host: str
    port: int
    segments: tuple[str, ...]

    def __str__(self) -> str:
        default = SCHEMES[self.scheme] == self.port
        host = f"[{self.host}]" if ":" in self.host else self.host
        netloc = host if default else f"{host}:{self.port}"
        path = "/".join(self.segments)
        return f"{self.scheme}://{netloc}" + (f"/{path}" if path else "")

    def under(self, prefix: BaseURL) -> bool:
        """Whether this URL is ``prefix`` or below it, segment by segment (``/v10`` is not under ``/v1``)."""
        same_origin = (self.scheme, self.host, self.port) == (prefix.scheme, prefix.host, prefix.port)
        return same_origin and self.segments[: len(prefix.segments)] == prefix.segments


def _decoded(segment: str) -> str:
    """A path segment with percent-encoding undone until it stops changing (``%252e`` is a dot too)."""
    for _ in range(4):
        plain = parse.unquote(segment)
        if plain == segment:
            return plain
        segment = plain
    return segment


def parse_base_url(url: str) -> BaseURL:
    """Parse ``url`` strictly; raise ``UnsafeURL`` saying why it is refused."""
    text = url.strip()
    if not text.isprintable() or any(c.isspace() for c in text) or "\\" in text:
        raise UnsafeURL("it contains spaces, backslashes or control characters")
    if "?" in text or "#" in text:
        raise UnsafeURL("it contains ? or #, which would cut off the path the app appends")
    try:
        parts = parse.urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL(f"it is not a valid address ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise UnsafeURL("only http:// and https:// addresses can be used")
    if "@" in parts.netloc:
        raise UnsafeURL("it contains a user name or password (user@host)")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host or not _HOST.fullmatch(host if ":" not in host else f"[{host}]"):
        raise UnsafeURL("it has no valid host name")
    segments = tuple(s for s in parts.path.split("/") if s)
    for segment in segments:
        if _decoded(segment) in (".", "..") or "/" in _decoded(segment) or "\\" in _decoded(segment):
            raise UnsafeURL("its path contains . or .. segments (plain or percent-encoded)")
    return BaseURL(scheme, host, port or SCHEMES[scheme], segments)


def normalise(url: str) -> str:
    """``url`` in its normal form, or raise ``UnsafeURL``."""
    return str(parse_base_url(url))


def same_url(a: str, b: str) -> bool:
    """Whether two base URLs are the same address once normalised (False when either is refused)."""
    try:
        return parse_base_url(a) == parse_base_url(b)
    except UnsafeURL:
        return False


def allowed_by(url: str, prefixes: Iterable[str]) -> bool:
    """Whether ``url`` is under one of ``prefixes`` (scheme, host, port and whole path segments must match)."""
    try:
        target = parse_base_url(url)
    except UnsafeURL:
        return False
    for prefix in prefixes:
        try:
            if target.under(parse_base_url(prefix)):
                return True
        except UnsafeURL:
            continue
    return False


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
