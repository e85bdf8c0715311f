"""Exact counts before sending with xAI directly: POST /v1/tokenize-text, cached by text, silent fallback."""

from __future__ import annotations

import json

from apptest_util import answer_stream, captions, run, send, start_app
from loopback import LoopbackServer, Reply, json_reply

from playground.facts.providers import OPENROUTER, XAI, ProviderConfig
from playground.money.tokens import MESSAGE_OVERHEAD
from playground.wire import tokenize

KEY = "xai-test-key-0000"


def server_tokens(text: str) -> list[dict]:
    """The loopback tokenizer: one token per word and per punctuation run (its own rule, not ours)."""
    pieces, word = [], ""
    for ch in text:
        if ch.isalnum():
            word += ch
            continue
        if word:
            pieces.append(word)
            word = ""
        if not ch.isspace():
            pieces.append(ch)
    pieces += [word] if word else []
    return [{"token_id": i, "string_token": p, "token_bytes": list(p.encode())} for i, p in enumerate(pieces)]


def xai_api(req):
    """An xAI-like server: /v1/tokenize-text as documented, chat completions as a short stream."""
    if req.path == "/v1/tokenize-text":
        body = req.json()
        if set(body) != {"text", "model"}:
            return json_reply(400, {"error": "body must be text and model"})
        return json_reply(200, {"token_ids": server_tokens(body["text"])})
    return answer_stream()


def xai(server, key: str = KEY, provider=XAI) -> ProviderConfig:
    return ProviderConfig(provider, server.url + "/v1", key)


def tokenize_requests(server) -> list:
    return [r for r in server.requests if r.path == "/v1/tokenize-text"]


def test_the_count_is_the_servers_token_count_sent_as_documented() -> None:
    text = "Bonjour, combien coûte une requête? Trois mots, puis quatre."
    with LoopbackServer(xai_api) as server:
        counter = tokenize.ExactCounter()
        assert counter.count_text(xai(server), model="grok-3-mini", text=text) == len(server_tokens(text))
        (req,) = tokenize_requests(server)
        assert req.method == "POST" and req.json() == {"text": text, "model": "grok-3-mini"}
        assert req.headers["Authorization"] == f"Bearer {KEY}"


def test_a_prompt_counts_every_text_exactly_plus_the_message_overhead() -> None:
    messages = [
        {"role": "system", "content": "Answer in one line."},
        {"role": "user", "content": "Wie viele Tokens hat dieser Satz?"},
    ]
    with LoopbackServer(xai_api) as server:
        counted = tokenize.ExactCounter().count_messages(xai(server), model="grok-3-mini", messages=messages)
    expected = sum(len(server_tokens(m["content"])) + MESSAGE_OVERHEAD for m in messages)
    assert counted == tokenize.Counted(expected, tokenize.SOURCE)


def test_each_text_is_asked_once_however_often_the_page_renders() -> None:
    history = [{"role": "user", "content": "First question"}, {"role": "assistant", "content": "First answer"}]
    with LoopbackServer(xai_api) as server:
        counter, config = tokenize.ExactCounter(), xai(server)
        for _ in range(40):  # a rerun per keystroke, slider move or widget click
            counter.count_messages(config, model="grok-3-mini", messages=history)
        assert len(tokenize_requests(server)) == counter.requests == 2
        history.append({"role": "user", "content": "Second question"})
        for _ in range(40):
            counter.count_messages(config, model="grok-3-mini", messages=history)
        assert len(tokenize_requests(server)) == 3  # only the new message's text


def test_without_a_key_or_with_another_provider_nothing_is_sent() -> None:
    with LoopbackServer(xai_api) as server:
        counter = tokenize.ExactCounter()
        assert counter.count_text(xai(server, key=""), model="grok-3-mini", text="Hello") is None
        assert counter.count_text(xai(server, provider=OPENROUTER), model="grok-3-mini", text="Hello") is None
        assert server.requests == [] and counter.requests == 0


def test_a_failing_server_falls_back_silently_and_is_asked_once() -> None:
    with LoopbackServer(lambda req: json_reply(500, {"error": "tokenizer down"})) as server:
        counter, config = tokenize.ExactCounter(), xai(server)
        for _ in range(5):
            assert counter.count_messages(config, model="grok-3-mini", messages=[{"content": "Hi"}]) is None
        assert len(server.requests) == 1
    with LoopbackServer(lambda req: json_reply(200, {"tokens": 3})) as server:  # no token_ids: not a count
        assert tokenize.ExactCounter().count_text(xai(server), model="grok-3-mini", text="Hi") is None


def test_the_footer_counts_with_xai_and_says_so(monkeypatch) -> None:
    with LoopbackServer(xai_api) as server:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "xai")
        monkeypatch.setenv("XAI_API_KEY", KEY)
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
        at = start_app()
        send(at, "How many tokens is this?")
        chat = [r.json() for r in server.requests if r.path == "/v1/chat/completions"][-1]
        texts = [m["content"] for m in chat["messages"]] + ["Hello there"]  # the reply joins the history
        expected = sum(len(server_tokens(t)) + MESSAGE_OVERHEAD for t in texts)
        assert f"{expected:,} input tokens so far, counted exactly by xAI tokenize-text" in captions(at)
        asked = len(tokenize_requests(server))
        assert asked == len(texts)
        for _ in range(3):  # reruns (slider moves) ask nothing new
            at.slider(key="temperature").set_value(0.5 if _ % 2 else 0.7)
            run(at)
        assert len(tokenize_requests(server)) == asked
        assert KEY not in captions(at) and KEY not in json.dumps([r.path for r in server.requests])


def test_a_server_slower_than_the_count_is_worth_falls_back() -> None:
    slow = Reply(
        200, {"Content-Type": "application/json"}, chunks=[b'{"token_ids": []}'], delay=tokenize.TIMEOUT.read + 3
    )
    with LoopbackServer(slow) as server:
        assert tokenize.ExactCounter().count_text(xai(server), model="grok-3-mini", text="Hi") is None
