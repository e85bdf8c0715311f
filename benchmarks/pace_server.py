"""A loopback OpenAI-compatible SSE server for the browser benchmarks: N words at a set rate, with timestamps.

``GET /config?words=N&rate=R&marker=M&text=md`` sets the next replies (rate in words per second; 0 = as fast as
possible; the last word is ``M``, so a browser can tell when the whole answer is on screen). ``text=md`` (default)
is an answer-like Markdown document (paragraphs, lists, headings, code blocks); ``text=flat`` is one paragraph of
N words, the worst case for any renderer that can only redraw the whole text. ``POST /v1/chat/completions``
streams them, one ``data:`` event per word, and records wall-clock times (``time.time()``): when the request line
and headers arrived, when its body was read, the first and the last byte written. ``GET /last`` returns those
times as JSON; ``GET /health`` says ok. With ``unique=1`` in the config each reply's marker gets the request's
number appended (``M0``, ``M1``, ...) and ``GET /log`` lists every reply since the config with its marker and
last-byte time, for several streams at once. Run: ``python -m benchmarks.pace_server --port 8799``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

CONFIG: dict[str, Any] = {"words": 50, "rate": 0.0, "marker": "END", "text": "md", "unique": False}
LOG: list[dict[str, Any]] = []  # with ``unique``: one record per reply since the last config
SENTENCES = (
    "Quantum computers store information in qubits, which can be zero, one, or a weighted mix of both.",
    "When many qubits are entangled, the machine explores a very large space of possibilities at once.",
    "The answer is read out by measurement, so good algorithms make the wrong answers cancel out.",
    "Error correction spreads one logical qubit over many physical ones, which is why machines grow so large.",
    "For most everyday tasks a classical computer is still faster, cheaper and far easier to program.",
)
BLOCKS = (
    "### Step {n}",
    "{p}",
    "Key points:\n\n- **Superposition**: a qubit holds `0` and `1` at once.\n- **Entanglement** links qubits."
    "\n- **Interference** amplifies the right answer.",
    "{p}",
    '```python\ndef measure(state: list[float]) -> int:\n    """Pick an outcome."""\n\n'
    "    return max(range(len(state)), key=state.__getitem__)\n```",
    "1. Prepare the qubits.\n2. Apply the gates.\n3. Measure, and repeat to build statistics.",
    "> {p}",
)
_PIECE = re.compile(r"\s*\S+")
LAST: dict[str, Any] = {}
LOCK = threading.Lock()


def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
    """One chat.completion.chunk event."""
    obj = {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "bench",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(obj).encode() + b"\n\n"


def markdown_pieces(words: int) -> list[str]:
    """The first ``words`` word-sized pieces (each with the whitespace before it) of an answer-like document."""
    out: list[str] = []
    sentences = itertools.cycle(SENTENCES)
    for n, block in enumerate(itertools.cycle(BLOCKS)):
        para = " ".join(next(sentences) for _ in range(3))
        out += _PIECE.findall(("\n\n" if out else "") + block.format(n=n // len(BLOCKS) + 1, p=para))
        if len(out) >= words:
            return out[:words]
    raise AssertionError("unreachable")


def pieces(words: int, marker: str, text: str) -> list[str]:
    """``words`` pieces, the last one ending a paragraph with ``marker``."""
    if text == "flat":
        return [f"w{i % 10} " for i in range(words - 1)] + [marker]
    return markdown_pieces(words - 1) + ["\n\n" + marker]


def tool_pieces(words: int, marker: str) -> list[dict[str, Any]]:
    """A tool call OpenAI style: id and name first, then the JSON arguments in ``words`` pieces (``marker``
    inside the last one), so the call is complete only with its last piece."""
    head = [
        {"index": 0, "id": "call_bench", "type": "function", "function": {"name": "search_docs", "arguments": ""}}
    ]
    args = ['{"query": "'] + [f"w{i % 10} " for i in range(words - 2)] + [marker + '"}']
    return [{"tool_calls": head}] + [{"tool_calls": [{"index": 0, "function": {"arguments": a}}]} for a in args]


def events(words: int, marker: str, text: str = "md") -> list[bytes]:
    """The reply's events: a role chunk, ``words`` pieces (the last one ``marker``), finish, usage, [DONE].

    ``text="tool"``: the pieces are a tool call's argument pieces instead of answer text."""
    out = [chunk({"role": "assistant", "content": ""})]
    if text == "tool":
        deltas = tool_pieces(words, marker)
        out += [chunk(deltas[0])] + [chunk(d) for d in deltas[1:]]
        out.append(chunk({}, "tool_calls"))
    else:
        out += [chunk({"content": piece}) for piece in pieces(words, marker, text)]
        out.append(chunk({}, "stop"))
    usage = {"prompt_tokens": 10, "completion_tokens": words, "total_tokens": words + 10}
    out.append(
        b"data: "
        + json.dumps(
            {
                "id": "chatcmpl-bench",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": "bench",
                "choices": [],
                "usage": usage,
            }
        ).encode()
        + b"\n\n"
    )
    out.append(b"data: [DONE]\n\n")
    return out


class Handler(BaseHTTPRequestHandler):
    """Serves the configured stream and records its timestamps."""

    protocol_version = "HTTP/1.1"

    disable_nagle_algorithm = True  # as a streaming server: no 40 ms delayed-ACK stall on a kept connection

    def log_message(self, *args: Any) -> None:
        pass

    def parse_request(self) -> bool:  # the request line and headers are in: the request has "arrived"
        ok = super().parse_request()
        self.arrived = time.time()
        return ok

    def _json(self, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path == "/config":
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            with LOCK:
                CONFIG.update(
                    words=int(query.get("words", CONFIG["words"])),
                    rate=float(query.get("rate", CONFIG["rate"])),
                    marker=query.get("marker", CONFIG["marker"]),
                    text=query.get("text", CONFIG["text"]),
                    unique=query.get("unique", "0") == "1",
                )
                LAST.clear()
                LOG.clear()
            self._json(CONFIG)
        elif url.path == "/log":
            with LOCK:
                self._json(list(LOG))
        elif url.path == "/last":
            with LOCK:
                self._json(dict(LAST))
        elif url.path in ("/health", "/v1/models"):
            self._json({"status": "ok", "data": []})
        else:
            self.send_error(404)

    def do_POST(self) -> None:  # noqa: N802
        arrived = self.arrived
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body_read = time.time()
        with LOCK:
            words, rate, marker, text = CONFIG["words"], CONFIG["rate"], CONFIG["marker"], CONFIG["text"]
            record: dict[str, Any] | None = None
            if CONFIG["unique"]:
                marker = f"{marker}{len(LOG)}"
                record = {"marker": marker, "last_byte": None}
                LOG.append(record)
            LAST.clear()
            LAST.update(arrived=arrived, body_read=body_read, words=words, rate=rate, text=text)
        todo = events(words, marker, text)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        start = time.perf_counter()
        first = None
        try:
            for i, event in enumerate(todo):
                if rate and 1 <= i <= words:  # word i is due at start + i / rate
                    wait = start + i / rate - time.perf_counter()
                    if wait > 0:
                        time.sleep(wait)
                self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
                self.wfile.flush()
                first = first or time.time()
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            with LOCK:
                LAST.update(aborted=time.time())
            return
        with LOCK:
            LAST.update(first_byte=first, last_byte=time.time())
            if record is not None:
                record["last_byte"] = LAST["last_byte"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8799)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"pace server on http://127.0.0.1:{args.port}/v1", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
