"""The offline engine: a deterministic, OpenAI-compatible chat endpoint in-process (no network, no key).

It describes the request it received instead of answering, so the whole client path (request, SSE, usage,
cost) runs without a provider. ``OfflineTransport`` serves it to ``httpx``; ``playground.offline.server``
serves the same engine over loopback HTTP. What it says is written in ``playground.offline.text``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from playground.money.tokens import count_messages, count_tokens
from playground.offline import ENGINE_MODEL
from playground.offline.cache import CACHE, HEADER
from playground.offline.pacing import Pacer
from playground.offline.stand_in import StandIn, stand_in_from
from playground.offline.text import ANSWER_TOKENS_HOOK, build_reasoning, pieces, plain_messages
from playground.offline.tooling import ToolRequestError, parse_tool_request, plan_answer
from playground.tools.count import request_extra_tokens

DEFAULT_PACE = 0.004  # seconds per token chunk: about 250 tokens per second
PACE_ENV = "PLAYGROUND_OFFLINE_PACE"
SECRET_FIELDS = frozenset({"key", "api_key", "apiKey", "authorization"})
MAX_HOOK_WORDS = 1_000_000
ARGUMENT_PIECE = 6  # characters per streamed tool-call argument piece (OpenAI style: several pieces per call)


class OfflineRequestError(ValueError):
    """A request the engine refuses (HTTP 400), with the offending parameter when there is one."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


@dataclass(frozen=True, slots=True)
class OfflineReply:
    """One planned reply: the pieces to send (already cut to ``max_tokens``), why it ends, and its usage."""

    id: str
    reasoning: tuple[str, ...]
    answer: tuple[str, ...]
    finish_reason: str
    usage: dict[str, Any]
    stream: bool
    include_usage: bool
    tool_calls: tuple[dict[str, str], ...] = ()  # {"id", "name", "arguments"} each

    @property
    def reasoning_text(self) -> str:
        return "".join(self.reasoning)

    @property
    def answer_text(self) -> str:
        return "".join(self.answer)


def resolve_pace(pace: float | None = None, env: Mapping[str, str] | None = None) -> float:
    """Seconds per token: ``pace`` if given, else ``PLAYGROUND_OFFLINE_PACE``, else the default."""
    if pace is not None:
        return max(0.0, float(pace))
    raw = (os.environ if env is None else env).get(PACE_ENV, "")
    try:
        return max(0.0, float(raw)) if raw.strip() else DEFAULT_PACE
    except ValueError:
        return DEFAULT_PACE


def parse_body(raw: bytes) -> dict[str, Any]:
    """The JSON request with key fields removed; raise ``OfflineRequestError`` when it cannot be served."""
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        raise OfflineRequestError("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise OfflineRequestError("The request body must be a JSON object.")
    body = {k: v for k, v in body.items() if k not in SECRET_FIELDS}
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise OfflineRequestError("'messages' must be a non-empty list.", "messages")
    if not all(isinstance(m, dict) and isinstance(m.get("role"), str) for m in messages):
        raise OfflineRequestError("Each message must be an object with a 'role'.", "messages")
    hook = body.get(ANSWER_TOKENS_HOOK)
    if hook is not None and (type(hook) is not int or not 0 <= hook <= MAX_HOOK_WORDS):
        raise OfflineRequestError(
            f"'{ANSWER_TOKENS_HOOK}' must be an integer from 0 to {MAX_HOOK_WORDS}.", ANSWER_TOKENS_HOOK
        )
    for name in ("max_tokens", "max_completion_tokens"):
        limit = body.get(name)
        if limit is not None and (type(limit) is not int or limit < 1):
            raise OfflineRequestError(f"'{name}' must be a positive integer.", name)
    try:
        parse_tool_request(body)
    except ToolRequestError as exc:
        raise OfflineRequestError(str(exc), exc.param) from None
    return body


def _cost(reasoning: list[str], answer: list[str], k: int) -> int:
    """Estimated tokens for the first ``k`` pieces of reasoning-then-answer."""
    r = len(reasoning)
    return count_tokens("".join(reasoning[: min(k, r)])) + count_tokens("".join(answer[: max(0, k - r)]))


def _fit(reasoning: list[str], answer: list[str], max_tokens: int | None) -> int:
    """How many pieces fit in ``max_tokens`` (binary search; the estimator grows with the text)."""
    total = len(reasoning) + len(answer)
    if max_tokens is None or _cost(reasoning, answer, total) <= max_tokens:
        return total
    lo, hi = 0, total  # _cost(lo) fits, _cost(hi) does not
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if _cost(reasoning, answer, mid) <= max_tokens else (lo, mid)
    return lo


def usage_for(prompt_tokens: int, reasoning: str, answer: str) -> dict[str, Any]:
    """OpenAI-convention usage: completion tokens include the reasoning tokens."""
    reasoning_tokens = count_tokens(reasoning)
    completion = reasoning_tokens + count_tokens(answer)
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion,
        "total_tokens": prompt_tokens + completion,
        "prompt_tokens_details": {"cached_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": reasoning_tokens},
    }


def plan_reply(
    body: Mapping[str, Any], stand_in: StandIn | None = None, *, conversation_id: str = ""
) -> OfflineReply:
    """The whole reply for a parsed request body: deterministic, cut to ``max_tokens``; ``stand_in``: the
    provider whose request it describes (from the app's headers); its cached tokens come from the prefix cache
    of ``conversation_id`` (playground/offline/cache.py)."""
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()[:24]
    text, calls = plan_answer(body, digest, stand_in)
    reasoning, answer = pieces(build_reasoning(body)), pieces(text)
    limits = [body[k] for k in ("max_tokens", "max_completion_tokens") if body.get(k) is not None]
    keep = _fit(reasoning, answer, min(limits, default=None))
    finish = "stop" if keep == len(reasoning) + len(answer) else "length"
    reasoning, answer = reasoning[:keep], answer[: max(0, keep - len(reasoning))]
    request = parse_tool_request(body)
    prompt_tokens = count_messages(plain_messages(body)) + request_extra_tokens(
        tools=request.tools, response_format=request.response_format
    )
    arguments = "".join(c["name"] + c["arguments"] for c in calls)
    usage = usage_for(prompt_tokens, "".join(reasoning), "".join(answer) + arguments)
    usage["prompt_tokens_details"]["cached_tokens"] = CACHE.serve(
        conversation_id, plain_messages(body), prompt_tokens
    )
    options = body.get("stream_options")
    include_usage = isinstance(options, dict) and bool(options.get("include_usage"))
    stream = bool(body.get("stream") or body.get("streaming"))
    finish = "tool_calls" if calls else finish
    return OfflineReply(
        f"chatcmpl-offline-{digest}", tuple(reasoning), tuple(answer), finish, usage, stream, include_usage, calls
    )


def completion_json(reply: OfflineReply) -> dict[str, Any]:
    """The non-streaming ``chat.completion`` object."""
    message: dict[str, Any] = {
        "role": "assistant",
        "content": reply.answer_text if reply.answer or not reply.tool_calls else None,
        "reasoning_content": reply.reasoning_text,
    }
    if reply.tool_calls:
        message["tool_calls"] = [_wire_call(c) for c in reply.tool_calls]
    return {
        "id": reply.id,
        "object": "chat.completion",
        "created": 0,
        "model": ENGINE_MODEL,
        "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason}],
        "usage": reply.usage,
    }


def _wire_call(call: Mapping[str, str], index: int | None = None, arguments: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {} if index is None else {"index": index}
    out.update(id=call["id"], type="function")
    out["function"] = {"name": call["name"], "arguments": call["arguments"] if arguments is None else arguments}
    return out


def _tool_chunks(reply: OfflineReply, pacer: Pacer) -> Iterator[bytes]:
    """Each call OpenAI-style: id and name first, then the arguments in small pieces keyed by index."""
    for i, call in enumerate(reply.tool_calls):
        yield _chunk(reply, {"tool_calls": [_wire_call(call, i, "")]})
        text = call["arguments"]
        for start in range(0, len(text), ARGUMENT_PIECE):
            pacer.wait()
            piece = {"index": i, "function": {"arguments": text[start : start + ARGUMENT_PIECE]}}
            yield _chunk(reply, {"tool_calls": [piece]})


def _chunk(reply: OfflineReply, delta: dict[str, Any], finish: str | None = None) -> bytes:
    obj: dict[str, Any] = {
        "id": reply.id,
        "object": "chat.completion.chunk",
        "created": 0,
        "model": ENGINE_MODEL,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    if reply.include_usage:
        obj["usage"] = None
    return b"data: " + json.dumps(obj, ensure_ascii=False).encode() + b"\n\n"


def sse_events(
    reply: OfflineReply, pace: float = 0.0, sleep: Callable[[float], None] | None = None, *, steady: bool = False
) -> Iterator[bytes]:
    """The reply as SSE events (one ``data:`` event per piece), spaced by ``pace`` (``Pacer``: ``steady`` when
    served over HTTP)."""
    pacer = Pacer(pace, sleep, steady=steady)
    yield _chunk(reply, {"role": "assistant", "content": ""})
    for field, parts in (("reasoning_content", reply.reasoning), ("content", reply.answer)):
        for part in parts:
            pacer.wait()
            yield _chunk(reply, {field: part})
    yield from _tool_chunks(reply, pacer)
    yield _chunk(reply, {}, reply.finish_reason)
    if reply.include_usage:
        last = {
            "id": reply.id,
            "object": "chat.completion.chunk",
            "created": 0,
            "model": ENGINE_MODEL,
            "choices": [],
            "usage": reply.usage,
        }
        yield b"data: " + json.dumps(last).encode() + b"\n\n"
    yield b"data: [DONE]\n\n"


def error_json(message: str, param: str | None = None, kind: str = "invalid_request_error") -> dict[str, Any]:
    """An OpenAI-style error body."""
    return {"error": {"message": message, "type": kind, "param": param, "code": None}}


def models_json() -> dict[str, Any]:
    """The model list: the engine itself."""
    model = {"id": ENGINE_MODEL, "object": "model", "created": 0, "owned_by": "playground"}
    return {"object": "list", "data": [model]}


class _LazyStream(httpx.SyncByteStream):
    """A response body produced on demand; closing it stops the generator."""

    def __init__(self, events: Iterator[bytes]) -> None:
        self._events = events

    def __iter__(self) -> Iterator[bytes]:
        yield from self._events

    def close(self) -> None:
        close = getattr(self._events, "close", None)
        if close:
            close()


class OfflineTransport(httpx.BaseTransport):
    """An ``httpx`` transport that answers OpenAI chat requests with the offline engine (never reads auth)."""

    def __init__(self, pace: float | None = None) -> None:
        self.pace = resolve_pace(pace)

    def __repr__(self) -> str:
        return f"OfflineTransport(pace={self.pace!r})"

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.rstrip("/")
        from playground.offline.batches import STORE  # the Batch API routes (imported late: it imports this)

        if batch := STORE.handle(request.method, path, request.headers.get("content-type", ""), request.read()):
            return httpx.Response(batch.status, headers={"Content-Type": batch.content_type}, content=batch.body())
        if request.method == "GET" and path.endswith("/models"):
            return httpx.Response(200, json=models_json())
        if not path.endswith("/chat/completions"):
            return httpx.Response(404, json=error_json(f"No route for {request.method} {path}.", kind="not_found"))
        if request.method != "POST":
            return httpx.Response(405, json=error_json("Use POST for chat completions."))
        try:
            reply = plan_reply(
                parse_body(request.read()),
                stand_in_from(request.headers),
                conversation_id=request.headers.get(HEADER, ""),
            )
        except OfflineRequestError as exc:
            return httpx.Response(400, json=error_json(str(exc), exc.param))
        if not reply.stream:
            return httpx.Response(200, json=completion_json(reply))
        headers = {"Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache"}
        return httpx.Response(200, headers=headers, stream=_LazyStream(sse_events(reply, self.pace)))
