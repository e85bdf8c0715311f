"""A hostile OpenAI/Anthropic-style server on 127.0.0.1: what a malicious or broken provider can send.

``HostileServer("drip")`` answers every request with the named mode (change ``server.mode`` between requests):

- ``drip``: a valid stream that sends one small chunk every ``interval`` seconds and never ends;
- ``huge_error``: HTTP 500 with a 64 MiB body, generated as it is sent (the server itself stays small);
- ``huge_line``: HTTP 200 ``text/event-stream`` with one 64 MiB ``data:`` line;
- ``huge_reply``: a valid stream of many text chunks (``size`` characters in all);
- ``nested``: events whose JSON is nested 100,000 levels deep (then a valid chunk);
- ``wrong_types``: chunks with strings, objects and ``1e999`` where numbers, objects and strings belong;
- ``anthropic_wrong_types``: the same for an Anthropic Messages stream;
- ``key_echo``: a 401 whose body quotes the ``Authorization`` header back raw, JSON-escaped and in ``repr`` form,
  padded so the key straddles the 300-character cut of the on-screen quote;
- ``key_echo_stream``: a stream whose text repeats the key, split across chunks;
- ``phish``: a 401 whose message is Markdown with a link and an image;
- ``surrogate``: a valid stream whose text carries a lone surrogate (``"bad \\ud800 text"``, valid JSON);
- ``surrogate_whole``: the same as one JSON document (the server ignored ``stream``);
- ``surrogate_error``: a 400 whose message carries a lone surrogate;
- ``cost``: a short valid reply whose usage claims ``cost`` USD (``"cost": 999999`` by default, or 0) and
  ``tokens`` completion tokens: what a user's own server (or a lying gateway) can report;
- ``unsavable``: a reply no database column takes as is: a NUL byte and a lone surrogate (``\ud800``, valid JSON)
  in the text and a 300-character finish reason;
- ``tool_flood``: ``events`` events of ``per_event`` parallel tool calls each, distinct ids, empty arguments.

``BOMBS`` are the JSON schemas that made the offline engine build a huge value (send them as a response format or a
tool's parameters to the offline engine); ``CATASTROPHIC`` is a pattern with exponential backtracking on Python's
``re`` and a value that triggers it.

Run it alone (``python tests/hostile.py MODE``) to keep its memory apart from the app's, as the benchmarks do.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from loopback import LoopbackServer, Recorded, Reply, sse

MiB = 1024 * 1024
PHISH = (
    "Session expired. [Re-enter your key](https://phish.example/login) ![logo](https://phish.example/pixel.png)"
)


BOMBS: dict[str, dict[str, Any]] = {
    "long string": {"type": "string", "minLength": 3_000_000_000},
    "many items": {"type": "array", "minItems": 100_000_000},
    "self reference": {
        "type": "object",
        "properties": {f"p{i}": {"$ref": "#"} for i in range(8)},
        "required": [f"p{i}" for i in range(8)],
    },
}
CATASTROPHIC = ("^(a+)+$", "a" * 24 + "!")


class Ticker:
    """A thread that ticks every 5 ms while the ``with`` block runs; ``longest`` is its longest wait between
    ticks in seconds (how long any other thread of the process was stalled)."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick, daemon=True)

    def _tick(self) -> None:
        last = time.perf_counter()
        while not self._stop.wait(0.005):
            now = time.perf_counter()
            self.longest = max(self.longest, now - last - 0.005)
            last = now

    def __enter__(self) -> Ticker:
        self._thread.start()
        time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def least_stall(action: Callable[[], object], *, tries: int = 5) -> float:
    """The longest stall another thread saw while ``action`` ran, the least over ``tries`` runs (after a warm-up
    run, so first imports do not count): holding the GIL stalls every run alike, while a busy machine's
    scheduling noise does not repeat."""
    action()
    stalls = []
    for _ in range(tries):
        with Ticker() as ticker:
            action()
        stalls.append(ticker.longest)
    return min(stalls)


def ask_offline(text: str, **fields: Any) -> Any:
    """One streamed request through the app's own client to the in-process offline engine."""
    from playground.facts.providers import resolve
    from playground.wire.openai_chat import complete_chat
    from playground.wire.request import RequestPlan

    config = resolve("offline", env={})
    body = {"model": "x-ai-grok-3-mini-beta", "messages": [{"role": "user", "content": text}], "stream": True}
    plan = RequestPlan(f"{config.base_url}/chat/completions", {"Content-Type": "application/json"}, body | fields)
    return complete_chat(plan, config=config)


def stream_flood(server: HostileServer) -> tuple[Any, Any]:
    """Stream ``server``'s reply into a reply builder, as the chat does: the builder and the ``ReplyTooLarge``
    that ended it (None when nothing did)."""
    from playground.chat.errors import ReplyTooLarge
    from playground.chat.state import ChatState
    from playground.chat.turn import ReplyBuilder
    from playground.facts import catalog, providers
    from playground.facts.params import DEFAULTS
    from playground.facts.providers import ProviderConfig
    from playground.wire.openai_chat import stream_chat
    from playground.wire.protocols import build_plan

    model = catalog.get_model(catalog.DEFAULT_MODEL_ID)
    config = ProviderConfig(providers.CUSTOM, server.url + "/v1", "")
    plan = build_plan(ChatState(config, model, DEFAULTS, [{"role": "user", "content": "hi"}]))
    builder = ReplyBuilder(model=model, provider_id="custom", params={}, messages=[])
    try:
        for event in stream_chat(plan, config=config):
            builder.feed(event)
    except ReplyTooLarge as exc:
        return builder, exc
    return builder, None


def chunk(**delta: Any) -> dict[str, Any]:
    return {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta}]}


def _drip(interval: float) -> Iterator[bytes]:
    yield from sse(chunk(role="assistant", content="Drip "), done=False)
    while True:
        time.sleep(interval)
        yield b": still here\n\n"


def _huge(size: int, head: bytes = b"", step: int = MiB) -> Iterator[bytes]:
    if head:
        yield head
    filler = b"x" * step
    for _ in range(size // step):
        yield filler


def _nested(depth: int = 100_000) -> list[bytes]:
    deep = "[" * depth + "]" * depth
    content = '{"choices":[{"delta":{"content":' + deep + "}}]}"
    return [f"data: {deep}\n\n".encode(), f"data: {content}\n\n".encode(), *sse(chunk(content="Survived"))]


WRONG_TYPES = [
    chunk(content="Still "),
    {"choices": [{"delta": {"tool_calls": [{"index": 0, "function": "not an object"}]}}]},
    {"choices": [{"delta": {"tool_calls": [{"index": "x", "function": {"name": 7, "arguments": {"a": 1}}}]}}]},
    {"choices": [{"delta": {"content": {"nested": ["garbage"]}}}]},
    {"choices": "not a list"},
    chunk(content="readable"),
    {"choices": [{"delta": {}, "finish_reason": "stop"}]},
    {
        "choices": [],
        "usage": {
            "prompt_tokens": -5,
            "completion_tokens": 10**30,
            "completion_tokens_details": "lots",
            "prompt_tokens_details": [1, 2],
            "cost": "NaN",
        },
    },
]


def _anthropic(*events: dict[str, Any]) -> list[bytes]:
    return [f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events]


ANTHROPIC_WRONG_TYPES = _anthropic(
    {"type": "message_start", "message": {"usage": {"input_tokens": "twelve", "output_tokens": 1}}},
    {"type": "content_block_start", "index": "0", "content_block": "text"},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": ["not", "text"]}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Still readable"}},
    {"type": "message_delta", "delta": {"stop_reason": 5}, "usage": {"output_tokens": 1e308}},
    {"type": "message_delta", "delta": "none", "usage": {"cache_read_input_tokens": {"x": 1}}},
    {"type": "message_stop"},
)
ANTHROPIC_WRONG_TYPES[4] = ANTHROPIC_WRONG_TYPES[4].replace(b"1e+308", b"1e999")


def _key_echo(req: Recorded) -> Reply:
    header = req.headers.get("Authorization") or req.headers.get("x-api-key") or ""
    key = header.removeprefix("Bearer ")
    pad = "p" * (300 - 40 - len(key) // 2)  # the raw key straddles the 300-character cut of the quote
    message = f"{pad} {key} / escaped: {json.dumps(key + chr(10))} / repr: {key + chr(10)!r}"
    return Reply(401, {"Content-Type": "application/json"}, json.dumps({"error": {"message": message}}).encode())


def _key_echo_stream(req: Recorded) -> Reply:
    key = (req.headers.get("Authorization") or "").removeprefix("Bearer ")
    half = len(key) // 2
    parts = [chunk(content=f"Your key is {key[:half]}"), chunk(content=f"{key[half:]} and again {key}."), chunk()]
    return Reply(200, {"Content-Type": "text/event-stream"}, chunks=sse(*parts))


def _cost(cost: float, tokens: int) -> list[bytes]:
    usage = {"prompt_tokens": 12, "completion_tokens": tokens, "total_tokens": 12 + tokens, "cost": cost}
    return sse(chunk(content="Charged "), chunk(content="plenty."), chunk(), {"choices": [], "usage": usage})


UNSAVABLE = [
    chunk(content="Nul \x00 byte and a lone \ud800 surrogate."),
    {"choices": [{"index": 0, "delta": {}, "finish_reason": "r" * 300}]},
]


def _flood(events: int, per_event: int) -> Iterator[bytes]:
    n = 0
    for _ in range(events):
        calls = [
            {"index": n + i, "id": f"c{n + i}", "type": "function", "function": {"name": "f", "arguments": ""}}
            for i in range(per_event)
        ]
        n += per_event
        yield from sse(chunk(tool_calls=calls), done=False)
    yield from sse({"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]})


SURROGATE_TEXT = "bad \ud800 text"  # json.dumps writes it as the escape \ud800: valid JSON, no UTF-8 form


def _surrogate_whole() -> Reply:
    body = {
        "object": "chat.completion",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": SURROGATE_TEXT}, "finish_reason": "stop"}
        ],
    }
    return Reply(200, {"Content-Type": "application/json"}, json.dumps(body).encode())


class HostileServer(LoopbackServer):
    """A loopback server answering with ``mode`` (see the module docstring); ``interval`` paces ``drip``."""

    def __init__(
        self,
        mode: str = "drip",
        *,
        interval: float = 0.5,
        size: int = 64 * MiB,
        cost: float = 999999,
        tokens: int = 40,
        events: int = 4,
        per_event: int = 5000,
        surrogate: bool = True,
    ) -> None:
        self.mode, self.interval, self.size = mode, interval, size
        self.cost, self.tokens, self.events, self.per_event = cost, tokens, events, per_event
        self.surrogate = surrogate  # unsavable: with the lone surrogate (the page itself cannot show it yet)
        super().__init__(self._reply)

    def _reply(self, req: Recorded) -> Reply:
        stream = {"Content-Type": "text/event-stream"}
        mode = self.mode
        if mode == "drip":
            return Reply(200, stream, chunks=_drip(self.interval))
        if mode == "huge_error":
            return Reply(500, {"Content-Type": "text/plain"}, chunks=_huge(self.size, b"Internal error: "))
        if mode == "huge_line":
            return Reply(200, stream, chunks=_huge(self.size, b"data: "))
        if mode == "huge_reply":
            piece = chunk(content="y" * 999)
            return Reply(200, stream, chunks=(sse(piece, done=False)[0] for _ in range(self.size // 1000)))
        if mode == "nested":
            return Reply(200, stream, chunks=_nested())
        if mode == "wrong_types":
            return Reply(200, stream, chunks=sse(*WRONG_TYPES))
        if mode == "anthropic_wrong_types":
            return Reply(200, stream, chunks=list(ANTHROPIC_WRONG_TYPES))
        if mode == "key_echo":
            return _key_echo(req)
        if mode == "key_echo_stream":
            return _key_echo_stream(req)
        if mode == "cost":
            return Reply(200, stream, chunks=_cost(self.cost, self.tokens))
        if mode == "unsavable":
            parts = UNSAVABLE if self.surrogate else [chunk(content="Nul \x00 byte only."), UNSAVABLE[1]]
            return Reply(200, stream, chunks=sse(*parts))
        if mode == "tool_flood":
            return Reply(200, stream, chunks=_flood(self.events, self.per_event))
        if mode == "phish":
            body = {"error": {"message": PHISH, "type": "authentication_error"}}
            return Reply(401, {"Content-Type": "application/json"}, json.dumps(body).encode())
        if mode == "surrogate":
            return Reply(200, stream, chunks=sse(chunk(role="assistant", content=SURROGATE_TEXT), chunk()))
        if mode == "surrogate_whole":
            return _surrogate_whole()
        if mode == "surrogate_error":
            body = {"error": {"message": f"Your input: {SURROGATE_TEXT}", "type": "invalid_request_error"}}
            return Reply(400, {"Content-Type": "application/json"}, json.dumps(body).encode())
        raise ValueError(f"unknown mode {mode!r}")


def main() -> None:
    """Serve ``MODE`` on a free 127.0.0.1 port until killed; print the URL on the first line."""
    with HostileServer(sys.argv[1]) as server:
        print(server.url, flush=True)
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main()
