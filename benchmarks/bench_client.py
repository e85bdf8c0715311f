"""Client parse cost: our streaming client vs raw httpx line reading + json.loads vs the official openai package.

All three read the same 20,000-chunk stream from one loopback server, interleaved, several rounds; the table shows
medians and ratios against the raw httpx baseline. Two framings of the same bytes: ``block`` (a Content-Length
body written 16 kB at a time) and ``event`` (chunked transfer encoding, one HTTP chunk per SSE event, as providers
stream), where every reader also pays the HTTP layer's cost per chunk.

    python benchmarks/bench_client.py [--chunks 20000] [--rounds 7] [--framing both|block|event]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playground.chat.events import TextDelta  # noqa: E402
from playground.chat.state import ChatState
from playground.facts import catalog, providers  # noqa: E402
from playground.facts.params import DEFAULTS  # noqa: E402
from playground.wire.openai_chat import stream_chat  # noqa: E402
from playground.wire.request import build_chat_request  # noqa: E402


def make_body(chunks: int) -> bytes:
    """An OpenAI-style stream: ``chunks`` content deltas, a finish chunk, a usage chunk, [DONE]."""
    lines = []
    for i in range(chunks):
        obj = {
            "id": "chatcmpl-1",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "m",
            "choices": [{"index": 0, "delta": {"content": f"tok{i} "}, "finish_reason": None}],
        }
        lines.append(f"data: {json.dumps(obj)}\n\n")
    lines.append(
        'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m",'
        '"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n'
    )
    lines.append(
        'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],'
        f'"usage":{{"prompt_tokens":5,"completion_tokens":{chunks},"total_tokens":{chunks + 5}}}}}\n\n'
    )
    lines.append("data: [DONE]\n\n")
    return "".join(lines).encode()


FRAMINGS = {"block": "body written in 16 kB blocks", "event": "one HTTP chunk per event"}


def serve(body: bytes, framing: str) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # as a streaming server: no 40 ms delayed-ACK stall on a kept connection

        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            if framing == "event":
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.wfile.write(b"".join(b"%x\r\n%s\r\n" % (len(e), e) for e in events) + b"0\r\n\r\n")
                return
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for start in range(0, len(body), 16384):
                self.wfile.write(body[start : start + 16384])

    events = [e + b"\n\n" for e in body.split(b"\n\n") if e]

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


KEY_ENV: dict[str, str] = {}  # --key: an operator key, so the client also masks it in the streamed text


def run_ours(url: str, client: httpx.Client) -> int:
    config = providers.resolve("custom", env={"PLAYGROUND_BASE_URL": url, **KEY_ENV})
    plan = build_chat_request(
        ChatState(config, catalog.GROK_3_MINI, DEFAULTS, [{"role": "user", "content": "hi"}])
    )
    return sum(len(e.text) for e in stream_chat(plan, config=config, client=client) if isinstance(e, TextDelta))


def run_raw(url: str, client: httpx.Client) -> int:
    total = 0
    with client.stream("POST", url + "/chat/completions", json={"stream": True}) as response:
        for line in response.iter_lines():
            if not line.startswith("data: "):
                continue
            data = line[6:]
            if data == "[DONE]":
                break
            obj = json.loads(data)
            for choice in obj.get("choices") or ():
                total += len(choice.get("delta", {}).get("content") or "")
    return total


def run_openai(url: str, client: object) -> int:
    stream = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}], stream=True)
    return sum(len(c.choices[0].delta.content or "") for c in stream if c.choices)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--framing", default="both", choices=("both", "block", "event"))
    parser.add_argument("--key", action="store_true", help="configure a key (the text is then scanned for it)")
    args = parser.parse_args()
    if args.key:
        KEY_ENV["PLAYGROUND_API_KEY"] = "sk-bench-0123456789abcdefABCDEF"
    for framing in ("block", "event") if args.framing == "both" else (args.framing,):
        measure(args, framing)


def measure(args: argparse.Namespace, framing: str) -> None:
    """Run the three readers against one server with ``framing`` and print their table."""
    import openai

    server = serve(make_body(args.chunks), framing)
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    http = httpx.Client(timeout=60)
    sdk = openai.OpenAI(base_url=url, api_key="unused", max_retries=0)
    contenders = {
        "raw httpx + json.loads (baseline)": (run_raw, http),
        "playground client": (run_ours, http),
        "openai package": (run_openai, sdk),
    }
    times: dict[str, list[float]] = {name: [] for name in contenders}
    expected = None
    for _ in range(args.rounds):
        for name, (fn, client) in contenders.items():
            start = time.perf_counter()
            chars = fn(url, client)
            times[name].append(time.perf_counter() - start)
            expected = expected or chars
            assert chars == expected, (name, chars, expected)
    base = statistics.median(times["raw httpx + json.loads (baseline)"])
    print(
        f"# client parse cost: {args.chunks:,} chunks, {FRAMINGS[framing]}, median of {args.rounds} interleaved "
        f"rounds ({time.strftime('%Y-%m-%d')}, `python benchmarks/bench_client.py`)"
    )
    print("| reader | median s | ratio to raw httpx |")
    print("|---|---|---|")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values):.3f} | {statistics.median(values) / base:.2f}x |")
    server.shutdown()


if __name__ == "__main__":
    main()
