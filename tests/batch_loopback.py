"""A loopback server speaking OpenAI's documented Batch API shape, with the failures the batch tests need.

Routes: ``POST /v1/files`` (multipart, ``purpose=batch``), ``POST /v1/batches``, ``GET /v1/batches/{id}``,
``POST /v1/batches/{id}/cancel``, ``GET /v1/files/{id}/content``. Every line is answered with a ``chat.completion``
of known usage (``PROMPT_TOKENS``, ``ANSWER_TOKENS``, ``REASONING_TOKENS``), ``"echo: <last user message>"``.

Knobs: ``polls`` looks before a batch ends (validating, in_progress, finalizing on the way); ``fail_ids`` lines
answered HTTP 500 in the error file; ``expire_after`` lines answered before the batch expires (the rest get
OpenAI's ``batch_expired`` error line); ``create_429`` answers to ``POST /v1/batches`` that are 429s with
``Retry-After``; ``echo_key`` makes an error body repeat the request's key (it must never reach a message);
``upload_seconds`` slows every upload; ``refuse_create`` answers every create with a 400 naming the key.
"""

from __future__ import annotations

import json
import threading
import time
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from loopback import LoopbackServer, Recorded, Reply, json_reply

PROMPT_TOKENS, ANSWER_TOKENS, REASONING_TOKENS = 20, 60, 100


def parse_form(req: Recorded) -> dict[str, bytes]:
    """The multipart fields of ``req`` (name -> bytes)."""
    head = f"Content-Type: {req.headers.get('Content-Type', '')}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + req.body)
    return {
        p.get_param("name", header="content-disposition"): p.get_payload(decode=True) for p in message.iter_parts()
    }


def completion(custom_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """What a provider's chat endpoint answers (non-streamed) to ``body``: xAI-convention usage."""
    last = [m for m in body["messages"] if m["role"] == "user"][-1]["content"]
    return {
        "id": f"chatcmpl-{custom_id}",
        "object": "chat.completion",
        "model": body.get("model"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": f"echo: {last}", "reasoning_content": "hmm"},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": PROMPT_TOKENS,
            "completion_tokens": ANSWER_TOKENS + REASONING_TOKENS,
            "total_tokens": PROMPT_TOKENS + ANSWER_TOKENS + REASONING_TOKENS,
            "completion_tokens_details": {"reasoning_tokens": REASONING_TOKENS},
        },
    }


class BatchServer(LoopbackServer):
    """The documented Batch API on 127.0.0.1 (see the module docstring for the knobs)."""

    def __init__(
        self,
        *,
        polls: int = 2,
        fail_ids: frozenset[str] = frozenset(),
        expire_after: int | None = None,
        create_429: int = 0,
        retry_after: str = "7",
        echo_key: bool = False,
        upload_seconds: float = 0.0,
        refuse_create: bool = False,
    ) -> None:
        super().__init__(self._handle)
        self.polls, self.fail_ids, self.expire_after = polls, fail_ids, expire_after
        self.create_429, self.retry_after, self.echo_key = create_429, retry_after, echo_key
        self.upload_seconds, self.refuse_create = upload_seconds, refuse_create
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.looks: dict[str, int] = {}
        self.sent: dict[str, int] = {}  # custom_id -> times the server ran it (a request sent twice shows here)
        self._lock = threading.Lock()

    def _handle(self, req: Recorded) -> Reply:
        with self._lock:
            path = req.path.split("?")[0].rstrip("/")
            if req.method == "POST" and path == "/v1/files":
                return self._upload(req)
            if req.method == "POST" and path == "/v1/batches":
                return self._create(req)
            parts = path.split("/")
            if req.method == "GET" and path.startswith("/v1/batches/") and len(parts) == 4:
                return self._look(parts[3], req)
            if req.method == "POST" and path.endswith("/cancel") and parts[3] in self.batches:
                return self._cancel(parts[3])
            if req.method == "GET" and path.startswith("/v1/files/") and path.endswith("/content"):
                if parts[3] in self.files:
                    return Reply(200, {"Content-Type": "application/octet-stream"}, self.files[parts[3]])
            return json_reply(
                404, {"error": {"message": f"No such thing: {path}", "type": "invalid_request_error"}}
            )

    def _cancel(self, batch_id: str) -> Reply:
        batch = self.batches[batch_id]
        if batch["status"] in ("completed", "expired", "failed", "cancelled"):
            said = f"Cannot cancel a batch with status {batch['status']}."
            return json_reply(400, {"error": {"message": said, "type": "invalid_request_error"}})
        batch["status"] = "cancelling"
        return json_reply(200, self._public(batch_id))

    def _upload(self, req: Recorded) -> Reply:
        time.sleep(self.upload_seconds)  # a slow upload: a second caller arrives meanwhile
        form = parse_form(req)
        if form.get("purpose") != b"batch" or "file" not in form:
            return json_reply(
                400, {"error": {"message": "purpose must be batch", "type": "invalid_request_error"}}
            )
        file_id = f"file-{len(self.files) + 1}"
        self.files[file_id] = form["file"]
        return json_reply(200, {"id": file_id, "object": "file", "bytes": len(form["file"]), "purpose": "batch"})

    def _create(self, req: Recorded) -> Reply:
        if self.create_429 > 0:
            self.create_429 -= 1
            said = "Rate limit reached for batches"
            if self.echo_key:
                said += f" (key {req.headers.get('Authorization', '').removeprefix('Bearer ')})"
            return json_reply(
                429, {"error": {"message": said, "type": "rate_limit_error"}}, {"Retry-After": self.retry_after}
            )
        if self.refuse_create:  # a permanent refusal that repeats the key it was sent
            said = (
                f"Batches are not enabled for key {req.headers.get('Authorization', '').removeprefix('Bearer ')}"
            )
            return json_reply(400, {"error": {"message": said, "type": "invalid_request_error"}})
        body = req.json()
        if body.get("endpoint") != "/v1/chat/completions" or body.get("completion_window") != "24h":
            return json_reply(
                400, {"error": {"message": "bad endpoint or window", "type": "invalid_request_error"}}
            )
        batch_id = f"batch_{len(self.batches) + 1}"
        lines = [json.loads(x) for x in self.files[body["input_file_id"]].decode().splitlines() if x.strip()]
        self.batches[batch_id] = {
            "id": batch_id,
            "object": "batch",
            "endpoint": body["endpoint"],
            "input_file_id": body["input_file_id"],
            "completion_window": "24h",
            "status": "validating",
            "output_file_id": None,
            "error_file_id": None,
            "errors": None,
            "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
            "_lines": lines,
        }
        self.looks[batch_id] = 0
        return json_reply(200, self._public(batch_id))

    def _public(self, batch_id: str) -> dict[str, Any]:
        return {k: v for k, v in self.batches[batch_id].items() if not k.startswith("_")}

    def _look(self, batch_id: str, req: Recorded) -> Reply:
        batch = self.batches.get(batch_id)
        if batch is None:
            return json_reply(404, {"error": {"message": "No batch found", "type": "invalid_request_error"}})
        self.looks[batch_id] += 1
        if batch["status"] == "cancelling":
            batch["status"] = "cancelled"
        elif batch["status"] not in ("completed", "expired", "cancelled"):
            steps = ["validating", "in_progress", "finalizing"]
            if self.looks[batch_id] <= self.polls:
                batch["status"] = steps[min(self.looks[batch_id], len(steps) - 1)]
            else:
                self._finish(batch)
        return json_reply(200, self._public(batch_id))

    def _finish(self, batch: dict[str, Any]) -> None:
        good, bad = [], []
        for n, line in enumerate(batch["_lines"]):
            custom_id = line["custom_id"]
            out: dict[str, Any] = {"id": f"batch_req_{n}", "custom_id": custom_id, "response": None, "error": None}
            if self.expire_after is not None and n >= self.expire_after:
                out["error"] = {
                    "code": "batch_expired",
                    "message": "This request could not be executed before the completion window expired.",
                }
                bad.append(out)
                continue
            self.sent[custom_id] = self.sent.get(custom_id, 0) + 1
            if custom_id in self.fail_ids:
                error = {"error": {"message": "The server had an error processing the request", "type": "server"}}
                out["response"] = {"status_code": 500, "request_id": f"req_{n}", "body": error}
                bad.append(out)
            else:
                body = completion(custom_id, line["body"])
                out["response"] = {"status_code": 200, "request_id": f"req_{n}", "body": body}
                good.append(out)
        good.reverse()  # results come in any order: matched back by custom_id
        if good:
            batch["output_file_id"] = f"file-out-{batch['id']}"
            self.files[batch["output_file_id"]] = "".join(json.dumps(x) + "\n" for x in good).encode()
        if bad:
            batch["error_file_id"] = f"file-err-{batch['id']}"
            self.files[batch["error_file_id"]] = "".join(json.dumps(x) + "\n" for x in bad).encode()
        batch["status"] = "expired" if self.expire_after is not None else "completed"
        batch["request_counts"] = {"total": len(batch["_lines"]), "completed": len(good), "failed": len(bad)}
