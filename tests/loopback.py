"""A real HTTP server on 127.0.0.1 for tests: scripted responses, recorded requests, chunked streaming."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """What the server sends: a status, headers, and a body given whole or as chunks (each flushed at once).

    ``delay`` sleeps before each chunk; ``cut`` drops the connection after the chunks without ending the
    chunked body (a stream broken mid-way); ``stall`` sleeps that long after the chunks, before finishing.
    """

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    chunks: Iterable[bytes] | None = None
    delay: float = 0.0
    cut: bool = False
    stall: float = 0.0


@dataclass
class Recorded:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def sse(*events: Any, done: bool = True) -> list[bytes]:
    """OpenAI-style SSE chunks: one ``data:`` event per object (dicts become JSON), then ``[DONE]``."""
    out = [f"data: {e if isinstance(e, str) else json.dumps(e)}\n\n".encode() for e in events]
    return out + ([b"data: [DONE]\n\n"] if done else [])


def json_reply(status: int, payload: Any, headers: dict[str, str] | None = None) -> Reply:
    """A plain JSON response."""
    return Reply(status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(payload).encode())


def sse_reply(chunks: Iterable[bytes], **kwargs: Any) -> Reply:
    """A ``text/event-stream`` response sent chunk by chunk."""
    return Reply(200, {"Content-Type": "text/event-stream"}, chunks=chunks, **kwargs)


Handler = Callable[[Recorded], Reply]


class LoopbackServer:
    """Serve ``handler`` on 127.0.0.1 in a thread; ``requests`` keeps what arrived. Use as a context manager."""

    def __init__(self, handler: Handler | Reply) -> None:
        self.handler: Handler = handler if callable(handler) else (lambda _req: handler)
        self.requests: list[Recorded] = []
        self.chunks_sent = 0
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = (
                True  # as a streaming server: no 40 ms delayed-ACK stall on a kept connection
            )

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                rec = Recorded(self.command, self.path, dict(self.headers.items()), self.rfile.read(length))
                outer.requests.append(rec)
                outer._send(self, outer.handler(rec))

            do_GET = do_POST = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _send(self, h: BaseHTTPRequestHandler, reply: Reply) -> None:
        h.send_response(reply.status)
        for k, v in reply.headers.items():
            h.send_header(k, v)
        if reply.chunks is None:
            body = reply.body or b""
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)
            return
        h.send_header("Transfer-Encoding", "chunked")
        h.send_header("Connection", "close")
        h.end_headers()
        try:
            for chunk in reply.chunks:
                if reply.delay:
                    time.sleep(reply.delay)
                if chunk:
                    h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    h.wfile.flush()
                    self.chunks_sent += 1
            if reply.stall:
                time.sleep(reply.stall)
            if not reply.cut:
                h.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            return
        h.close_connection = True

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
