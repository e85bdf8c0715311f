"""The offline engine as a real loopback HTTP server (stdlib only), for curl, SDKs and benchmarks.

Run ``python -m playground.offline.server --port 8765 [--host 127.0.0.1] [--pace 0.004]``; then point any
OpenAI-compatible client at ``http://127.0.0.1:8765/v1`` (an Anthropic client at ``http://127.0.0.1:8765``).
Routes: ``POST /v1/chat/completions`` (also ``/chat/completions``), ``POST /v1/messages`` (Anthropic Messages,
same engine), ``GET /v1/models``, ``GET /health``, and OpenAI's Batch API (``POST /v1/files``, ``GET
/v1/files/{id}[/content]``, ``POST /v1/batches``, ``GET /v1/batches/{id}``, ``POST /v1/batches/{id}/cancel``;
a batch completes ``--batch-delay`` seconds after it is created, see ``playground.offline.batches``).

Testing hook: a request body field ``"offline_answer_tokens": N`` makes the answer exactly N filler words
(N stream chunks), to emulate short or long replies in tests and benchmarks. Real providers do not know it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from playground.offline import messages
from playground.offline.batches import Answer, BatchStore
from playground.offline.engine import (
    OfflineRequestError,
    completion_json,
    error_json,
    models_json,
    parse_body,
    plan_reply,
    resolve_pace,
    sse_events,
)

CHAT_PATHS = ("/v1/chat/completions", "/chat/completions")
MESSAGES_PATHS = ("/v1/messages", "/messages")
MODEL_PATHS = ("/v1/models", "/models")
MAX_BODY = 64 * 1024 * 1024  # bytes in one request body, chunked or not (more: 413)
DRAIN_SECONDS = 2.0  # after a 413, how long the rest of the body is read and thrown away (so the client sees it)
DONE = b"data: [DONE]\n\n"  # the last event of a Chat Completions stream


class BodyTooLarge(Exception):
    """A request body longer than ``MAX_BODY``: answered 413 without collecting it."""


def _too_large_message() -> str:
    return f"The request body is larger than this server's limit of {MAX_BODY // (1024 * 1024):,} MiB."


class OfflineHandler(BaseHTTPRequestHandler):
    """Serves the offline engine; never reads the Authorization header."""

    disable_nagle_algorithm = True  # a streaming server: each event leaves at once (no 40 ms delayed-ACK stalls)

    protocol_version = "HTTP/1.1"
    server_version = "PlaygroundOffline/1"
    pace = 0.0  # set per server by ``serve``
    batches: BatchStore  # set per server by ``serve``

    def log_message(self, *args: Any) -> None:  # quiet: requests are not logged (they may carry keys)
        pass

    def _path(self) -> str:
        return self.path.split("?", 1)[0].rstrip("/") or "/"

    def _batch_api(self, raw: bytes = b"") -> bool:
        """Answer a Batch API route (True), or leave the request to the other routes (False)."""
        answer: Answer | None = self.batches.handle(
            self.command, self.path, self.headers.get("Content-Type") or "", raw
        )
        if answer is None:
            return False
        data = answer.body()
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        return True

    def _send_json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _read_body(self) -> bytes:
        """The request body, chunked or with a length; ``BodyTooLarge`` as soon as it passes ``MAX_BODY``."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            parts, total = [], 0
            while True:
                size = int(self.rfile.readline(1024).split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                total += size
                if total > MAX_BODY:
                    raise BodyTooLarge
                parts.append(self.rfile.read(size))
                self.rfile.readline(1024)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise BodyTooLarge
        return self.rfile.read(length) if length > 0 else b""

    def _refuse_large_body(self) -> None:
        """Answer 413, then read and drop what the client still sends for a moment (memory stays flat), so it
        reads the answer instead of a reset connection."""
        self.close_connection = True
        self._send_json(413, error_json(_too_large_message(), kind="request_too_large"))
        self.wfile.flush()
        stop = time.monotonic() + DRAIN_SECONDS
        try:
            self.connection.settimeout(0.2)
            while time.monotonic() < stop and self.rfile.read1(65536):
                pass
        except OSError:
            pass

    def do_GET(self) -> None:
        path = self._path()
        if path == "/health":
            self._send_json(200, {"status": "ok"})
        elif path in MODEL_PATHS:
            self._send_json(200, models_json())
        elif not self._batch_api():
            self._send_json(404, error_json(f"No route for GET {path}.", kind="not_found"))

    def do_POST(self) -> None:
        path = self._path()
        try:
            raw = self._read_body()
        except BodyTooLarge:
            self._refuse_large_body()
            return
        except (OfflineRequestError, ValueError):
            self.close_connection = True
            self._send_json(400, error_json("The request body could not be read."))
            return
        if path in MESSAGES_PATHS:
            self._messages(raw)
            return
        if path not in CHAT_PATHS and self._batch_api(raw):
            return
        if path not in CHAT_PATHS:
            self._send_json(404, error_json(f"No route for POST {path}.", kind="not_found"))
            return
        try:
            reply = plan_reply(parse_body(raw), conversation_id=self.headers.get("x-grok-conv-id") or "")
        except OfflineRequestError as exc:
            self._send_json(400, error_json(str(exc), exc.param))
            return
        if reply.stream:
            self._stream(sse_events(reply, self.pace, steady=True))  # a provider: a steady rate
        else:
            self._send_json(200, completion_json(reply))

    def _messages(self, raw: bytes) -> None:
        """The Anthropic Messages protocol: the same engine, answered as a message or named SSE events."""
        try:
            reply = plan_reply(messages.engine_body(raw))
        except OfflineRequestError as exc:
            self._send_json(400, messages.error_json(str(exc)))
            return
        if reply.stream:
            self._stream(messages.message_events(reply, self.pace, steady=True))
        else:
            self._send_json(200, messages.message_json(reply))

    def _stream(self, events: Any) -> None:
        """Send the events with chunked transfer encoding, one flushed chunk each; stop if the client leaves."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for event in events:
                last = event == DONE  # the body's end goes with it: the client finds both in one read
                self.wfile.write(b"%x\r\n%s\r\n%s" % (len(event), event, b"0\r\n\r\n" if last else b""))
                self.wfile.flush()
                if last:
                    return
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True
        finally:
            events.close()


def serve(
    host: str = "127.0.0.1", port: int = 0, pace: float | None = None, batch_delay: float | None = None
) -> ThreadingHTTPServer:
    """A bound (not yet serving) offline engine server; call ``serve_forever`` (port 0 picks a free port).
    ``batch_delay``: seconds until a batch completes (default ``PLAYGROUND_OFFLINE_BATCH_DELAY``, else 2)."""
    bound = {"pace": resolve_pace(pace), "batches": BatchStore(batch_delay)}
    handler = type("BoundOfflineHandler", (OfflineHandler,), bound)
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def base_url(server: ThreadingHTTPServer) -> str:
    """The OpenAI-compatible base URL of a running server."""
    host, port = server.server_address[:2]
    return f"http://{host}:{port}/v1"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: serve until interrupted."""
    parser = argparse.ArgumentParser(description="Serve the playground's offline engine on loopback.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (0 picks a free one)")
    parser.add_argument(
        "--pace",
        type=float,
        default=None,
        help="seconds per token (default: $PLAYGROUND_OFFLINE_PACE or 0.004; 0 = full speed)",
    )
    parser.add_argument(
        "--batch-delay",
        type=float,
        default=None,
        help="seconds until a batch completes (default: $PLAYGROUND_OFFLINE_BATCH_DELAY or 2)",
    )
    args = parser.parse_args(argv)
    server = serve(args.host, args.port, args.pace, args.batch_delay)
    print(f"offline engine listening on {base_url(server)}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
