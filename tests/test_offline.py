"""The offline engine: deterministic replies, max_tokens, usage, no key echo, safe Markdown, SSE over httpx,
curl and the official openai package, early close."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from playground.chat_state import ChatState
from playground.offline import engine as offline
from playground.offline import server as offline_server
from playground.offline import text
from playground.offline.engine import ENGINE_MODEL, OfflineTransport, plan_reply, resolve_pace
from playground.tokens import count_messages, count_tokens

BODY_KEY = "sk-body-SECRET-0123456789"
HEADER_KEY = "sk-header-SECRET-9876543210"


def body(text: str = "What is the capital of France?", **extra: Any) -> dict[str, Any]:
    """A request like the app's: system + user messages and the product page's parameters."""
    return {
        "model": "x-ai-grok-3-mini-beta",
        "messages": [{"role": "system", "content": "You are helpful."}, {"role": "user", "content": text}],
        "temperature": 0.7,
        "top_p": 0.9,
        "max_tokens": 1000,
        "reasoning_effort": "low",
        "stream": True,
        "stream_options": {"include_usage": True},
        **extra,
    }


def decode_sse(raw: bytes) -> list[str]:
    """The ``data:`` payloads of a whole OpenAI-style SSE stream (strict: every event is one data line)."""
    text = raw.decode()
    assert text.endswith("\n\n"), "stream must end with a blank line"
    out = []
    for block in text[:-2].split("\n\n"):
        assert block.startswith("data: ") and "\n" not in block, block
        out.append(block[len("data: ") :])
    return out


def collect(payloads: list[str]) -> dict[str, Any]:
    """Reasoning, content, finish reason and usage from decoded payloads, checking the chunk order."""
    assert payloads[-1] == "[DONE]"
    chunks = [json.loads(p) for p in payloads[:-1]]
    assert all(c["object"] == "chat.completion.chunk" and c["model"] == ENGINE_MODEL for c in chunks)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    kinds: list[str] = []
    out = {"reasoning": "", "content": "", "finish": None, "usage": None, "pieces": [], "answer_pieces": 0}
    for c in chunks[1:]:
        if not c["choices"]:
            out["usage"] = c["usage"]
            kinds.append("usage")
            continue
        choice = c["choices"][0]
        for field, name in (("reasoning_content", "reasoning"), ("content", "content")):
            if field in choice["delta"]:
                out[name] += choice["delta"][field]
                out["pieces"].append(choice["delta"][field])
                out["answer_pieces"] += name == "content"
                kinds.append(name)
        if choice["finish_reason"]:
            assert choice["delta"] == {}
            out["finish"] = choice["finish_reason"]
            kinds.append("finish")
    order = [k for i, k in enumerate(kinds) if i == 0 or kinds[i - 1] != k]
    assert order in (
        ["reasoning", "content", "finish", "usage"],
        ["reasoning", "content", "finish"],
        ["reasoning", "finish", "usage"],
        ["reasoning", "finish"],
    ), order
    return out


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(transport=OfflineTransport(pace=0), base_url="http://offline.invalid/v1") as c:
        yield c


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    srv = offline_server.serve("127.0.0.1", 0, pace=0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield offline_server.base_url(srv)
    srv.shutdown()
    srv.server_close()


def stream_raw(client: httpx.Client, payload: dict[str, Any], **headers: str) -> bytes:
    with client.stream("POST", "/chat/completions", json=payload, headers=headers) as resp:
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith("text/event-stream")
        return resp.read()


# --- the engine --------------------------------------------------------------------------------------------


def test_same_request_gives_the_same_bytes_and_another_request_differs(client: httpx.Client) -> None:
    first, second = stream_raw(client, body()), stream_raw(client, body())
    assert first == second
    plain = client.post("/chat/completions", json=body(stream=False)).content
    assert plain == client.post("/chat/completions", json=body(stream=False)).content
    other = collect(decode_sse(stream_raw(client, body("Tell me about Rust"))))
    assert other["content"] != collect(decode_sse(first))["content"]
    assert "Rust" in other["content"] and "Rust" in other["reasoning"]


def test_answer_says_it_is_the_offline_engine_and_shows_the_request(client: httpx.Client) -> None:
    out = collect(decode_sse(stream_raw(client, body(frequency_penalty=0.5, presence_penalty=-0.25))))
    text = out["content"]
    assert "offline engine, not Grok" in text and "MODELSLAB_API_KEY" in text and "sidebar" in text
    for fragment in (
        '"model": "x-ai-grok-3-mini-beta"',
        '"temperature": 0.7',
        '"top_p": 0.9',
        '"max_tokens": 1000',
        '"frequency_penalty": 0.5',
        '"presence_penalty": -0.25',
        '"reasoning_effort": "low"',
    ):
        assert fragment in text
    assert "2 in all: 1 system, 1 user" in text
    assert "What is the capital of France?" in text
    assert "offline engine" in out["reasoning"] and "instead of answering" in out["reasoning"]
    assert out["finish"] == "stop"


def test_long_user_message_is_truncated_in_the_quote() -> None:
    reply = plan_reply(offline.parse_body(json.dumps(body("x" * 150 + "y" * 150)).encode()))
    assert "x" * 150 + "y" * 50 + "…" in reply.answer_text
    assert "y" * 51 not in reply.answer_text


@pytest.mark.parametrize("limit", [1, 7, 40, 110, 160, -1])
def test_max_tokens_is_honoured_with_finish_reason_length(client: httpx.Client, limit: int) -> None:
    if limit < 0:  # one token short of the whole reply (the reply quotes max_tokens, so find a fixed point)
        limit = 1000
        for _ in range(5):
            uncut = body(max_tokens=limit)
            cost = count_tokens("".join(text.pieces(text.build_reasoning(uncut)))) + count_tokens(
                "".join(text.pieces(text.build_answer(uncut)))
            )
            limit, previous = cost - 1, limit
            if limit == previous:
                break
    out = collect(decode_sse(stream_raw(client, body(max_tokens=limit))))
    used = count_tokens(out["reasoning"]) + count_tokens(out["content"])
    assert out["finish"] == "length"
    assert used <= limit
    assert out["usage"]["completion_tokens"] == used
    reasoning = text.pieces(text.build_reasoning(body(max_tokens=limit)))
    pieces = reasoning + text.pieces(text.build_answer(body(max_tokens=limit)))
    sent = len(out["pieces"])
    assert out["pieces"] == pieces[:sent]  # a prefix of the uncut reply, cut where the budget ran out
    more, r = pieces[: sent + 1], len(reasoning)
    assert count_tokens("".join(more[:r])) + count_tokens("".join(more[r:])) > limit


def test_without_a_limit_the_reply_stops_normally(client: httpx.Client) -> None:
    payload = body()
    payload.pop("max_tokens")
    out = collect(decode_sse(stream_raw(client, payload)))
    assert out["finish"] == "stop" and out["content"].rstrip().endswith("send the message again.")


def test_usage_equals_the_estimator_counts_streaming_and_not(client: httpx.Client) -> None:
    payload = body("Count my tokens, please. " * 20)
    out = collect(decode_sse(stream_raw(client, payload)))
    usage = out["usage"]
    reasoning, answer = count_tokens(out["reasoning"]), count_tokens(out["content"])
    assert usage["prompt_tokens"] == count_messages(payload["messages"])
    assert usage["completion_tokens"] == reasoning + answer
    assert usage["completion_tokens_details"] == {"reasoning_tokens": reasoning}
    assert usage["prompt_tokens_details"] == {"cached_tokens": 0}
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    plain = client.post("/chat/completions", json={**payload, "stream": False}).json()
    assert plain["object"] == "chat.completion" and plain["model"] == ENGINE_MODEL
    message = plain["choices"][0]["message"]
    assert '"stream": false' in message["content"] and "instead of answering" in message["reasoning_content"]
    reasoning, answer = count_tokens(message["reasoning_content"]), count_tokens(message["content"])
    assert plain["usage"]["completion_tokens"] == reasoning + answer
    assert plain["usage"]["completion_tokens_details"] == {"reasoning_tokens": reasoning}
    assert plain["usage"]["prompt_tokens"] == usage["prompt_tokens"]
    assert plain["choices"][0]["finish_reason"] == "stop"


def test_no_usage_chunk_unless_asked(client: httpx.Client) -> None:
    payload = body()
    payload.pop("stream_options")
    raw = stream_raw(client, payload)
    assert b'"usage"' not in raw
    assert collect(decode_sse(raw))["usage"] is None


def test_never_echoes_a_key_from_the_body_or_the_header(client: httpx.Client, server: str) -> None:
    payload = body(key=BODY_KEY, api_key=BODY_KEY)
    auth = {"Authorization": f"Bearer {HEADER_KEY}"}
    seen = [
        stream_raw(client, payload, **auth),
        client.post("/chat/completions", json={**payload, "stream": False}, headers=auth).content,
        httpx.post(f"{server}/chat/completions", json={**payload, "stream": False}, headers=auth).content,
    ]
    with httpx.stream("POST", f"{server}/chat/completions", json=payload, headers=auth) as resp:
        seen.append(resp.read())
    for raw in seen:
        assert BODY_KEY.encode() not in raw and HEADER_KEY.encode() not in raw and b"SECRET" not in raw
        assert b'"key"' not in raw and b'"api_key"' not in raw
    assert BODY_KEY not in repr(OfflineTransport(pace=0))


def fenced_lines(markdown: str) -> set[int]:
    """Indexes of lines inside backtick fenced code blocks (CommonMark: closed by a run at least as long)."""
    inside, opener = set(), 0
    for i, line in enumerate(markdown.split("\n")):
        run = re.match(r"^ {0,3}(`{3,})(.*)$", line)
        if opener and run and len(run.group(1)) >= opener and not run.group(2).strip():
            opener = 0
        elif opener:
            inside.add(i)
        elif run and "`" not in run.group(2):
            opener = len(run.group(1))
    return inside


def test_user_text_cannot_break_out_of_its_code_block() -> None:
    attack = "hi\n````\n<script>alert(1)</script>\n``````\n<img src=x onerror=alert(2)>\n# Heading"
    reply = plan_reply(offline.parse_body(json.dumps(body(attack, stop=["```<b>"])).encode()))
    lines = reply.answer_text.split("\n")
    inside = fenced_lines(reply.answer_text)
    danger = [i for i, line in enumerate(lines) if "<" in line or line.startswith("# ")]
    assert danger and set(danger) <= inside
    assert "<" not in reply.reasoning_text and "`" not in reply.reasoning_text
    assert "script alert 1" in reply.reasoning_text


def test_answer_tokens_hook_gives_exactly_n_words(client: httpx.Client) -> None:
    out = collect(decode_sse(stream_raw(client, body(offline_answer_tokens=37, max_tokens=100_000))))
    assert len(out["content"].split()) == 37
    assert out["answer_pieces"] == 37
    assert out["finish"] == "stop"
    assert client.post("/chat/completions", json=body(offline_answer_tokens=-1)).status_code == 400


def test_stream_pieces_are_about_one_word(client: httpx.Client) -> None:
    out = collect(decode_sse(stream_raw(client, body())))
    assert len(out["pieces"]) > 100
    assert all(len(p.split()) == 1 for p in out["pieces"])


@pytest.mark.parametrize(
    "raw, param",
    [
        (b"{not json", None),
        (b"[1, 2]", None),
        (b'{"model": "m"}', "messages"),
        (b'{"messages": []}', "messages"),
        (b'{"messages": ["hi"]}', "messages"),
        (b'{"messages": [{"role": "user", "content": "x"}], "max_tokens": 0}', "max_tokens"),
    ],
)
def test_bad_requests_get_an_openai_style_400(
    client: httpx.Client, server: str, raw: bytes, param: str | None
) -> None:
    for resp in (
        client.post("/chat/completions", content=raw),
        httpx.post(f"{server}/chat/completions", content=raw),
    ):
        assert resp.status_code == 400
        error = resp.json()["error"]
        assert error["type"] == "invalid_request_error" and error["message"] and error["param"] == param


def test_models_and_unknown_routes(client: httpx.Client, server: str) -> None:
    for models in (client.get("/models"), httpx.get(f"{server}/models")):
        assert [m["id"] for m in models.json()["data"]] == [ENGINE_MODEL]
    assert client.get("/nowhere").status_code == 404
    assert httpx.post(f"{server}/nowhere", json={}).status_code == 404
    assert httpx.get(server.removesuffix("/v1") + "/health").json() == {"status": "ok"}


def test_pace_comes_from_the_argument_then_the_environment() -> None:
    assert resolve_pace(0.5, env={"PLAYGROUND_OFFLINE_PACE": "0.1"}) == 0.5
    assert resolve_pace(None, env={"PLAYGROUND_OFFLINE_PACE": "0.1"}) == 0.1
    assert resolve_pace(None, env={}) == offline.DEFAULT_PACE
    assert resolve_pace(None, env={"PLAYGROUND_OFFLINE_PACE": "fast"}) == offline.DEFAULT_PACE
    assert resolve_pace(-1) == 0.0
    assert OfflineTransport().pace == 0.0  # conftest sets PLAYGROUND_OFFLINE_PACE=0


# --- laziness and early close ------------------------------------------------------------------------------


def test_transport_stream_is_lazy_and_stops_when_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    sleeps: list[float] = []
    monkeypatch.setattr(offline.time, "sleep", sleeps.append)
    payload = body(offline_answer_tokens=5000, max_tokens=100_000)
    with httpx.Client(transport=OfflineTransport(pace=0.25), base_url="http://offline.invalid/v1") as c:
        with c.stream("POST", "/chat/completions", json=payload) as resp:
            lines = resp.iter_lines()
            got = [next(lines) for _ in range(10)]
        assert 0 < len(sleeps) < 20 and set(sleeps) == {0.25}  # paced per piece, and only what was read
        before = len(sleeps)
        assert len(list(lines)) <= 1  # closed: at most a buffered line, then nothing more is produced
        assert len(sleeps) == before
    assert got[0].startswith("data: ")


def test_server_stops_streaming_when_the_client_leaves(monkeypatch: pytest.MonkeyPatch) -> None:
    closed, sent = threading.Event(), []

    def watched(reply: Any, pace: float = 0.0) -> Iterator[bytes]:
        try:
            for event in offline.sse_events(reply, pace):
                sent.append(1)
                yield event
        finally:
            closed.set()

    monkeypatch.setattr(offline_server, "sse_events", watched)
    srv = offline_server.serve("127.0.0.1", 0, pace=0.001)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        url = offline_server.base_url(srv)
        payload = body(offline_answer_tokens=200_000, max_tokens=1_000_000)
        with httpx.stream("POST", f"{url}/chat/completions", json=payload) as resp:
            assert next(resp.iter_lines()).startswith("data: ")
        assert closed.wait(30), "the server kept streaming after the client closed"
        assert len(sent) < 200_000
        assert httpx.post(f"{url}/chat/completions", json=body(stream=False)).status_code == 200
    finally:
        srv.shutdown()
        srv.server_close()


# --- the server with real clients --------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_server_streams_valid_sse_to_curl(server: str, client: httpx.Client) -> None:
    payload = json.dumps(body(max_tokens=2000))
    result = subprocess.run(
        [
            "curl",
            "-sN",
            "--fail",
            "-H",
            "Content-Type: application/json",
            "-d",
            payload,
            f"{server}/chat/completions",
        ],
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert result.stdout == stream_raw(client, json.loads(payload))  # the same engine, byte for byte
    assert collect(decode_sse(result.stdout))["finish"] == "stop"
    chunked = subprocess.run(
        ["curl", "-sN", "--fail", "-H", "Transfer-Encoding: chunked", "-d", payload, f"{server}/chat/completions"],
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert chunked.stdout == result.stdout


def test_server_works_with_the_openai_package(server: str) -> None:
    openai = pytest.importorskip("openai")
    sdk = openai.OpenAI(base_url=server, api_key="unused", max_retries=0)
    messages = body()["messages"]
    expected = plan_reply(offline.parse_body(json.dumps(body(max_tokens=1000)).encode()))
    content, reasoning, usage, finish = "", "", None, None
    stream = sdk.chat.completions.create(
        model="x-ai-grok-3-mini-beta",
        messages=messages,
        temperature=0.7,
        top_p=0.9,
        max_tokens=1000,
        reasoning_effort="low",
        stream=True,
        stream_options={"include_usage": True},
    )
    for chunk in stream:
        assert chunk.model == ENGINE_MODEL
        if chunk.usage:
            usage = chunk.usage
        for choice in chunk.choices:
            content += choice.delta.content or ""
            reasoning += getattr(choice.delta, "reasoning_content", None) or ""
            finish = choice.finish_reason or finish
    assert content == expected.answer_text and reasoning == expected.reasoning_text and finish == "stop"
    assert usage.completion_tokens == expected.usage["completion_tokens"]
    assert usage.completion_tokens_details.reasoning_tokens == count_tokens(reasoning)
    plain = sdk.chat.completions.create(model="x-ai-grok-3-mini-beta", messages=messages, max_tokens=30)
    assert plain.choices[0].finish_reason == "length"
    assert plain.usage.completion_tokens <= 30 and plain.usage.prompt_tokens == count_messages(messages)
    assert [m.id for m in sdk.models.list()] == [ENGINE_MODEL]


def test_command_line_prints_its_url_and_serves() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "playground.offline.server", "--port", "0", "--pace", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        match = re.fullmatch(r"offline engine listening on (http://127\.0\.0\.1:\d+/v1)\n", line)
        assert match, line
        reply = httpx.post(f"{match.group(1)}/chat/completions", json=body(stream=False), timeout=30)
        assert reply.json()["model"] == ENGINE_MODEL
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_stream_decodes_with_the_playground_sse_decoder_split_anywhere(client: httpx.Client) -> None:
    from playground.wire.sse import iter_sse

    raw = stream_raw(client, body())
    expected = decode_sse(raw)
    for size in (1, 7, 4096):
        events = list(iter_sse(raw[i : i + size] for i in range(0, len(raw), size)))
        assert [e.data for e in events] == expected and {e.event for e in events} == {"message"}


def test_max_completion_tokens_and_openrouter_effort_are_understood(client: httpx.Client) -> None:
    payload = body(max_completion_tokens=9, reasoning={"effort": "high"})
    payload.pop("max_tokens")
    out = collect(decode_sse(stream_raw(client, payload)))
    assert out["finish"] == "length" and out["usage"]["completion_tokens"] <= 9
    high = plan_reply(offline.parse_body(json.dumps({**payload, "max_completion_tokens": 5000}).encode()))
    assert "Reasoning effort is high" in high.reasoning_text
    low = plan_reply(offline.parse_body(json.dumps(body()).encode()))
    assert "Reasoning effort is high" not in low.reasoning_text


# --- the app's own client path ---------------------------------------------------------------------------


def app_plan(config: Any, *, stream: bool = True, max_tokens: int = 1000) -> Any:
    from playground.catalog import GROK_3_MINI
    from playground.params import GenerationParams
    from playground.wire.request import build_chat_request

    params = GenerationParams(max_tokens=max_tokens, reasoning_effort="high")
    history = [{"role": "user", "content": "Explain <b>SSE</b> in one line"}]
    return build_chat_request(ChatState(config, GROK_3_MINI, params, history, stream=stream))


def test_the_app_client_streams_from_the_offline_provider() -> None:
    from playground.events import Finish, ReasoningDelta, ServedModel, TextDelta, Usage
    from playground.providers import resolve
    from playground.wire.openai_chat import collect as collect_events
    from playground.wire.openai_chat import complete_chat, stream_chat

    config = resolve("offline", env={})
    assert config.provider.offline
    plan = app_plan(config)
    expected = plan_reply(plan.body)
    events = list(stream_chat(plan, config=config))
    assert isinstance(events[0], ReasoningDelta) and isinstance(events[-1], Usage)
    assert {type(e) for e in events} == {ReasoningDelta, TextDelta, Finish, ServedModel, Usage}
    result = collect_events(events)
    assert result.text == expected.answer_text and result.reasoning == expected.reasoning_text
    assert result.finish_reason == "stop" and "offline engine, not Grok" in result.text
    assert result.usage.completion_tokens == count_tokens(result.text) + count_tokens(result.reasoning)
    assert result.usage.reasoning_tokens == count_tokens(result.reasoning)
    assert result.usage.prompt_tokens == count_messages(plan.body["messages"])
    short = complete_chat(app_plan(config, stream=False, max_tokens=20), config=config)
    assert short.finish_reason == "length" and short.usage.output_tokens <= 20


def test_the_app_client_can_stop_early_and_never_sees_its_key_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    from playground.events import TextDelta
    from playground.providers import resolve
    from playground.wire.openai_chat import collect as collect_events
    from playground.wire.openai_chat import stream_chat

    for auth in ("bearer", "body"):
        config = resolve("modelslab", env={"MODELSLAB_API_KEY": BODY_KEY}, auth=auth)
        plan = app_plan(config)
        assert BODY_KEY in json.dumps(plan.body) + json.dumps(plan.headers)  # the key really is sent
        with httpx.Client(transport=OfflineTransport(pace=0), base_url="http://offline.invalid") as c:
            result = collect_events(stream_chat(plan, config=config, client=c))
            assert BODY_KEY not in result.text + result.reasoning and result.finish_reason == "stop"
        sleeps: list[float] = []
        monkeypatch.setattr(offline.time, "sleep", sleeps.append)  # replaced again on the next round
        with httpx.Client(transport=OfflineTransport(pace=0.5), base_url="http://offline.invalid") as c:
            events = stream_chat(plan, config=config, client=c)
            first = [next(events) for _ in range(5)]
            events.close()
        assert all(not isinstance(e, TextDelta) for e in first)  # reasoning comes first
        assert 0 < len(sleeps) < 20  # the engine stopped producing when the app closed the stream
