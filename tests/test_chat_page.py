"""The playground page through app.py: starters, sidebar defaults, the request body, URL settings, actions."""

import json

import pytest
from apptest_util import answer_stream, captions, chat, new_app, run, send, start_app
from loopback import LoopbackServer

from playground.facts.page import PAGE
from playground.facts.params import DEFAULTS


@pytest.fixture
def recorder(monkeypatch):
    """A recording OpenAI-compatible server on 127.0.0.1, with the app pointed at it as a custom provider."""
    with LoopbackServer(lambda req: answer_stream()) as server:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
        yield server


def test_starter_buttons_have_the_page_texts_and_send_exactly_that_text():
    at = start_app()
    labels = [at.button(key=f"starter_{i}").label for i in range(4)]
    assert labels == [
        "Explain quantum computing in simple terms",
        "Write a Python function to sort a list",
        "Create a marketing email for a SaaS product",
        "Compare REST vs GraphQL APIs",
    ]
    at.button(key="starter_1").click()
    run(at)
    messages = chat(at)
    assert messages[0] == ("user", "Write a Python function to sort a list")
    assert messages[1][0] == "assistant" and "offline engine" in messages[1][1].lower()
    assert "estimated tokens in" in captions(at)
    assert not [b for b in at.button if b.key and b.key.startswith("starter_")]


def test_sidebar_defaults_are_the_pages():
    at = start_app()
    assert at.text_area(key="system").value == PAGE.system_message
    values = [
        at.slider(key=k).value
        for k in ("temperature", "max_tokens", "top_p", "frequency_penalty", "presence_penalty")
    ]
    assert values == [0.7, 1000, 0.9, 0.0, 0.0]
    assert not at.sidebar.number_input  # one control per parameter: the slider (no typed-number box beside it)


def test_sidebar_values_reach_the_request_body(recorder):
    at = start_app()
    at.slider(key="temperature").set_value(1.3)
    at.slider(key="max_tokens").set_value(512)
    at.slider(key="top_p").set_value(0.5)
    at.slider(key="frequency_penalty").set_value(0.4)
    at.slider(key="presence_penalty").set_value(-0.6)
    at.text_area(key="system").set_value("Answer in French.")
    run(at)
    send(at, "Bonjour")
    body = recorder.requests[-1].json()
    assert (body["temperature"], body["max_tokens"], body["top_p"]) == (1.3, 512, 0.5)
    assert (body["frequency_penalty"], body["presence_penalty"]) == (0.4, -0.6)
    assert body["messages"] == [
        {"role": "system", "content": "Answer in French."},
        {"role": "user", "content": "Bonjour"},
    ]
    assert body["stream"] is True
    assert chat(at)[-1] == ("assistant", "Thinking it over\nHello there")  # the thinking block, then the answer
    assert at.main.expander[-2].label.startswith("Thought for")  # the thinking block, then the strip
    assert "tokens in 50 · out 20 · reasoning 8" in captions(at)


def test_xai_grok_leaves_penalties_out_and_says_why(recorder, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_PROVIDER", "xai")
    monkeypatch.setenv("XAI_API_KEY", "xai-test-key-0000")
    at = start_app()
    assert at.slider(key="presence_penalty").disabled and at.slider(key="frequency_penalty").disabled
    assert "Not sent: not supported by reasoning models" in captions(at)
    send(at, "Hi")
    body = recorder.requests[-1].json()
    assert "presence_penalty" not in body and "frequency_penalty" not in body
    assert body["model"] == "grok-3-mini"
    assert recorder.requests[-1].headers["Authorization"] == "Bearer xai-test-key-0000"


def test_settings_are_restored_from_the_url(recorder):
    at = new_app()
    at.query_params.update(
        {
            "temperature": "1.5",
            "max_tokens": "256",
            "system": "Be brief.",
            "model_id": "xAI: Grok 3 Mini Beta",
            "reasoning_effort": "high",
            "provider": "Custom (OpenAI-compatible URL)",
        }
    )
    run(at)
    assert at.slider(key="temperature").value == 1.5 and at.slider(key="max_tokens").value == 256
    assert at.text_area(key="system").value == "Be brief."
    send(at, "Hi")
    body = recorder.requests[-1].json()
    assert body["temperature"] == 1.5 and body["max_tokens"] == 256 and body["reasoning_effort"] == "high"
    assert body["messages"][0]["content"] == "Be brief."


def test_regenerate_and_edit_resend(recorder):
    at = start_app()
    send(at, "First question")
    at.button(key="regenerate").click()
    run(at)
    assert len(recorder.requests) == 2
    assert recorder.requests[1].json()["messages"][-1] == {"role": "user", "content": "First question"}
    assert [role for role, _ in chat(at)] == ["user", "assistant"]
    at.text_area(key="edit_prompt").set_value("Second question")
    at.button(key="resend").click()
    run(at)
    assert recorder.requests[2].json()["messages"][-1] == {"role": "user", "content": "Second question"}
    assert chat(at)[0] == ("user", "Second question") and len(chat(at)) == 2


def test_clear_asks_first_then_empties(recorder):
    at = start_app()
    send(at, "Something")
    assert not [b for b in at.button if b.key == "confirm_clear"]  # asked only after "Clear conversation"
    at.button(key="clear").click()
    run(at)
    assert chat(at) and at.button(key="confirm_clear").label == "Yes, clear it"
    at.button(key="confirm_clear").click()
    run(at)
    assert chat(at) == [] and at.button(key="starter_0")


def test_export_has_per_reply_usage_and_cost_and_no_key(recorder, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
    monkeypatch.setenv("PLAYGROUND_API_KEY", "sk-sentinel-export-123")
    import streamlit as st

    downloads = {}
    real = st.download_button

    def record(label, data, *args, **kwargs):
        downloads[label] = data
        return real(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", record)
    at = start_app()
    send(at, "Count to three")
    exported = {label: data() if callable(data) else data for label, data in downloads.items()}
    assert recorder.requests[-1].headers["Authorization"] == "Bearer sk-sentinel-export-123"
    assert all("sk-sentinel-export-123" not in text for text in exported.values())
    doc = json.loads(exported["Export JSON"])
    reply = doc["replies"][0]
    assert reply["usage"]["prompt_tokens"] == 50 and reply["usage"]["reasoning_tokens"] == 8
    assert reply["cost"]["total"] and reply["timings"]["total"] is not None
    assert doc["messages"][-1]["content"] == "Hello there"
    assert "Hello there" in exported["Export Markdown"] and "cost $" in exported["Export Markdown"]


def anthropic_stream(req):
    events = [
        (
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": "msg_1",
                    "type": "message",
                    "role": "assistant",
                    "content": [],
                    "usage": {"input_tokens": 12, "output_tokens": 1},
                },
            },
        ),
        (
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}},
        ),
        (
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "thinking_delta", "thinking": "Pondering"},
            },
        ),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "content_block_start",
            {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}},
        ),
        (
            "content_block_delta",
            {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "Via Messages"}},
        ),
        ("content_block_stop", {"type": "content_block_stop", "index": 1}),
        (
            "message_delta",
            {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 9}},
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    from loopback import sse_reply

    return sse_reply([f"event: {name}\ndata: {json.dumps(data)}\n\n".encode() for name, data in events])


def modelslab_messages_api(req):
    from loopback import json_reply

    if req.path == "/v1/models":
        return json_reply(
            200,
            {
                "object": "list",
                "data": [
                    {"id": "x-ai-grok-3-mini-beta", "object": "model"},
                    {"id": "remote-only-model", "object": "model"},
                ],
            },
        )
    if req.path == "/v1/messages/count_tokens":
        return json_reply(200, {"input_tokens": 77})
    return anthropic_stream(req)


def test_modelslab_can_switch_to_the_anthropic_protocol(monkeypatch):
    with LoopbackServer(modelslab_messages_api) as server:
        monkeypatch.setenv("MODELSLAB_API_KEY", "ml-test-key-0000")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url)
        at = start_app()
        assert at.selectbox(key="provider").value == "modelslab"
        at.radio(key="protocol").set_value("anthropic")
        run(at)
        send(at, "Hi")
        req = [r for r in server.requests if r.path == "/v1/messages"][-1]
        body = req.json()
        assert body["system"] == PAGE.system_message and body["messages"] == [{"role": "user", "content": "Hi"}]
        assert "presence_penalty" not in body and body["max_tokens"] == 1000
        assert req.headers["Authorization"] == "Bearer ml-test-key-0000"
        assert chat(at)[-1] == ("assistant", "Pondering\nVia Messages")
        assert "tokens in 12 · out 9" in captions(at)
        assert "remote-only-model" in at.selectbox(key="model_id").options  # the provider's list fills the picker
        assert "77 input tokens so far, counted exactly by the provider" in captions(at)
        assert req.headers.get("x-api-key") is None and "ml-test-key-0000" not in captions(at)


def test_view_code_shows_samples_for_this_conversation(recorder):
    at = start_app()
    at.slider(key="temperature").set_value(0.25)
    run(at)
    send(at, "Sample me")
    at.button(key="view_code").click()
    run(at)
    code = "\n".join(c.value for c in at.code)
    assert "Sample me" in code and "Hello there" in code and "0.25" in code
    assert "fetch(" in code and "curl" in code and "<?php" in code


def test_reset_sets_widgets_without_a_default_and_a_state_write_together(caplog):
    """No widget gets both ``value=`` and a session-state write (Streamlit warns about that on every Reset)."""
    at = start_app()
    at.text_area(key="system").set_value("Be terse.")
    run(at)
    with caplog.at_level("WARNING"):
        at.button(key="reset_defaults").click()
        run(at)
        at.button(key="reset_defaults").click()
        run(at)
    assert at.text_area(key="system").value == DEFAULTS.system
    assert not [r for r in caplog.records if "default value but also had its value set" in r.getMessage()]
