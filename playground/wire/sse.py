"""Server-sent events decoding to the WHATWG event-stream rules, fed raw bytes in chunks of any size."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from playground.chat.errors import ReplyTooLarge

DEFAULT_MAX_EVENT = 1024 * 1024  # bytes in one line or one event; see playground/wire/limits.py
_BOM = b"\xef\xbb\xbf"


@dataclass(slots=True)
class ServerSentEvent:
    """One dispatched event: its type, its data (lines joined with newlines), the last event id, and retry."""

    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


class SSEDecoder:
    """Incremental decoder: ``feed`` bytes as they arrive, then ``close`` at end of stream.

    Lines are split on whole buffers (never per character) and decoded once each, so a chunk boundary may fall
    anywhere, including inside a line, a CRLF pair or a multi-byte UTF-8 sequence.
    """

    __slots__ = (
        "_pending", "_skip_lf", "_at_start", "_data", "_event", "_retry", "_last_id", "_max", "_held", "_size"
    )  # fmt: skip

    def __init__(self, max_event_bytes: int = DEFAULT_MAX_EVENT) -> None:
        self._max = max_event_bytes  # a longer line or event raises ReplyTooLarge instead of growing memory
        self._held = 0  # bytes in self._pending
        self._size = 0  # bytes in self._data
        self._pending: list[bytes] = []  # an unfinished line, in pieces
        self._skip_lf = False  # the last chunk ended in CR: a leading LF belongs to it
        self._at_start = True  # a BOM may still come
        self._data: list[bytes] = []
        self._event: str | None = None
        self._retry: int | None = None
        self._last_id: str | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode a chunk; return the events it completed."""
        if self._at_start or self._skip_lf:
            chunk = self._head(chunk)
        if b"\r" in chunk:
            self._skip_lf = chunk[-1:] == b"\r"
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        pending = self._pending
        if b"\n" not in chunk:
            if chunk:
                pending.append(chunk)
                self._held += len(chunk)
                if self._held > self._max:
                    self._too_large()
            return []
        if pending:
            pending.append(chunk)
            chunk = b"".join(pending)
            pending.clear()
            self._held = 0
        out: list[ServerSentEvent] = []
        if chunk[:6] == b"data: " and not self._data:
            if chunk[-2:] == b"\n\n" and chunk.count(b"\n") == 2:  # the usual chunk: exactly one event
                out.append(
                    ServerSentEvent(
                        self._event or "message",
                        chunk[6:-2].decode("utf-8", "replace"),
                        self._last_id,
                        self._retry,
                    )
                )
                self._event = self._retry = None
                return out
            chunk = self._plain_events(chunk, out)
        if chunk:
            lines = chunk.split(b"\n")
            rest = lines.pop()
            if rest:
                pending.append(rest)
                self._held = len(rest)
                if self._held > self._max:
                    self._too_large()
            if lines:
                out += self._lines(lines)
        return out

    def _too_large(self) -> None:
        self._pending.clear()
        self._data.clear()
        self._held = self._size = 0
        raise ReplyTooLarge(
            f"The provider sent one line or event larger than this deployment's limit of {self._max:,} bytes; "
            "the reply was stopped there."
        )

    def _plain_events(self, buf: bytes, out: list[ServerSentEvent]) -> bytes:
        """Dispatch a leading run of one-line ``data: ...`` events in one go (the usual stream); return the rest.

        When every newline up to the last blank line belongs to a ``\\n\\ndata: `` separator or to the final
        ``\\n\\n``, the run is exactly such events, so splitting on the separator gives their data.
        """
        end = buf.rfind(b"\n\n") + 2
        if end < 2:
            return buf
        head = buf[:end] if end < len(buf) else buf
        values = head[6:-2].split(b"\n\ndata: ")
        if head.count(b"\n") != 2 * len(values):
            return buf
        last_id = self._last_id
        out.append(
            ServerSentEvent(self._event or "message", values[0].decode("utf-8", "replace"), last_id, self._retry)
        )
        self._event = self._retry = None
        if len(values) > 1:
            out += [ServerSentEvent("message", v.decode("utf-8", "replace"), last_id) for v in values[1:]]
        return buf[end:]

    def _head(self, chunk: bytes) -> bytes:
        """Strip a BOM at the very start, and an LF completing a CRLF split across chunks."""
        if self._at_start:
            chunk = self._strip_bom(chunk)
        if self._skip_lf and chunk:
            self._skip_lf = False
            if chunk[:1] == b"\n":
                chunk = chunk[1:]
        return chunk

    def close(self) -> list[ServerSentEvent]:
        """End of stream: dispatch a last event left without its blank line."""
        lines = [b"".join(self._pending)] if self._pending else []
        self._pending.clear()
        self._held = 0
        out = self._lines(lines) if lines else []
        event = self._dispatch()
        if event is not None:
            out.append(event)
        return out

    def _strip_bom(self, chunk: bytes) -> bytes:
        head = b"".join(self._pending) + chunk
        if len(head) < 3 and _BOM.startswith(head):
            self._pending = [head] if head else []
            return b""
        self._pending.clear()
        self._at_start = False
        return head[3:] if head.startswith(_BOM) else head

    def _lines(self, lines: list[bytes]) -> list[ServerSentEvent]:
        out: list[ServerSentEvent] = []
        data, event, retry, last_id = self._data, self._event, self._retry, self._last_id
        for line in lines:
            if not line:
                if data:
                    raw = data[0] if len(data) == 1 else b"\n".join(data)
                    out.append(ServerSentEvent(event or "message", raw.decode("utf-8", "replace"), last_id, retry))
                    data = []
                    self._size = 0
                event = retry = None
            elif line[:6] == b"data: ":
                data.append(line[6:])
                self._size += len(line)
                if self._size > self._max:
                    self._too_large()
            elif line[:1] != b":":
                self._data, self._event, self._retry = data, event, retry
                self._field(line)
                event, retry, last_id = self._event, self._retry, self._last_id
        self._data, self._event, self._retry = data, event, retry
        return out

    def _field(self, line: bytes) -> None:
        name, colon, value = line.partition(b":")
        if colon and value[:1] == b" ":
            value = value[1:]
        if name == b"data":
            self._data.append(value)
            self._size += len(value)
            if self._size > self._max:
                self._too_large()
        elif name == b"event":
            self._event = _text(value)
        elif name == b"id":
            if b"\0" not in value:
                self._last_id = _text(value)
        elif name == b"retry":
            if value.isdigit():
                self._retry = int(value)

    def _dispatch(self) -> ServerSentEvent | None:
        data, event, retry = self._data, self._event, self._retry
        self._data, self._event, self._retry = [], None, None
        self._size = 0
        if not data:
            return None
        text = _text(data[0]) if len(data) == 1 else _text(b"\n".join(data))
        return ServerSentEvent(event or "message", text, self._last_id, retry)


def iter_sse(chunks: Iterable[bytes]) -> Iterator[ServerSentEvent]:
    """Every event in a stream of byte chunks, the last one included even without its blank line."""
    decoder = SSEDecoder()
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.close()


def parse_sse(raw: bytes | str) -> list[ServerSentEvent]:
    """Every event in a whole stream given at once."""
    return list(iter_sse([raw.encode() if isinstance(raw, str) else raw]))
