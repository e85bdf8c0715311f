"""A fault-injection OpenAI-style server on 127.0.0.1: each request is answered with the next scripted fault.

``FaultServer().script("429", "ok")`` answers the next request with a 429, the one after with a good stream, and
every later one with a good stream too. Modes (``MODES``): the HTTP errors ``"400"`` … ``"529"`` in their
providers' shapes, ``"cut"`` (a stream broken mid-way), ``"error_event"`` (an SSE error event after HTTP 200),
``"malformed"`` (a truncated JSON line), ``"no_done"`` (a whole reply without ``[DONE]``), ``"keepalive"``
(comments between chunks), ``"bytewise"`` (one byte per write), ``"read_timeout"`` (silence mid-stream), ``"drop"``
(the connection closed before any response) and ``"ok"``. A connect timeout is ``block()``: the listening
socket's accept queue is filled and nothing accepts, so new connections hang in SYN until ``unblock()``.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

from loopback import LoopbackServer, Recorded, Reply, json_reply, sse, sse_reply

PARTIAL = "Partial answer kept"  # the text every mid-stream fault sends before failing
ANSWER = "All good here"  # the text of a good reply
REASONING = "Thinking it over"
USAGE = {"prompt_tokens": 20, "completion_tokens": 8, "completion_tokens_details": {"reasoning_tokens": 3}}


def delta(**fields: Any) -> dict[str, Any]:
    """One OpenAI chat.completion.chunk with ``fields`` as its delta."""
    return {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": fields}]}


def finish(reason: str = "stop") -> dict[str, Any]:
    return {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {}, "finish_reason": reason}]}


def words(text: str) -> list[dict[str, Any]]:
    """``text`` as one content chunk per word (spaces kept)."""
    parts = text.split(" ")
    return [delta(content=w + " ") for w in parts[:-1]] + [delta(content=parts[-1])]


def good_chunks(text: str = ANSWER, reasoning: str = REASONING) -> list[bytes]:
    """A complete stream: reasoning, the answer word by word, finish, usage, ``[DONE]``."""
    return sse(
        delta(role="assistant", reasoning_content=reasoning),
        *words(text),
        finish(),
        {"choices": [], "usage": USAGE},
    )


def _html(status: int, title: str) -> Reply:
    body = f"<html><head><title>{status} {title}</title></head><body><h1>{title}</h1></body></html>"
    return Reply(status, {"Content-Type": "text/html"}, body.encode())


HTTP_FAULTS: dict[str, Reply] = {
    "400": json_reply(
        400,
        {
            "code": "Client specified an invalid argument",
            "error": "Invalid request content: the conversation could not be parsed.",
        },
    ),
    "401": json_reply(
        401,
        {
            "error": {
                "message": "Incorrect API key provided.",
                "type": "invalid_request_error",
                "code": "invalid_api_key",
            }
        },
    ),
    "402": json_reply(402, {"status": "error", "message": "Insufficient credits. Please add more credits."}),
    "403": json_reply(403, {"error": {"message": "This key may not use this model.", "type": "permission_error"}}),
    "404": json_reply(404, {"detail": "Not Found"}),
    "408": json_reply(408, {"error": {"message": "Request timed out.", "type": "timeout"}}),
    "413": _html(413, "Request Entity Too Large"),
    "429": json_reply(
        429,
        {"error": {"message": "Rate limit reached for requests.", "type": "rate_limit_error"}},
        {"Retry-After": "1"},
    ),
    "500": json_reply(500, {"error": {"message": "Internal server error.", "type": "api_error"}}),
    "502": _html(502, "Bad Gateway"),
    "503": json_reply(503, {"error": {"message": "Service Unavailable.", "type": "server_error"}}),
    "529": json_reply(529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
}
STREAM_FAULTS = ("cut", "error_event", "malformed", "no_done", "keepalive", "bytewise", "read_timeout")
MODES = (*HTTP_FAULTS, *STREAM_FAULTS, "drop", "ok")
DROP = 0  # a Reply status meaning: close the connection without answering


class FaultServer(LoopbackServer):
    """A LoopbackServer whose chat replies follow a script of fault modes (then ``ok``); see the module doc.

    ``chat_requests`` lists the chat requests that reached the server (any connection that got through).
    """

    def __init__(
        self, *, answer: str = ANSWER, retry_after: str = "1", extra: dict[str, Reply] | None = None
    ) -> None:
        super().__init__(self._dispatch)
        self.answer = answer
        self.retry_after = retry_after
        self.extra = dict(extra or {})  # more modes: replies given by the test
        self.modes: list[str] = []
        self.served: list[str] = []  # the mode each request got, in order
        self._release = threading.Event()  # ends the silence of "read_timeout"
        self._fillers: list[socket.socket] = []
        self._lock = threading.Lock()

    # -- script ---------------------------------------------------------------------------------------------
    def script(self, *modes: str) -> FaultServer:
        """Answer the next requests with ``modes`` in order, then ``ok`` forever."""
        unknown = [m for m in modes if m not in MODES and m not in self.extra]
        if unknown:
            raise ValueError(f"unknown fault modes {unknown}; known: {MODES}")
        with self._lock:
            self.modes = list(modes)
        return self

    @property
    def chat_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.rstrip("/").endswith("/chat/completions")]

    def _dispatch(self, req: Recorded) -> Reply:
        with self._lock:
            mode = self.modes.pop(0) if self.modes else "ok"
            self.served.append(mode)
        return self.reply(mode)

    def reply(self, mode: str) -> Reply:
        """The response for ``mode``."""
        if mode in self.extra:
            return self.extra[mode]
        if mode in HTTP_FAULTS:
            reply = HTTP_FAULTS[mode]
            if mode == "429":
                return Reply(reply.status, {**reply.headers, "Retry-After": self.retry_after}, reply.body)
            return reply
        if mode == "ok":
            return sse_reply(good_chunks(self.answer))
        if mode == "drop":
            return Reply(DROP)
        return sse_reply(self._stream_fault(mode), cut=mode == "cut")

    def _stream_fault(self, mode: str) -> Iterator[bytes] | list[bytes]:
        head = sse(delta(role="assistant", reasoning_content=REASONING), *words(PARTIAL), done=False)
        if mode == "cut":
            return head
        if mode == "error_event":
            error = {"error": {"message": "Upstream provider disconnected.", "code": 502}}
            return [*head, f"event: error\ndata: {json.dumps(error)}\n\n".encode()]
        if mode == "malformed":
            return [
                *head,
                b'data: {"choices": [{"index": 0, "delta": {"content": " and th\n\n',
                *sse(delta(content=" and more"), finish()),
            ]
        if mode == "no_done":
            return sse(*(json.loads(c[6:]) for c in good_chunks(self.answer)[:-1]), done=False)
        if mode == "keepalive":
            out = [b": keep-alive\n\n"]
            for chunk in good_chunks(self.answer):
                out += [chunk, b": OPENROUTER PROCESSING\n\n"]
            return out
        if mode == "bytewise":
            raw = b"".join(good_chunks(self.answer))
            return [raw[i : i + 1] for i in range(len(raw))]
        if mode == "read_timeout":
            return self._silent_after(head)
        raise ValueError(mode)

    def _silent_after(self, head: list[bytes]) -> Iterator[bytes]:
        yield from head
        self._release.wait(30)  # silence until the test ends (the client's read timeout fires first)
        yield b""

    def _send(self, h: BaseHTTPRequestHandler, reply: Reply) -> None:
        if reply.status == DROP:
            h.close_connection = True  # nothing written: the client sees the connection close before a response
            return
        super()._send(h, reply)

    # -- connect timeout --------------------------------------------------------------------------------------
    def __enter__(self) -> FaultServer:
        self._serve()
        return self

    def _serve(self) -> None:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def block(self) -> None:
        """Stop accepting and fill the accept queue: new connections now hang until their connect timeout."""
        self._server.shutdown()  # the accept loop stops; the listening socket stays open
        listener = self._server.socket
        listener.listen(0)  # Linux then queues a single connection; further SYNs are dropped
        address = listener.getsockname()
        for _ in range(16):
            filler = socket.socket()
            filler.settimeout(0.25)
            try:
                filler.connect(address)
            except TimeoutError:
                filler.close()
                return  # the queue is full
            self._fillers.append(filler)
        raise RuntimeError("could not fill the accept queue: connections would not time out")

    def unblock(self) -> None:
        """Accept again (the fillers are closed first, so the server reads them as empty connections)."""
        for filler in self._fillers:
            filler.close()
        self._fillers.clear()
        self._server.socket.listen(16)
        self._serve()

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        for filler in self._fillers:
            filler.close()
        super().__exit__(*exc)
