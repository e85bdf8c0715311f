"""The chat page against loopback servers: served-by and usage-reading notes on the strip, the model list mark,
the retired-model error's one-click switches, and one retry without a whole parameter family."""

from __future__ import annotations

import pytest
from apptest_util import captions, chat, run, send, start_app
from loopback import LoopbackServer, Recorded, json_reply, sse, sse_reply

KEY = "sk-loopback-cost-app-4242"
XAI_USAGE = {  # xAI's convention: 52,515 + 7,023 + 12,537 = 72,075 (the issue's example)
    "prompt_tokens": 52_515,
    "completion_tokens": 7_023,
    "total_tokens": 72_075,
    "completion_tokens_details": {"reasoning_tokens": 12_537},
}


def answer(text: str, *, model: str = "x-ai-grok-3-mini-beta", usage: dict | None = None):
    chunks = [
        {"model": model, "choices": [{"index": 0, "delta": {"content": text}}]},
        {"model": model, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
    ]
    if usage:
        chunks.append({"model": model, "choices": [], "usage": usage})
    return sse_reply(sse(*chunks))


class Provider:
    """A provider on loopback: ``models`` for GET .../models, ``replies`` in order for chat requests."""

    def __init__(self, models: list[str], *replies) -> None:
        self.models = models
        self.replies = list(replies)

    def __call__(self, req: Recorded):
        if req.method == "GET":
            return json_reply(200, {"object": "list", "data": [{"id": m, "object": "model"} for m in self.models]})
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]


@pytest.fixture
def serve(monkeypatch):
    servers = []

    def start(handler, *, key: str = KEY):
        server = LoopbackServer(handler).__enter__()
        servers.append(server)
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
        monkeypatch.setenv("PLAYGROUND_API_KEY", key)
        monkeypatch.setattr("playground.wire.openai_chat._sleep", lambda s: None, raising=False)
        return server

    yield start
    for server in servers:
        server.__exit__()


def chats(server: LoopbackServer) -> list[dict]:
    return [r.json() for r in server.requests if r.method == "POST"]


def errors(at) -> str:
    return "\n".join(e.value for e in at.error)


def test_the_strip_says_served_by_and_how_usage_was_read(serve) -> None:
    serve(Provider(["x-ai-grok-3-mini-beta"], answer("Hi", model="grok-4.3", usage=XAI_USAGE)))
    at = start_app()
    send(at, "Hello?")
    text = captions(at)
    assert "served by `grok-4.3`" in text and "priced as `grok-4.3`" in text
    assert "usage read as xAI" in text and "not the provider's OpenAI" in text
    assert KEY not in text


def test_the_asked_model_at_its_own_price_when_the_issue_example_comes_through_a_gateway(serve) -> None:
    serve(Provider(["x-ai-grok-3-mini-beta"], answer("Hi", usage=XAI_USAGE)))
    at = start_app()
    send(at, "Hello?")
    text = captions(at)
    assert "cost $0.025535" in text and "served by" not in text  # $0.0255345, shown to six decimals
    assert "usage read as xAI" in text


def test_the_model_picker_marks_whether_the_model_is_served(serve) -> None:
    server = serve(Provider(["x-ai-grok-3-mini-beta", "x-ai-grok-3-mini"], answer("Hi")))
    at = start_app()
    assert "`x-ai-grok-3-mini-beta` is in Custom" in captions(at)
    listed = [r for r in server.requests if r.method == "GET"]
    assert listed and listed[0].path == "/v1/models" and listed[0].headers["Authorization"] == f"Bearer {KEY}"
    run(at)
    assert len([r for r in server.requests if r.method == "GET"]) == 1  # read once a session


def test_the_model_picker_marks_a_model_the_provider_does_not_list(serve) -> None:
    serve(Provider(["grok-4.3", "grok-3-mini-fast"], answer("Hi")))
    at = start_app()
    assert "`x-ai-grok-3-mini-beta` is not in Custom" in captions(at)


def test_a_retired_model_offers_the_closest_served_models_as_one_click_switches(serve) -> None:
    retired = json_reply(410, {"error": {"message": "The model x-ai-grok-3-mini-beta has been retired."}})
    server = serve(Provider(["grok-4.3", "x-ai-grok-3-mini", "llama-3-8b"], retired, answer("From the new one")))
    at = start_app()
    send(at, "Hello?")
    assert "retired" in errors(at) and chat(at) == [("user", "Hello?")]
    assert at.button(key="switch_model_0").label == "Switch to x-ai-grok-3-mini"
    assert "llama-3-8b" not in [b.label for b in at.button]
    at.button(key="switch_model_0").click()
    run(at)
    assert chat(at)[-1] == ("assistant", "From the new one") and not at.error
    assert [c["model"] for c in chats(server)] == ["x-ai-grok-3-mini-beta", "x-ai-grok-3-mini"]
    assert at.selectbox(key="model_id").value == "x-ai-grok-3-mini"


def test_one_retry_drops_the_whole_family_remembered_for_the_model_and_url(serve) -> None:
    rejected = json_reply(
        400,
        {
            "code": "Client specified an invalid argument",
            "error": "Argument not supported on this model: presencePenalty",
        },
    )
    server = serve(Provider(["x-ai-grok-3-mini-beta"], rejected, answer("Fine without them")))
    at = start_app()
    send(at, "Hello?")
    family = at.button(key="retry_without_family")
    assert family.label == "Retry without presence_penalty, frequency_penalty, stop"
    family.click()
    run(at)
    assert chat(at)[-1][1] == "Fine without them"
    first, second = chats(server)
    assert "presence_penalty" in first and "frequency_penalty" in first
    assert "presence_penalty" not in second and "frequency_penalty" not in second
    assert at.slider(key="presence_penalty").disabled and at.slider(key="frequency_penalty").disabled
    text = captions(at)
    assert 'Not sent: the server rejected it: "Argument not supported on this model: presencePenalty"' in text
    assert "Not sent: the server rejected presence_penalty, and https://docs.x.ai" in text
    send(at, "Again")
    assert "frequency_penalty" not in chats(server)[-1]


def test_the_family_is_remembered_per_url_not_for_another_one(serve) -> None:
    rejected = json_reply(400, {"code": "x", "error": "Argument not supported on this model: frequencyPenalty"})
    serve(Provider(["x-ai-grok-3-mini-beta"], rejected, answer("ok")))
    at = start_app()
    send(at, "Hello?")
    at.button(key="retry_without_family").click()
    run(at)
    assert at.slider(key="presence_penalty").disabled
    other = LoopbackServer(Provider(["x-ai-grok-3-mini-beta"], answer("elsewhere"))).__enter__()
    try:
        at.text_input(key="base_url").set_value(other.url + "/v1")
        run(at)
        assert not at.slider(key="presence_penalty").disabled
        send(at, "There?")
        assert "presence_penalty" in chats(other)[-1]
    finally:
        other.__exit__()


def test_modelslab_lists_in_anthropic_style_once_for_the_picker_and_the_mark(serve, monkeypatch) -> None:
    server = serve(Provider(["x-ai-grok-3-mini-beta", "x-ai-grok-3-mini"], answer("Hi")))
    monkeypatch.setenv("PLAYGROUND_PROVIDER", "modelslab")
    monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/api/v7/llm")
    monkeypatch.setenv("MODELSLAB_API_KEY", KEY)
    at = start_app()
    assert "`x-ai-grok-3-mini-beta` is in ModelsLab" in captions(at)
    assert "x-ai-grok-3-mini" in at.selectbox(key="model_id").options  # the listed model joins the picker
    listed = [r for r in server.requests if r.method == "GET"]
    assert [r.path for r in listed] == ["/api/v7/llm/v1/models"] and listed[0].headers["anthropic-version"]
