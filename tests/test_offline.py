"""The offline engine: deterministic replies, limits, usage, key hygiene, bad requests, pace."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from offline_util import (  # noqa: F401 - fixtures
    BODY_KEY,
    HEADER_KEY,
    body,
    collect,
    decode_sse,
    offline_client_fixture,
    offline_server_fixture,
    stream_raw,
)

from playground.money.tokens import count_messages, count_tokens
from playground.offline import engine as offline
from playground.offline import text
from playground.offline.engine import ENGINE_MODEL, OfflineTransport, plan_reply, resolve_pace


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
