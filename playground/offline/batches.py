"""The offline engine's Batch API: OpenAI's ``/v1/files`` and ``/v1/batches`` shapes, in memory and bounded.

A batch is in progress for ``delay`` seconds after it was created (``PLAYGROUND_OFFLINE_BATCH_DELAY``, default
2 s); the first look after that makes it finalizing while a thread answers every line with the engine's
non-streamed ``chat.completion`` and writes the output file (lines that succeeded) and the error file (lines the
engine refused, HTTP 400); then it is completed. Both the loopback server
(``playground.offline.server``) and the in-process transport serve a ``BatchStore``; each store lives in its own
process, so workers on several machines share batches through the loopback server, not the in-process engine.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from playground.offline.engine import OfflineRequestError, completion_json, error_json, parse_body, plan_reply

DELAY_ENV = "PLAYGROUND_OFFLINE_BATCH_DELAY"
DEFAULT_DELAY = 2.0
ENDPOINT = "/v1/chat/completions"
MAX_FILES = 64  # files kept (the oldest go first)
MAX_BATCHES = 64  # batches kept (the oldest go first)
MAX_STORED_BYTES = 256 * 1024 * 1024  # bytes of every kept file together
MAX_LINES = 50_000  # requests in one input file (OpenAI's limit)


def resolve_delay(delay: float | None = None) -> float:
    """Seconds before a batch completes: ``delay`` if given, else ``PLAYGROUND_OFFLINE_BATCH_DELAY``, else 2."""
    if delay is not None:
        return max(0.0, float(delay))
    try:
        return max(0.0, float(os.environ.get(DELAY_ENV, "")))
    except ValueError:
        return DEFAULT_DELAY


@dataclass(frozen=True, slots=True)
class Answer:
    """What a route sends back: a status and a JSON object, or raw bytes (a file's content)."""

    status: int
    payload: dict[str, Any] | None = None
    content: bytes | None = None

    @property
    def content_type(self) -> str:
        return "application/json" if self.content is None else "application/jsonl"

    def body(self) -> bytes:
        return self.content if self.content is not None else json.dumps(self.payload, ensure_ascii=False).encode()


@dataclass(slots=True)
class _File:
    id: str
    filename: str
    purpose: str
    data: bytes
    created_at: int

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "file",
            "bytes": len(self.data),
            "created_at": self.created_at,
            "filename": self.filename,
            "purpose": self.purpose,
        }


@dataclass(slots=True)
class _Batch:
    id: str
    input_file_id: str
    lines: list[dict[str, Any]]
    created: float
    created_at: int
    status: str = "in_progress"
    output_file_id: str | None = None
    error_file_id: str | None = None
    completed: int = 0
    failed: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "batch",
            "endpoint": ENDPOINT,
            "errors": None,
            "input_file_id": self.input_file_id,
            "completion_window": "24h",
            "status": self.status,
            "output_file_id": self.output_file_id,
            "error_file_id": self.error_file_id,
            "created_at": self.created_at,
            "request_counts": {"total": len(self.lines), "completed": self.completed, "failed": self.failed},
            "metadata": self.metadata or None,
        }


def _error(status: int, message: str, kind: str = "invalid_request_error") -> Answer:
    return Answer(status, error_json(message, kind=kind))


def _form(content_type: str, body: bytes) -> dict[str, tuple[str, bytes]]:
    """A multipart/form-data body as {field: (filename, bytes)} (stdlib email parser)."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        return {}
    fields = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            payload = part.get_payload(decode=True)
            fields[name] = (part.get_filename() or "", payload if isinstance(payload, bytes) else b"")
    return fields


class BatchStore:
    """Files and batches of one engine, thread-safe and bounded; ``clock`` is monotonic seconds (tests)."""

    def __init__(self, delay: float | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._delay = delay
        self.clock = clock
        self._files: OrderedDict[str, _File] = OrderedDict()
        self._batches: OrderedDict[str, _Batch] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def delay(self) -> float:
        """Seconds from creation to completion (the setting is read on each look when none was given)."""
        return resolve_delay(self._delay)

    def _id(self, prefix: str) -> str:
        return f"{prefix}-offline-{uuid.uuid4().hex[:20]}"

    def handle(self, method: str, path: str, content_type: str, body: bytes) -> Answer | None:
        """Answer a Batch API request; None when ``path`` is not one of its routes."""
        parts = [p for p in path.split("?", 1)[0].split("/") if p]
        if parts[:1] == ["v1"]:
            parts = parts[1:]
        if not parts or parts[0] not in ("files", "batches"):
            return None
        with self._lock:
            if parts[0] == "files":
                return self._files_route(method, parts[1:], content_type, body)
            return self._batches_route(method, parts[1:], body)

    def _files_route(self, method: str, rest: list[str], content_type: str, body: bytes) -> Answer:
        if method == "POST" and not rest:
            return self._upload(content_type, body)
        found = self._files.get(rest[0]) if rest else None
        if method == "GET" and found is not None and rest[1:] in ([], ["content"]):
            return Answer(200, content=found.data) if rest[1:] else Answer(200, found.json())
        return _error(404, f"No such file: {'/'.join(rest)}.", "not_found")

    def _upload(self, content_type: str, body: bytes) -> Answer:
        form = _form(content_type, body) if "multipart/form-data" in content_type else {}
        if "file" not in form:
            return _error(400, "Send the file as multipart/form-data with a 'file' field.")
        purpose = form.get("purpose", ("", b""))[1].decode("utf-8", "replace").strip()
        if purpose != "batch":
            return _error(400, "This server keeps only files with purpose 'batch'.")
        filename, data = form["file"]
        if len(data) > MAX_STORED_BYTES:
            return _error(413, "The file is larger than this server keeps.", "request_too_large")
        return Answer(200, self._keep(filename or "batch.jsonl", "batch", data).json())

    def _keep(self, filename: str, purpose: str, data: bytes) -> _File:
        kept = _File(self._id("file"), filename, purpose, data, int(time.time()))
        self._files[kept.id] = kept
        while len(self._files) > MAX_FILES or sum(len(f.data) for f in self._files.values()) > MAX_STORED_BYTES:
            self._files.popitem(last=False)
        return kept

    def _batches_route(self, method: str, rest: list[str], body: bytes) -> Answer:
        if method == "POST" and not rest:
            return self._create(body)
        batch = self._batches.get(rest[0]) if rest else None
        if batch is None:
            return _error(404, f"No such batch: {'/'.join(rest)}.", "not_found")
        if method == "GET" and len(rest) == 1:
            self._advance(batch)
            return Answer(200, batch.json())
        if method == "POST" and rest[1:] == ["cancel"]:
            if batch.status not in ("completed", "failed", "expired", "cancelled"):
                batch.status = "cancelling"
            return Answer(200, batch.json())
        return _error(404, f"No route for {method} /v1/batches/{'/'.join(rest)}.", "not_found")

    def _create(self, body: bytes) -> Answer:
        try:
            request = json.loads(body or b"null")
        except (ValueError, UnicodeDecodeError):
            request = None
        if not isinstance(request, dict):
            return _error(400, "The request body must be a JSON object.")
        if request.get("endpoint") != ENDPOINT:
            return _error(400, f"'endpoint' must be {ENDPOINT}.")
        if request.get("completion_window") != "24h":
            return _error(400, "'completion_window' must be 24h.")
        source = self._files.get(str(request.get("input_file_id")))
        if source is None:
            return _error(400, "'input_file_id' names no uploaded file.")
        lines, problem = _read_lines(source.data)
        if problem:
            return _error(400, problem)
        metadata = request.get("metadata") if isinstance(request.get("metadata"), dict) else {}
        batch = _Batch(self._id("batch"), source.id, lines, self.clock(), int(time.time()), metadata=metadata)
        self._batches[batch.id] = batch
        while len(self._batches) > MAX_BATCHES:
            self._batches.popitem(last=False)
        return Answer(200, batch.json())

    def _advance(self, batch: _Batch) -> None:
        """Move the batch on: a cancel ends it; once ``delay`` has passed it is finalizing while a thread answers
        every line (a large file does not hold up this look)."""
        if batch.status == "cancelling" and batch.output_file_id is None:
            batch.status = "cancelled"
        elif batch.status == "in_progress" and self.clock() - batch.created >= self.delay:
            batch.status = "finalizing"
            threading.Thread(target=self._run, args=(batch,), daemon=True, name="offline-batch").start()

    def _run(self, batch: _Batch) -> None:
        good, bad = [], []
        for number, line in enumerate(batch.lines, start=1):
            status, body = _answer(line["body"])
            out = {
                "id": f"batch_req_{batch.id}_{number}",
                "custom_id": line["custom_id"],
                "response": {"status_code": status, "request_id": f"req-offline-{number}", "body": body},
                "error": None,
            }
            (good if status == 200 else bad).append(json.dumps(out, ensure_ascii=False))
        with self._lock:  # a cancel that came meanwhile keeps what was answered, as OpenAI's does
            if good:
                batch.output_file_id = self._keep(f"{batch.id}_output.jsonl", "batch_output", _jsonl(good)).id
            if bad:
                batch.error_file_id = self._keep(f"{batch.id}_errors.jsonl", "batch_output", _jsonl(bad)).id
            batch.completed, batch.failed = len(good), len(bad)
            batch.status = "cancelled" if batch.status == "cancelling" else "completed"


def _jsonl(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def _read_lines(data: bytes) -> tuple[list[dict[str, Any]], str]:
    """The input file's requests, or why it cannot be a batch (OpenAI's rules: POST, one endpoint, unique ids)."""
    lines, seen = [], set()
    for number, raw in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
        except (ValueError, RecursionError):
            return [], f"Line {number} of the input file is not JSON."
        if not isinstance(line, dict) or not isinstance(line.get("custom_id"), str):
            return [], f"Line {number} of the input file has no custom_id."
        if line.get("method") != "POST" or line.get("url") != ENDPOINT or not isinstance(line.get("body"), dict):
            return [], f"Line {number} must be a POST to {ENDPOINT} with a JSON body."
        if line["custom_id"] in seen:
            return [], f"Line {number} repeats the custom_id {line['custom_id']!r}."
        seen.add(line["custom_id"])
        lines.append(line)
    if not lines:
        return [], "The input file holds no requests."
    if len(lines) > MAX_LINES:
        return [], f"An input file holds at most {MAX_LINES:,} requests."
    return lines, ""


def _answer(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The engine's non-streamed answer to one line (HTTP 400 with an error body when it refuses the request)."""
    try:
        reply = plan_reply(parse_body(json.dumps({**body, "stream": False}).encode()))
    except OfflineRequestError as exc:
        return 400, error_json(str(exc), exc.param)
    return 200, completion_json(reply)


STORE = BatchStore()  # the in-process engine's (playground.offline.engine.OfflineTransport)
