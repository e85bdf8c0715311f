"""Base URLs a user or an operator gives: strict parsing and a segment-wise allowlist.

A URL typed by a user is parsed once and refused when it carries anything that could change where the request
goes or what is appended to it (user info, ``?``, ``#``, dot segments, encoded or not, with or without ``;``
parameters: Tomcat, Jetty and Spring resolve ``/v1/..;/admin`` as ``/admin``). This sits below both the
provider facts and the wire; the connect-time address check is the wire's (``playground.wire.guard``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib import parse

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
        plain = _decoded(segment)
        if plain.split(";", 1)[0] in (".", "..") or "/" in plain or "\\" in plain:
            raise UnsafeURL("its path contains . or .. segments (plain, percent-encoded or with ;parameters)")
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
