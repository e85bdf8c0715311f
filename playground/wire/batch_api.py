"""OpenAI's Batch API over HTTP: the JSONL of Chat Completions requests, the upload, the batch, its results.

The shapes are OpenAI's documented ones (platform.openai.com/docs/api-reference/batch):

- input file: one line per request, ``{"custom_id", "method": "POST", "url": "/v1/chat/completions", "body"}``,
  uploaded with ``POST {base}/files`` (multipart, ``purpose=batch``);
- ``POST {base}/batches`` with ``input_file_id``, ``endpoint`` and ``completion_window: "24h"``;
- ``GET {base}/batches/{id}``: ``status`` (validating, in_progress, finalizing, completed, failed, expired,
  cancelling, cancelled), ``request_counts`` and, when done, ``output_file_id`` / ``error_file_id``;
- ``POST {base}/batches/{id}/cancel``;
- ``GET {base}/files/{id}/content``: one line per request, ``{"id", "custom_id", "response": {"status_code",
  "request_id", "body"}, "error"}``, in any order (matched back by ``custom_id``).

Failures are the project's typed errors (``playground.wire.classify``); the key never appears in a message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from playground.chat.errors import BadRequest, PlaygroundError, ServerError, redact
from playground.facts.providers import ProviderConfig
from playground.wire.classify import error_from_exception, error_from_response, quote
from playground.wire.http import client_for
from playground.wire.request import RequestPlan

ENDPOINT = "/v1/chat/completions"
COMPLETION_WINDOW = "24h"
STATUSES = ("validating", "in_progress", "finalizing", "completed", "failed", "expired", "cancelling", "cancelled")
DONE = frozenset({"completed", "failed", "expired", "cancelled"})
MAX_LINES = 50_000  # OpenAI: an input file holds at most 50,000 requests
TIMEOUT = httpx.Timeout(60.0, connect=10.0)
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}")
_BODY_KEYS_DROPPED = ("stream_options", "key")  # no streaming in a batch; a key never goes into a file


@dataclass(frozen=True, slots=True)
class BatchInfo:
    """A batch as the provider describes it (the fields this app reads)."""

    id: str
    status: str
    input_file_id: str = ""
    output_file_id: str | None = None
    error_file_id: str | None = None
    total: int = 0
    completed: int = 0
    failed: int = 0
    errors: tuple[str, ...] = ()

    @property
    def done(self) -> bool:
        """Whether the batch has ended (completed, failed, expired or cancelled): nothing more will change."""
        return self.status in DONE

    def as_json(self) -> dict[str, Any]:
        """What a job keeps of its batch (ids, status, counts; never a key)."""
        return {
            "id": self.id,
            "status": self.status,
            "input_file_id": self.input_file_id,
            "output_file_id": self.output_file_id,
            "error_file_id": self.error_file_id,
            "request_counts": {"total": self.total, "completed": self.completed, "failed": self.failed},
            "errors": list(self.errors),
        }


@dataclass(frozen=True, slots=True)
class LineResult:
    """One request's outcome: its HTTP status and JSON body (a ``chat.completion`` when it succeeded), or why it
    failed (``error``: a line the provider could not run, or an error body)."""

    custom_id: str
    status_code: int | None
    body: Mapping[str, Any] = field(default_factory=dict)
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code == 200 and not self.error and isinstance(self.body.get("choices"), list)


def batch_body(plan: RequestPlan) -> dict[str, Any]:
    """The plan's JSON body as a batch line carries it: streaming off, no ``stream_options``, no key field."""
    body = {k: v for k, v in plan.body.items() if k not in _BODY_KEYS_DROPPED}
    body["stream"] = False
    return body


def jsonl_line(custom_id: str, plan: RequestPlan) -> dict[str, Any]:
    """One input line, exactly as OpenAI documents it."""
    return {"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": batch_body(plan)}


def build_jsonl(items: Sequence[tuple[str, RequestPlan]]) -> bytes:
    """The input file for ``(custom_id, plan)`` pairs: one JSON object per line, UTF-8, ids unique."""
    if not items:
        raise BadRequest("A batch needs at least one request.")
    if len(items) > MAX_LINES:
        raise BadRequest(f"A batch holds at most {MAX_LINES:,} requests; this one has {len(items):,}.")
    ids = [custom_id for custom_id, _ in items]
    if len(set(ids)) != len(ids):
        raise BadRequest("Every request in a batch needs its own custom_id.")
    lines = (json.dumps(jsonl_line(c, p), ensure_ascii=False, separators=(",", ":")) for c, p in items)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _headers(config: ProviderConfig) -> dict[str, str]:
    """The key as the provider takes it in a header (a batch is never sent with the key in a body)."""
    if not config.api_key or config.auth in ("none", "body"):
        return {}
    if config.auth == "x-api-key":
        return {"x-api-key": config.api_key}
    return {"Authorization": f"Bearer {config.api_key}"}


def _safe_id(value: object, what: str) -> str:
    """An id the provider gave, checked before it goes into a URL path."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise ServerError(f"The provider sent a {what} this app cannot use: {quote(str(value), 80)!r}.")
    return value


def _send(
    config: ProviderConfig, method: str, path: str, *, client: httpx.Client | None, **kwargs: Any
) -> httpx.Response:
    """One request to ``{base}{path}``; a failed one raises the typed error (the key masked)."""
    secrets = [config.api_key] if config.api_key else []
    headers = {**_headers(config), **kwargs.pop("headers", {})}
    try:
        response = (client or client_for(config)).request(
            method, f"{config.base_url}{path}", headers=headers, timeout=TIMEOUT, **kwargs
        )
    except httpx.HTTPError as exc:
        raise error_from_exception(exc, secrets=secrets) from None
    if response.status_code >= 300:
        raise error_from_response(response.status_code, response.content, response.headers, secrets=secrets)
    return response


def _info(config: ProviderConfig, response: httpx.Response) -> BatchInfo:
    return batch_info(_json(config, response), secrets=[config.api_key] if config.api_key else [])


def _json(config: ProviderConfig, response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise error_from_response(502, response.content, response.headers, secrets=[config.api_key])
    return data


def upload(config: ProviderConfig, *, jsonl: bytes, client: httpx.Client | None = None) -> str:
    """Upload the input file (``purpose=batch``); its file id."""
    files = {"file": ("batch.jsonl", jsonl, "application/jsonl")}
    response = _send(config, "POST", "/files", client=client, data={"purpose": "batch"}, files=files)
    return _safe_id(_json(config, response).get("id"), "file id")


def _count(value: object) -> int:
    return value if type(value) is int and value >= 0 else 0


def batch_info(data: Mapping[str, Any], *, secrets: Sequence[str] = ()) -> BatchInfo:
    """A batch object read defensively (unknown statuses are kept as sent, counts default to 0; ``secrets`` are
    masked in the error messages it carries)."""
    counts = data.get("request_counts") if isinstance(data.get("request_counts"), Mapping) else {}
    errors = data.get("errors") if isinstance(data.get("errors"), Mapping) else {}
    messages = tuple(
        quote(redact(str(e.get("message") or e.get("code") or ""), list(secrets)), 200)
        for e in (errors.get("data") or [])
        if isinstance(e, Mapping)
    )
    out, err = data.get("output_file_id"), data.get("error_file_id")
    return BatchInfo(
        id=_safe_id(data.get("id"), "batch id"),
        status=str(data.get("status") or ""),
        input_file_id=str(data.get("input_file_id") or ""),
        output_file_id=_safe_id(out, "file id") if out else None,
        error_file_id=_safe_id(err, "file id") if err else None,
        total=_count(counts.get("total")),
        completed=_count(counts.get("completed")),
        failed=_count(counts.get("failed")),
        errors=messages,
    )


def create(
    config: ProviderConfig,
    *,
    input_file_id: str,
    client: httpx.Client | None = None,
    metadata: Mapping[str, str] | None = None,
) -> BatchInfo:
    """Create the batch over an uploaded input file."""
    payload: dict[str, Any] = {
        "input_file_id": _safe_id(input_file_id, "file id"),
        "endpoint": ENDPOINT,
        "completion_window": COMPLETION_WINDOW,
    }
    if metadata:
        payload["metadata"] = dict(metadata)
    return _info(config, _send(config, "POST", "/batches", client=client, json=payload))


def submit(
    config: ProviderConfig,
    *,
    items: Sequence[tuple[str, RequestPlan]],
    client: httpx.Client | None = None,
    metadata: Mapping[str, str] | None = None,
) -> BatchInfo:
    """Build the JSONL for ``items``, upload it and create the batch."""
    file_id = upload(config, jsonl=build_jsonl(items), client=client)
    return create(config, input_file_id=file_id, client=client, metadata=metadata)


def _gone(err: PlaygroundError, what: str) -> PlaygroundError:
    """A 404 for a batch or file this app created: the provider no longer has it (not a wrong base URL)."""
    if err.status != 404:
        return err
    return BadRequest(
        f"The provider no longer has this {what} (HTTP 404): it may have been deleted, or the server restarted.",
        action="Start the run again; the answers already saved are kept.",
        status=404,
    )


def retrieve(config: ProviderConfig, *, batch_id: str, client: httpx.Client | None = None) -> BatchInfo:
    """The batch's status and counts now."""
    path = f"/batches/{_safe_id(batch_id, 'batch id')}"
    try:
        return _info(config, _send(config, "GET", path, client=client))
    except PlaygroundError as err:
        raise _gone(err, "batch") from None


def cancel(config: ProviderConfig, *, batch_id: str, client: httpx.Client | None = None) -> BatchInfo:
    """Ask the provider to cancel the batch (it passes through ``cancelling``; finished lines are kept)."""
    path = f"/batches/{_safe_id(batch_id, 'batch id')}/cancel"
    return _info(config, _send(config, "POST", path, client=client))


def file_content(config: ProviderConfig, *, file_id: str, client: httpx.Client | None = None) -> bytes:
    """The bytes of a file the provider holds (an output or error file)."""
    try:
        return _send(config, "GET", f"/files/{_safe_id(file_id, 'file id')}/content", client=client).content
    except PlaygroundError as err:
        raise _gone(err, "result file") from None


def _line_error(error: object, body: Mapping[str, Any]) -> str:
    if isinstance(error, Mapping):
        return quote(str(error.get("message") or error.get("code") or "the request failed"), 300)
    inner = body.get("error")
    if isinstance(inner, Mapping):
        return quote(str(inner.get("message") or inner.get("type") or "the request failed"), 300)
    return quote(str(inner), 300) if inner else ""


def parse_results(data: bytes, *, secrets: Sequence[str] = ()) -> dict[str, LineResult]:
    """Output or error file lines by ``custom_id`` (lines that cannot be read are skipped; keys are masked)."""
    text = redact(data.decode("utf-8", "replace"), list(secrets)) if secrets else data.decode("utf-8", "replace")
    found: dict[str, LineResult] = {}
    for raw in text.splitlines():
        try:
            line = json.loads(raw) if raw.strip() else None
        except (ValueError, RecursionError):
            continue
        if not isinstance(line, dict) or not isinstance(line.get("custom_id"), str):
            continue
        response = line.get("response") if isinstance(line.get("response"), Mapping) else {}
        body = response.get("body") if isinstance(response.get("body"), Mapping) else {}
        status = response.get("status_code") if type(response.get("status_code")) is int else None
        error = _line_error(line.get("error"), body)
        if not error and status is not None and status >= 300:
            error = f"HTTP {status}"
        found[line["custom_id"]] = LineResult(line["custom_id"], status, body, error)
    return found


def results(
    config: ProviderConfig, *, info: BatchInfo, client: httpx.Client | None = None
) -> dict[str, LineResult]:
    """Every line the batch answered, from its output file and its error file, by ``custom_id``."""
    secrets = [config.api_key] if config.api_key else []
    found: dict[str, LineResult] = {}
    for file_id in (info.error_file_id, info.output_file_id):  # an output line wins over an error line
        if file_id:
            found.update(parse_results(file_content(config, file_id=file_id, client=client), secrets=secrets))
    return found


def missing(info: BatchInfo, answered: Mapping[str, LineResult], custom_ids: Iterable[str]) -> dict[str, str]:
    """Why each request without a line in the results has none (the batch failed, expired or was cancelled)."""
    why = {
        "failed": "The batch failed before this request ran",
        "expired": "The batch expired (24 hours) before this request ran",
        "cancelled": "The batch was cancelled before this request ran",
    }.get(info.status, "The provider returned no result for this request")
    detail = f": {info.errors[0]}" if info.errors else ""
    return {c: f"{why}{detail}." for c in custom_ids if c not in answered}
